//! `devvault keychain enable|disable|status` (placeholder until the keychain slot lands).

use anyhow::Result;
use clap::Args;

#[derive(Args, Debug)]
pub struct Keychain {}

impl Keychain {
    pub fn run(&self, _ctx: &super::Ctx) -> Result<()> {
        anyhow::bail!("not yet available")
    }
}
