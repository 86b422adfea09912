//! `devvault deny`: the shell hook no longer loads the nearest `.devvault.toml` (its
//! `allow` record is removed from the vault); a shell that has it loaded unloads it when
//! it next enters the directory.

use anyhow::{Result, bail};
use clap::Args;

#[derive(Args, Debug)]
pub struct Deny {}

impl Deny {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let Some(link) = super::hook::link_file()? else {
            bail!(super::UsageError(super::allow::no_link()?));
        };
        let mut vault = ctx.unlock()?;
        let was = vault.hook_allow(&link.path, None)?;
        let file = link.path.display();
        match was {
            true => crate::os::console::status!("denied {file}: the shell hook no longer loads it"),
            false => crate::os::console::status!("{file} was not allowed; nothing to deny"),
        }
        Ok(())
    }
}
