//! `devvault mv [SCOPE] KEY NEW`: renames a key with its history and policy; asks on a
//! terminal, `--yes` in scripts.

use crate::KeyName;
use anyhow::Result;
use clap::Args;

#[derive(Args, Debug)]
#[command(override_usage = "devvault mv [OPTIONS] [SCOPE] <KEY> <NEW>")]
pub struct Mv {
    /// [PROJECT[/ENV]] KEY NEW
    #[arg(num_args = 2..=3, required = true, value_name = "ARGS")]
    args: Vec<String>,
    /// Do not ask (for scripts)
    #[arg(long, short = 'y')]
    yes: bool,
}

impl Mv {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let (scope, rest) = super::split_scope(&self.args, 2);
        let scope = ctx.scope(scope)?;
        let (old, new) = (
            super::arg(KeyName::new(&rest[0]))?,
            super::arg(KeyName::new(&rest[1]))?,
        );
        let mut vault = ctx.unlock()?;
        super::confirm::confirm(&format!("Rename {old} to {new} in {scope}?"), self.yes)?;
        vault.rename_key(&scope, &old, &new)?;
        crate::os::console::status!("Renamed {old} to {new} in {scope} (with its history).");
        Ok(())
    }
}
