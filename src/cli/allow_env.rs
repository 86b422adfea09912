//! `devvault allow-env SCOPE [NAME..] [--rm]`: the dangerous names (see
//! `crate::dangerous`) that `run` may give a child in SCOPE without `--allow-env`. Kept
//! sealed in this vault only: no bundle or pull can set it. No NAME: lists them.

use crate::{KeyName, Scope};
use anyhow::Result;
use clap::Args;

#[derive(Args, Debug)]
pub struct AllowEnv {
    /// PROJECT[/ENV]
    scope: String,
    /// Names to allow (or, with --rm, to stop allowing)
    names: Vec<String>,
    /// Remove the names instead
    #[arg(long)]
    rm: bool,
}

impl AllowEnv {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let scope = Scope::parse(&self.scope)?;
        for n in &self.names {
            KeyName::new(n)?;
        }
        let mut vault = ctx.unlock()?;
        let mut names = vault.env_allowed(&scope)?;
        if !self.names.is_empty() {
            match self.rm {
                true => names.retain(|n| !self.names.contains(n)),
                false => names.extend(self.names.iter().cloned()),
            }
            vault.set_env_allowed(&scope, names)?;
            names = vault.env_allowed(&scope)?;
        }
        match names.is_empty() {
            true => crate::os::console::status!("{scope}: no dangerous name allowed for run"),
            false => crate::os::console::outln!("{scope}: {}", names.join(" "))?,
        }
        Ok(())
    }
}
