//! `devvault mv [SCOPE] KEY NEW`: renames a key with its history and policy; asks on a
//! terminal, `--yes` in scripts.

use crate::KeyName;
use anyhow::Result;
use clap::Args;

#[derive(Args, Debug)]
#[command(override_usage = "devvault mv [OPTIONS] [SCOPE] <KEY> <NEW>")]
pub struct Mv {
    /// PROJECT[/ENV] [default: the scope in .devvault.toml]
    #[arg(add = super::complete::scopes())]
    scope: Option<String>,
    /// The key to rename (required)
    #[arg(add = super::complete::keys())]
    key: Option<String>,
    /// Its new name (required)
    new: Option<String>,
    /// Do not ask (for scripts)
    #[arg(long, short = 'y')]
    yes: bool,
}

impl Mv {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let (scope, old, new) =
            super::positionals::scope_first([&self.scope, &self.key, &self.new], "KEY NEW")?;
        let scope = ctx.scope(scope)?;
        let (old, new) = (
            super::arg(KeyName::new(old))?,
            super::arg(KeyName::new(new))?,
        );
        let mut vault = ctx.unlock()?;
        super::confirm::confirm(&format!("Rename {old} to {new} in {scope}?"), self.yes)?;
        vault.rename_key(&scope, &old, &new)?;
        crate::os::console::status!("Renamed {old} to {new} in {scope} (with its history).");
        Ok(())
    }
}
