//! Creating, opening and unlocking the vault, and its key slots (LUKS-style): the vault key
//! wrapped under an Argon2id passphrase key, and optionally a second time under a random key
//! kept in the OS keychain. Changing the passphrase rewraps one row in one transaction.

use super::keys::Keys;
use super::{LockedVault, Vault, audit, state};
use crate::audit::{Event, EventKind};
use crate::crypto::{self, KdfParams, Sealer};
use crate::error::{Error, Result};
use crate::secret::{Passphrase, VaultKey};
use crate::store::{Header, Slot, Store};
use std::path::Path;

pub(super) const PASSPHRASE_SLOT: &str = "passphrase";
/// The slot whose key lives in the OS keychain.
pub const KEYCHAIN_SLOT: &str = "keychain";
const KEY_SLOT_KDF: &str = "random-256";

fn slot_aad(vault_id: &[u8], slot: &Slot) -> Vec<u8> {
    let mut a = b"devvault slot\0".to_vec();
    for part in [
        vault_id,
        slot.kind.as_bytes(),
        slot.kdf.as_bytes(),
        &slot.salt,
    ] {
        a.extend_from_slice(&(part.len() as u32).to_be_bytes());
        a.extend_from_slice(part);
    }
    a
}

/// A passphrase slot with a fresh salt, wrapping `dek`.
pub(super) fn passphrase_slot(
    vault_id: &[u8],
    dek: &VaultKey,
    pass: &Passphrase,
    params: KdfParams,
) -> Result<Slot> {
    let params = params.check()?;
    let mut salt = vec![0u8; 32];
    crypto::fill_random(&mut salt)?;
    let kek = crypto::derive_kek(pass, &salt, params)?;
    let mut slot = Slot {
        kind: PASSPHRASE_SLOT.into(),
        kdf: params.canonical(),
        salt,
        wrapped: Vec::new(),
    };
    slot.wrapped = Sealer::new(&kek).seal(&slot_aad(vault_id, &slot), dek.expose_secret())?;
    Ok(slot)
}

/// A slot of `kind` wrapping `dek` under a fresh random key, and that key.
pub(super) fn key_slot(vault_id: &[u8], dek: &VaultKey, kind: &str) -> Result<(VaultKey, Slot)> {
    let key = crypto::random_key()?;
    let mut slot = Slot {
        kind: kind.into(),
        kdf: KEY_SLOT_KDF.into(),
        salt: Vec::new(),
        wrapped: Vec::new(),
    };
    slot.wrapped = Sealer::new(&key).seal(&slot_aad(vault_id, &slot), dek.expose_secret())?;
    Ok((key, slot))
}

fn unwrap_slot(vault_id: &[u8], slot: &Slot, kek: &VaultKey, path: &Path) -> Result<VaultKey> {
    let wrong = || Error::WrongPassphrase {
        path: path.display().to_string(),
    };
    let raw = Sealer::new(kek)
        .open(&slot_aad(vault_id, slot), &slot.wrapped, "the vault key")
        .map_err(|_| wrong())?;
    let bytes: [u8; 32] = raw.as_slice().try_into().map_err(|_| wrong())?;
    Ok(VaultKey::from_bytes(bytes))
}

impl Vault {
    /// Creates a new vault at `path` with a passphrase slot of the given Argon2id cost.
    pub fn create(path: &Path, pass: &Passphrase, params: KdfParams) -> Result<Vault> {
        let dek = crypto::random_key()?;
        let mut vault_id = vec![0u8; 16];
        crypto::fill_random(&mut vault_id)?;
        let slot = passphrase_slot(&vault_id, &dek, pass, params)?;
        let keys = Keys::new(&dek, &vault_id);
        let mut header = Header {
            format: i64::from(crypto::FORMAT_VERSION),
            vault_id: vault_id.clone(),
            next_record: 1,
            encryptions: 0,
            buckets: keys.empty_buckets(),
            scopes_mac: Vec::new(),
            audit: None,
            policies_mac: None,
            remotes_mac: None,
            extras_mac: None,
        };
        header.scopes_mac = keys.header_mac(&header);
        let mut store = Store::create(path)?;
        store.write(|tx| {
            tx.put_slot(&slot)?;
            tx.put_header(&header)
        })?;
        Ok(Vault {
            store,
            keys,
            dek,
            vault_id,
            reads: Default::default(),
        })
    }

