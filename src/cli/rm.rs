//! `devvault rm [SCOPE] KEY`: deletes a key; its versions stay in history, until
//! `--purge` deletes the key with its whole history.

use crate::KeyName;
use anyhow::Result;
use clap::Args;

#[derive(Args, Debug)]
#[command(allow_missing_positional = true)]
pub struct Rm {
    /// PROJECT[/ENV] [default: the scope in .devvault.toml]
    #[arg(add = super::complete::scopes())]
    scope: Option<String>,
    /// The key
    #[arg(add = super::complete::keys())]
    key: String,
    /// Also delete every earlier version (and the key's policy); cannot be undone
    #[arg(long)]
    purge: bool,
}

impl Rm {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let scope = ctx.scope(self.scope.as_deref())?;
        // Lenient: a key stored before the length limit can still be read and removed.
        let key = super::arg(KeyName::stored(&self.key))?;
        if self.purge {
            let n = ctx
                .unlock()?
                .purge(&scope, &key)
                .map_err(|e| super::check_with(e, format!("devvault history {scope} {key}")))?;
            let versions = if n == 1 { "version" } else { "versions" };
            crate::os::console::status!("Purged {key} from {scope}: {n} {versions} deleted.");
            return Ok(());
        }
        ctx.unlock()?
            .remove(&scope, &key)
            .map_err(|e| super::check_with(e, format!("devvault ls {scope}")))?;
        crate::os::console::status!(
            "removed {key} from {scope} (its versions are kept in history; `rm --purge` deletes them)"
        );
        Ok(())
    }
}
