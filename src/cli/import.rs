//! `devvault import [SCOPE] FILE`: loads a .env file (`-` = stdin) in one transaction and
//! reports, per key name, what was added, changed or already the same.

use super::set::{MAX_INPUT, read_capped, too_large};
use crate::{KeyName, SecretValue};
use anyhow::{Context, Result};
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
        let file = &rest[0];
        let bytes = if file == "-" {
            read_capped(std::io::stdin().lock(), "stdin")?
        } else {
            let f = std::fs::File::open(file).with_context(|| format!("cannot read {file}"))?;
            if f.metadata().is_ok_and(|m| m.len() > MAX_INPUT) {
                anyhow::bail!(too_large(file));
            }
            read_capped(f, file)?
        };
        let origin = if file == "-" {
            "<stdin>"
        } else {
            file.as_str()
        };
        let text = std::str::from_utf8(&bytes)
            .map_err(|e| anyhow::anyhow!("{origin}: not UTF-8 text (byte {})", e.valid_up_to()))?;
        let entries: Vec<(KeyName, SecretValue)> = crate::dotenv::parse(text, origin)?
            .into_iter()
            .map(|e| (e.key, e.value))
            .collect();
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
