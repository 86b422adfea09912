//! `devvault push [SCOPE]`: writes a scope to a team remote with check-and-set; a remote
//! that changed since the last sync stops it with the differing key names (never values),
//! and an entry deleted, destroyed or erased on the server is written again only with
//! `--recreate`.

use anyhow::Result;
use clap::Args;

#[derive(Args, Debug)]
pub struct Push {
    /// PROJECT[/ENV] (default: the linked scope)
    scope: Option<String>,
    /// The remote (optional with one remote)
    #[arg(long)]
    remote: Option<String>,
    /// Print the result as JSON
    #[arg(long)]
    json: bool,
    /// Write the scope again when its remote entry was deleted, destroyed or erased
    #[arg(long)]
    recreate: bool,
}

impl Push {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let scope = ctx.scope(self.scope.as_deref())?;
        let mut vault = ctx.unlock()?;
        let config = vault.remote(self.remote.as_deref())?;
        let access = super::remote::access(&vault, &config)?;
        let report = vault.push(Some(&config.name), &scope, &access, self.recreate)?;
        if self.json {
            crate::os::console::report!("{}", serde_json::to_string_pretty(&report)?);
        } else if report.action == "pushed" {
            crate::os::console::status!(
                "pushed {scope} to {} ({}, version {})",
                config.name,
                config.location(&scope),
                report.version
            );
        } else {
            crate::os::console::status!(
                "{scope} is in sync with {} (version {})",
                config.name,
                report.version
            );
        }
        Ok(())
    }
}
