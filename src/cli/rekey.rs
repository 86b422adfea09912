//! `devvault rekey`: a new vault key with everything re-sealed under it in one transaction
//! (the passphrase stays), so that an old copy of the vault file, a session unlock or a
//! keychain entry of the old key reads nothing written from now on. `passwd` does the same
//! with a new passphrase unless `--keep-key`. Shared here: what both do after the commit.

use crate::Vault;
use crate::audit::EventKind;
use crate::vault::Rekeyed;
use anyhow::Result;
use clap::Args;

/// `devvault rekey` takes no argument: the passphrase comes from the usual sources.
#[derive(Args, Debug)]
pub struct Rekey {}

impl Rekey {
    /// Proves the passphrase, re-keys, then drops the session and refreshes the keychain.
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let path = ctx.vault_path()?;
        let locked = crate::os::passphrase::open(&path)?;
        let pass = crate::os::passphrase::passphrase(&path)?;
        let mut vault = locked.unlock(&pass)?;
        let params = vault.kdf_params()?;
        let done = vault.rekey(&pass, params, EventKind::Rekey)?;
        after(&vault, done);
        crate::os::console::status!(
            "re-keyed {}: a new vault key; old copies of the file no longer read what is written from now on",
            vault.path().display()
        );
        Ok(())
    }
}

/// After a re-key: drops the session unlock (it holds the old key) and puts the keychain
/// slot's new key in the OS keychain, saying how to recover when that fails.
pub fn after(vault: &Vault, done: Rekeyed) {
    let id = vault.id_hex();
    if crate::os::session::forget(&id).unwrap_or(false) {
        crate::os::console::status!(
            "the session unlock held the old key and is gone; `devvault unlock` again if you want one"
        );
    }
    if let Some(key) = done.keychain_key
        && let Err(e) = crate::os::keychain::store(&id, &key)
    {
        crate::os::console::status!(
            "warning: the OS keychain did not take the new key ({e:#}); the passphrase unlocks the vault; run `devvault keychain enable` to restore the keychain slot"
        );
    }
    crate::os::console::status!("{} records re-sealed", done.records);
}
