//! `devvault policy SCOPE [KEY]`: shows the maximum age in force, or sets it with
//! `--max-age 30d` (the one duration grammar: d, w, mo, y; at least a day) or clears it with `--clear`.

use crate::rotation::{PolicySource, format_max_age, parse_max_age};
use crate::{KeyName, Scope};
use anyhow::Result;
use clap::Args;

#[derive(Args, Debug)]
pub struct Policy {
    /// PROJECT[/ENV] [default: the scope in .devvault.toml]
    #[arg(add = super::complete::scopes())]
    scope: Option<String>,
    /// A key of the scope: the policy then applies to that key alone
    #[arg(add = super::complete::keys())]
    key: Option<String>,
    /// Set the maximum age: e.g. 30d, 12w, 6mo or 1y (at least 1d)
    #[arg(long, value_name = "AGE", value_parser = parse_age, conflicts_with = "clear")]
    max_age: Option<u64>,
    /// Remove the policy, so the scope's (or the 90-day default) applies
    #[arg(long)]
    clear: bool,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

fn parse_age(s: &str) -> Result<u64, String> {
    parse_max_age(s).map_err(|e| e.to_string())
}

impl Policy {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let (scope, key) = match (self.scope.as_deref(), self.key.as_deref()) {
            (None, _) => (ctx.scope(None)?, None),
            (Some(one), None) if Scope::parse(one).is_ok() => (ctx.scope(Some(one))?, None),
            (Some(one), None) => (ctx.scope(None)?, Some(KeyName::new(one)?)),
            (Some(s), Some(k)) => (ctx.scope(Some(s))?, Some(KeyName::new(k)?)),
        };
        let mut vault = ctx.unlock()?;
        let what = match &key {
            Some(k) => format!("{k} in {scope}"),
            None => scope.to_string(),
        };
        if self.max_age.is_some() || self.clear {
            vault.set_policy(&scope, key.as_ref(), self.max_age)?;
        }
        let p = vault.policy(&scope, key.as_ref())?;
        if self.json {
            return super::output::json(&p);
        }
        let from = match p.source {
            PolicySource::Key => "set on the key",
            PolicySource::Scope => "set on the scope",
            PolicySource::Default => "the default",
        };
        crate::os::console::outln!("{what}: max age {} ({from})", format_max_age(p.max_age))?;
        Ok(())
    }
}
