//! `devvault policy SCOPE [KEY]`: shows the maximum age in force, or sets it with
//! `--max-age 30d` (days, weeks, or months of 30 days) or clears it with `--clear`.

use crate::rotation::{PolicySource, format_max_age, parse_max_age};
use crate::{KeyName, Scope};
use anyhow::Result;
use clap::Args;

#[derive(Args, Debug)]
pub struct Policy {
    /// PROJECT[/ENV]
    scope: String,
    /// A key of the scope (the policy then applies to it alone)
    key: Option<String>,
    /// Set the maximum age: e.g. 30d, 12w or 6m (months of 30 days)
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
        let scope = Scope::parse(&self.scope)?;
        let key = self.key.as_deref().map(KeyName::new).transpose()?;
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
        println!("{what}: max age {} ({from})", format_max_age(p.max_age));
        Ok(())
    }
}
