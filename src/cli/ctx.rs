//! The context every subcommand gets: where the vault is, how it unlocks (with reads that
//! cannot be audited counted for later), and which scope a command means.

use super::{arg, link};
use crate::{Scope, Vault};
use anyhow::Result;
use std::path::PathBuf;

/// What every subcommand needs: where the vault is, how to unlock it, which scope.
pub struct Ctx {
    pub(super) vault_path: Option<PathBuf>,
}

impl Ctx {
    /// `--vault`, else `DEVVAULT_VAULT`, else the platform data directory.
    pub fn vault_path(&self) -> Result<PathBuf> {
        if let Some(p) = &self.vault_path {
            return Ok(p.clone());
        }
        directories::ProjectDirs::from("", "", "devvault")
            .map(|d| d.data_dir().join("vault.db"))
            .ok_or_else(|| {
                anyhow::anyhow!("cannot find a home directory for the vault; pass --vault PATH")
            })
    }

    /// Opens and unlocks the vault: session unlock, keychain slot, then passphrase sources.
    pub fn unlock(&self) -> Result<Vault> {
        watch_reads(crate::os::passphrase::unlock(&self.vault_path()?)?)
    }

    /// Opens and unlocks the vault with the passphrase only (to prove who is asking).
    pub fn unlock_with_passphrase(&self) -> Result<Vault> {
        let path = self.vault_path()?;
        let locked = crate::os::passphrase::open(&path)?;
        let pass = crate::os::passphrase::passphrase(&path)?;
        watch_reads(locked.unlock(&pass)?)
    }

    /// Opens the vault without unlocking it.
    pub fn open_locked(&self) -> Result<crate::vault::LockedVault> {
        Ok(Vault::open(&self.vault_path()?)?)
    }

    /// The scope given, else the one in the nearest `.devvault.toml`.
    pub fn scope(&self, given: Option<&str>) -> Result<Scope> {
        match given {
            Some(s) => arg(Scope::parse(s)),
            None => link::find_scope(),
        }
    }
}

/// Reads that cannot be audited (a read-only vault, a full disk) warn on stderr and are
/// counted under the data directory (`unaudited/VAULT_ID`), to be recorded in the audit log
/// by the next open that can write.
pub(super) fn watch_reads(mut vault: Vault) -> Result<Vault> {
    if let Some(dirs) = directories::ProjectDirs::from("", "", "devvault") {
        let dir = dirs.data_local_dir().join("unaudited");
        let warn = |w: &str| crate::os::console::write_status(format_args!("warning: {w}"));
        vault.on_unaudited_read(&dir, Box::new(warn))?;
    }
    Ok(vault)
}