    /// Opens the vault file at `path` without unlocking it.
    pub fn open(path: &Path) -> Result<LockedVault> {
        let mut store = Store::open(path)?;
        let (header, slot) = store.read(|tx| Ok((tx.header()?, tx.slot(PASSPHRASE_SLOT)?)))?;
        let (Some(header), Some(slot)) = (header, slot) else {
            return Err(Error::integrity(format!(
                "{} has no vault header or passphrase slot",
                path.display()
            )));
        };
        if header.format != i64::from(crypto::FORMAT_VERSION) {
            return Err(Error::integrity(format!(
                "unknown vault format {}",
                header.format
            )));
        }
        Ok(LockedVault {
            store,
            vault_id: header.vault_id,
            slot,
            allow_expensive_kdf: false,
        })
    }

    /// Changes the passphrase (and optionally the Argon2id cost): a fresh salt, one row
    /// rewrapped in one transaction, so exactly one of the old and new passphrases works.
    pub fn change_passphrase(&mut self, new: &Passphrase, params: KdfParams) -> Result<()> {
        let slot = passphrase_slot(&self.vault_id, &self.dek, new, params)?;
        let keys = &self.keys;
        self.store.write(|tx| {
            let mut h = state::header(tx, keys)?;
            tx.put_slot(&slot)?;
            audit::record(tx, keys, &mut h, &Event::new(EventKind::Passwd))?;
            Ok(())
        })
    }

    /// The Argon2id parameters of the passphrase slot.
    pub fn kdf_params(&mut self) -> Result<KdfParams> {
        let slot = self.store.read(|tx| tx.slot(PASSPHRASE_SLOT))?;
        let slot = slot.ok_or_else(|| Error::integrity("the passphrase slot is missing"))?;
        KdfParams::parse(&slot.kdf)
    }

    /// Adds (or replaces) a slot of `kind` wrapping the vault key under a fresh random key,
    /// which is returned for the caller to keep (e.g. in the OS keychain).
    pub fn add_key_slot(&mut self, kind: &str) -> Result<VaultKey> {
        if kind == PASSPHRASE_SLOT {
            return Err(Error::invalid(
                "the passphrase slot",
                "use change_passphrase",
            ));
        }
        let (key, slot) = key_slot(&self.vault_id, &self.dek, kind)?;
        let keys = &self.keys;
        self.store.write(|tx| {
            let mut h = state::header(tx, keys)?;
            tx.put_slot(&slot)?;
            let event = Event::new(EventKind::KeychainEnable).detail(format!("{kind} slot"));
            audit::record(tx, keys, &mut h, &event)
        })?;
        Ok(key)
    }

    /// Removes the slot of `kind`; true if there was one.
    pub fn remove_key_slot(&mut self, kind: &str) -> Result<bool> {
        if kind == PASSPHRASE_SLOT {
            return Err(Error::invalid(
                "the passphrase slot",
                "it cannot be removed",
            ));
        }
        let keys = &self.keys;
        self.store.write(|tx| {
            let mut h = state::header(tx, keys)?;
            let removed = tx.delete_slot(kind)?;
            if removed {
                let event = Event::new(EventKind::KeychainDisable).detail(format!("{kind} slot"));
                audit::record(tx, keys, &mut h, &event)?;
            }
            Ok(removed)
        })
    }

    /// This vault's random id, as hex: names its keychain and session entries.
    pub fn id_hex(&self) -> String {
        base16ct::lower::encode_string(&self.vault_id)
    }

    /// A copy of the vault key, for a timed session unlock held by the kernel.
    pub fn session_key(&self) -> VaultKey {
        VaultKey::from_bytes(*self.dek.expose_secret())
    }
}

