//! `devvault import [SCOPE] FILE`: loads a .env file (`-` = stdin) in one transaction and
//! reports, per key name, what was added, changed or already the same.

use crate::flows::Input;
use anyhow::Result;
use clap::Args;
use std::io::Write;

#[derive(Args, Debug)]
pub struct Import {
    /// [PROJECT[/ENV]] FILE
    #[arg(num_args = 1..=2, required = true, value_name = "ARGS")]
    args: Vec<String>,
    /// Print the report as JSON
    #[arg(long)]
    json: bool,
}

impl Import {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let (scope, rest) = super::split_scope(&self.args, 1);
        let scope = ctx.scope(scope)?;
        let entries = crate::flows::read_dotenv(Input::from_arg(&rest[0]))?;
        let report = ctx.unlock()?.import(&scope, &entries)?;
        if self.json {
            return super::output::json(&report);
        }
        let mut out = std::io::stdout().lock();
        for (mark, list) in [
            ("+", &report.added),
            ("~", &report.changed),
            ("=", &report.unchanged),
        ] {
            for k in list.iter() {
                writeln!(out, "{mark} {k}")?;
            }
        }
        writeln!(
            out,
            "{scope}: {} added, {} changed, {} unchanged",
            report.added.len(),
            report.changed.len(),
            report.unchanged.len()
        )?;
        Ok(())
    }
}
