//! `devvault ls [SCOPE]`: the keys of a scope with version, dates, age and rotation status
//! (`due in 78d`, `overdue 12d`); never values.

use anyhow::Result;
use clap::Args;
use std::io::Write;

#[derive(Args, Debug)]
pub struct Ls {
    /// PROJECT[/ENV] [default: from .devvault.toml]
    scope: Option<String>,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

impl Ls {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let scope = ctx.scope(self.scope.as_deref())?;
        let keys = ctx.unlock()?.list(&scope)?;
        if self.json {
            return super::output::json(&keys);
        }
        let now = crate::vault::now();
        let width = super::output::width(keys.iter().map(|k| k.key.as_str().len()), 3);
        let mut out = crate::os::console::stdout();
        writeln!(
            out,
            "{:width$}  {:>7}  {:16}  {:16}  {:>5}  ROTATION",
            "KEY", "VERSION", "CREATED", "UPDATED", "AGE"
        )?;
        for k in &keys {
            let status = match k.overdue_days {
                Some(d) => format!("overdue {d}d"),
                None => {
                    let left = (k.updated + k.max_age as i64 - now).max(0);
                    format!("due in {}d", left / 86_400)
                }
            };
            writeln!(
                out,
                "{:width$}  {:>7}  {:16}  {:16}  {:>5}  {status}",
                k.key.as_str(),
                k.version,
                super::output::date(k.created),
                super::output::date(k.updated),
                super::output::age(k.updated, now)
            )?;
        }
        Ok(())
    }
}