impl LockedVault {
    /// Lets [`LockedVault::unlock`] derive Argon2id parameters above the budget
    /// ([`KdfParams::within_budget`]); without it such a vault is refused before any work.
    pub fn allow_expensive_kdf(mut self, allow: bool) -> Self {
        self.allow_expensive_kdf = allow;
        self
    }

    /// The Argon2id parameters of the passphrase slot (checked against the ceiling).
    pub fn kdf_params(&self) -> Result<KdfParams> {
        KdfParams::parse(&self.slot.kdf)
    }

    /// This vault's random id, as hex.
    pub fn id_hex(&self) -> String {
        base16ct::lower::encode_string(&self.vault_id)
    }

    /// Whether a key slot of `kind` exists.
    pub fn has_slot(&mut self, kind: &str) -> Result<bool> {
        Ok(self.store.read(|tx| tx.slot(kind))?.is_some())
    }

    /// Unlocks with a passphrase. A wrong passphrase and a tampered slot give the same
    /// error, and are recorded (when, never the passphrase) for the audit log.
    pub fn unlock(mut self, pass: &Passphrase) -> Result<Vault> {
        let params = self.kdf_params()?;
        if !params.within_budget() && !self.allow_expensive_kdf {
            return Err(Error::Unsafe {
                what: format!(
                    "{} asks for Argon2id {}, more than devvault spends before a passphrase is checked ({} MiB, memory x passes {} MiB)",
                    self.store.path().display(),
                    params.canonical(),
                    KdfParams::BUDGET_MEMORY_KIB / 1024,
                    KdfParams::BUDGET_WORK_KIB / 1024
                ),
                fix: "if you chose these parameters, pass --allow-expensive-kdf (and lower them with `devvault passwd --kdf-memory/--kdf-time`); otherwise the vault file was tampered with".into(),
            });
        }
        let kek = crypto::derive_kek(pass, &self.slot.salt, params)?;
        let dek = match unwrap_slot(&self.vault_id, &self.slot, &kek, self.store.path()) {
            Ok(dek) => dek,
            Err(e) => {
                // Best effort: a vault that cannot be written still reports the wrong
                // passphrase rather than a storage error.
                let _ = audit::record_failure(&mut self.store);
                return Err(e);
            }
        };
        self.finish(dek)
    }

    /// Unlocks with the random key of the slot `kind` (e.g. from the OS keychain).
    pub fn unlock_with_slot_key(mut self, kind: &str, key: &VaultKey) -> Result<Vault> {
        let slot = self
            .store
            .read(|tx| tx.slot(kind))?
            .ok_or_else(|| Error::NotFound {
                what: format!("the {kind} slot of {}", self.store.path().display()),
                suggestion: None,
            })?;
        let dek = unwrap_slot(&self.vault_id, &slot, key, self.store.path())?;
        self.finish(dek)
    }

    /// Unlocks with the vault key itself (from a timed session unlock); the key is checked
    /// against the vault's MAC before it is accepted.
    pub fn unlock_with_vault_key(mut self, dek: VaultKey) -> Result<Vault> {
        let keys = Keys::new(&dek, &self.vault_id);
        let path = self.store.path().display().to_string();
        self.store.read(|tx| {
            state::header(tx, &keys).map_err(|e| match e {
                // A key that does not verify the header is the wrong key, not tampering.
                Error::Integrity { .. } => Error::WrongPassphrase { path },
                e => e,
            })
        })?;
        audit::fold_at_unlock(&mut self.store, &keys)?;
        Ok(Vault {
            store: self.store,
            keys,
            dek,
            vault_id: self.vault_id,
            reads: Default::default(),
        })
    }

    /// A slot's AEAD tag already proved `dek`; operations verify the data as they read it.
    /// Failed attempts since the last unlock are chained into the audit log now.
    fn finish(mut self, dek: VaultKey) -> Result<Vault> {
        let keys = Keys::new(&dek, &self.vault_id);
        audit::fold_at_unlock(&mut self.store, &keys)?;
        Ok(Vault {
            store: self.store,
            keys,
            dek,
            vault_id: self.vault_id,
            reads: Default::default(),
        })
    }

    /// The vault file's path.
    pub fn path(&self) -> &Path {
        self.store.path()
    }
}
