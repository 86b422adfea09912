//! `devvault passwd`: proves the current passphrase, then re-keys the vault under a new one
//! (a new vault key, everything re-sealed, fresh salt, optionally new Argon2id cost) in one
//! transaction; `--keep-key` only rewraps the vault key (fast, but old copies of the file
//! still open with the old passphrase and read everything written later).

use super::init::{KdfArgs, describe};
use crate::audit::EventKind;
use anyhow::Result;
use clap::Args;

#[derive(Args, Debug)]
pub struct Passwd {
    #[command(flatten)]
    kdf: KdfArgs,
    /// Only rewrap the vault key under the new passphrase (fast). It does NOT protect
    /// against old copies of the vault file: with the old passphrase they open the vault
    /// key, and so everything written after the change
    #[arg(long)]
    keep_key: bool,
    /// Accept a new passphrase zxcvbn rates below 3 of 4 (e.g. `password`)
    #[arg(long)]
    allow_weak: bool,
}

impl Passwd {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let mut vault = ctx.unlock_with_passphrase()?;
        let params = match self.kdf.params(vault.kdf_params()?)? {
            Some(p) => p,
            None => vault.kdf_params()?,
        };
        let new =
            crate::os::passphrase::new_passphrase("DEVVAULT_NEW_PASSPHRASE", self.allow_weak)?;
        let unsettled = |e| {
            let advice = "try `devvault ls` with the new passphrase (the old one still works if the change was not saved)";
            super::check_by(e, advice.into())
        };
        if self.keep_key {
            vault.change_passphrase(&new, params).map_err(unsettled)?;
            crate::os::console::status!(
                "note: --keep-key kept the vault key: a copy of the vault file from before this change still opens with the old passphrase and reads everything written after it; run `devvault rekey` to close that"
            );
        } else {
            let done = vault
                .rekey(&new, params, EventKind::Passwd)
                .map_err(unsettled)?;
            super::rekey::after(&vault, done);
        }
        crate::os::console::status!(
            "passphrase changed for {} (Argon2id {})",
            vault.path().display(),
            describe(params)
        );
        Ok(())
    }
}
