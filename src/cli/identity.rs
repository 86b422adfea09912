//! `devvault identity`: prints this vault's age X25519 recipient (`age1...`), creating the
//! identity (sealed in the vault) on first use. Teammates share bundles to it.

use anyhow::Result;
use clap::Args;

#[derive(Args, Debug)]
pub struct Identity {}

impl Identity {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        crate::os::console::outln!("{}", ctx.unlock()?.age_recipient()?)?;
        Ok(())
    }
}
