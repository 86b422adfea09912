//! `devvault ls [SCOPE]`: the keys of a scope with version, dates and age; never values.

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
        let now = devvault::vault::now();
        let width = keys
            .iter()
            .map(|k| k.key.as_str().len())
            .max()
            .unwrap_or(3)
            .max(3);
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "{:width$}  {:>7}  {:16}  {:16}  AGE",
            "KEY", "VERSION", "CREATED", "UPDATED"
        )?;
        for k in &keys {
            writeln!(
                out,
                "{:width$}  {:>7}  {:16}  {:16}  {}",
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
