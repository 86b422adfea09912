//! `devvault passwd`: proves the current passphrase, then rewraps the vault key under a new
//! one (fresh salt, optionally new Argon2id cost) in one transaction.

use super::init::{KdfArgs, describe};
use anyhow::Result;
use clap::Args;

#[derive(Args, Debug)]
pub struct Passwd {
    #[command(flatten)]
    kdf: KdfArgs,
}

impl Passwd {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let mut vault = ctx.unlock_with_passphrase()?;
        let params = match self.kdf.params(vault.kdf_params()?)? {
            Some(p) => p,
            None => vault.kdf_params()?,
        };
        let new = crate::os::passphrase::new_passphrase("DEVVAULT_NEW_PASSPHRASE")?;
        vault.change_passphrase(&new, params)?;
        eprintln!(
            "passphrase changed for {} (Argon2id {})",
            vault.path().display(),
            describe(params)
        );
        Ok(())
    }
}
