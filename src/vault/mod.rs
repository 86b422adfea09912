//! [`Vault`]: the only entry point the front ends use. It opens and unlocks the store,
//! keeps the derived keys, and offers the operations of the command line (list, get, set,
//! import, remove, export) with every integrity check applied. It never prompts, prints or
//! reads the environment: front ends pass passphrases and values in.

mod edit;
mod keys;
mod state;

pub use edit::Outcome;

use crate::crypto::{self, KdfParams, Sealer};
use crate::error::{Error, Result};
use crate::model::{EnvSummary, ImportReport, KeyName, ProjectSummary, Scope, SecretMeta};
use crate::secret::{Passphrase, SecretValue, VaultKey};
use crate::store::{Header, Slot, Store, Table};
use edit::Edit;
use keys::Keys;
use std::path::Path;

const PASSPHRASE_SLOT: &str = "passphrase";

/// An unlocked vault.
pub struct Vault {
    store: Store,
    keys: Keys,
}

/// A vault file that is open but not yet unlocked.
pub struct LockedVault {
    store: Store,
    vault_id: Vec<u8>,
    slot: Slot,
}

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

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

impl Vault {
    /// Creates a new vault at `path` with a passphrase slot of the given Argon2id cost.
    pub fn create(path: &Path, pass: &Passphrase, params: KdfParams) -> Result<Vault> {
        let params = params.check()?;
        let dek = VaultKey::generate();
        let mut vault_id = vec![0u8; 16];
        crypto::fill_random(&mut vault_id);
        let mut salt = vec![0u8; 32];
        crypto::fill_random(&mut salt);
        let kek = crypto::derive_kek(pass, &salt, params)?;
        let mut slot = Slot {
            kind: PASSPHRASE_SLOT.into(),
            kdf: params.canonical(),
            salt,
            wrapped: Vec::new(),
        };
        slot.wrapped = Sealer::new(&kek).seal(&slot_aad(&vault_id, &slot), dek.expose_secret());
        let keys = Keys::new(&dek, &vault_id);
        let mut header = Header {
            format: crypto::FORMAT_VERSION as i64,
            vault_id,
            next_record: 1,
            encryptions: 0,
            scopes_mac: Vec::new(),
        };
        header.scopes_mac = keys.scopes_mac(&header, &[]);
        let mut store = Store::create(path)?;
        store.write(|tx| {
            tx.put_slot(&slot)?;
            tx.put_header(&header)
        })?;
        Ok(Vault { store, keys })
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
        if header.format != crypto::FORMAT_VERSION as i64 {
            return Err(Error::integrity(format!(
                "unknown vault format {}",
                header.format
            )));
        }
        Ok(LockedVault {
            store,
            vault_id: header.vault_id,
            slot,
        })
    }

    /// The vault file's path.
    pub fn path(&self) -> &Path {
        self.store.path()
    }

    /// Every project with its environments and key counts, sorted by name.
    pub fn projects(&mut self) -> Result<Vec<ProjectSummary>> {
        let keys = &self.keys;
        self.store.read(|tx| {
            let snap = state::snapshot(tx, keys)?;
            let counts: std::collections::HashMap<i64, usize> = tx.counts()?.into_iter().collect();
            let mut named: Vec<(Scope, usize)> = snap
                .names(keys)?
                .into_iter()
                .map(|(s, row)| (s, counts.get(&row.id).copied().unwrap_or(0)))
                .collect();
            named.sort();
            let mut out: Vec<ProjectSummary> = Vec::new();
            for (scope, keys) in named {
                let env = EnvSummary {
                    name: scope.env.to_string(),
                    keys,
                };
                match out.last_mut() {
                    Some(p) if p.project == scope.project.as_str() => p.environments.push(env),
                    _ => out.push(ProjectSummary {
                        project: scope.project.to_string(),
                        environments: vec![env],
                    }),
                }
            }
            Ok(out)
        })
    }

    /// The keys of a scope with their metadata, sorted by key; never values.
    pub fn list(&mut self, scope: &Scope) -> Result<Vec<SecretMeta>> {
        let keys = &self.keys;
        self.store.read(|tx| {
            let snap = state::snapshot(tx, keys)?;
            let pos = snap.require(keys, scope)?;
            let recs = state::records(tx, keys, Table::Secrets, &snap.scopes[pos])?;
            let mut out = recs
                .iter()
                .map(|r| {
                    let key = state::open_name(keys, Table::Secrets, r)?;
                    let m = state::open_meta(keys, Table::Secrets, r)?;
                    Ok(SecretMeta {
                        key,
                        created: m.created,
                        updated: m.updated,
                        version: m.version,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            out.sort_by(|a, b| a.key.cmp(&b.key));
            Ok(out)
        })
    }

    /// Every key and value of a scope, sorted by key, after one manifest check.
    pub fn export(&mut self, scope: &Scope) -> Result<Vec<(KeyName, SecretValue)>> {
        let keys = &self.keys;
        self.store.read(|tx| {
            let snap = state::snapshot(tx, keys)?;
            let pos = snap.require(keys, scope)?;
            let recs = state::records(tx, keys, Table::Secrets, &snap.scopes[pos])?;
            let mut out = recs
                .iter()
                .map(|r| {
                    Ok((
                        state::open_name(keys, Table::Secrets, r)?,
                        state::open_value(keys, Table::Secrets, r)?,
                    ))
                })
                .collect::<Result<Vec<_>>>()?;
            out.sort_by(|a, b| a.0.cmp(&b.0));
            Ok(out)
        })
    }

    /// One value.
    pub fn get(&mut self, scope: &Scope, key: &KeyName) -> Result<SecretValue> {
        let keys = &self.keys;
        self.store.read(|tx| {
            let snap = state::snapshot(tx, keys)?;
            let pos = snap.require(keys, scope)?;
            let recs = state::records(tx, keys, Table::Secrets, &snap.scopes[pos])?;
            let idx = keys.key_index(snap.scopes[pos].id, key.as_str());
            match recs.iter().find(|r| r.idx == idx) {
                Some(r) => {
                    if &state::open_name(keys, Table::Secrets, r)? != key {
                        return Err(Error::integrity("a key's name does not match its index"));
                    }
                    state::open_value(keys, Table::Secrets, r)
                }
                None => {
                    let names = recs
                        .iter()
                        .map(|r| state::open_name(keys, Table::Secrets, r).map(|k| k.to_string()))
                        .collect::<Result<Vec<_>>>()?;
                    Err(Error::not_found(
                        format!("key `{key}` in {scope}"),
                        key.as_str(),
                        names.iter().map(String::as_str),
                    ))
                }
            }
        })
    }

    /// Sets one key (creating the scope if needed).
    pub fn set(&mut self, scope: &Scope, key: &KeyName, value: &SecretValue) -> Result<Outcome> {
        let keys = &self.keys;
        self.store.write(|tx| {
            let mut edit = Edit::begin(tx, keys, scope, true, now())?;
            let out = edit.set(key, value)?;
            if out != Outcome::Unchanged {
                edit.finish()?;
            }
            Ok(out)
        })
    }

    /// Sets many keys in one transaction: all of them land, or none.
    pub fn import(
        &mut self,
        scope: &Scope,
        entries: &[(KeyName, SecretValue)],
    ) -> Result<ImportReport> {
        let keys = &self.keys;
        self.store.write(|tx| {
            let mut edit = Edit::begin(tx, keys, scope, true, now())?;
            let mut report = ImportReport::default();
            for (key, value) in entries {
                let list = match edit.set(key, value)? {
                    Outcome::Added => &mut report.added,
                    Outcome::Changed => &mut report.changed,
                    Outcome::Unchanged => &mut report.unchanged,
                };
                list.push(key.to_string());
            }
            edit.finish()?;
            Ok(report)
        })
    }

    /// Removes one key; its last value stays in history.
    pub fn remove(&mut self, scope: &Scope, key: &KeyName) -> Result<()> {
        let keys = &self.keys;
        self.store.write(|tx| {
            let mut edit = Edit::begin(tx, keys, scope, false, now())?;
            edit.remove(key)?;
            edit.finish()
        })
    }
}

impl LockedVault {
    /// The Argon2id parameters of the passphrase slot (checked against the ceiling).
    pub fn kdf_params(&self) -> Result<KdfParams> {
        KdfParams::parse(&self.slot.kdf)
    }

    /// Unlocks with a passphrase. A wrong passphrase and a tampered slot give the same error.
    pub fn unlock(self, pass: &Passphrase) -> Result<Vault> {
        let params = self.kdf_params()?;
        let kek = crypto::derive_kek(pass, &self.slot.salt, params)?;
        let wrong = || Error::WrongPassphrase {
            path: self.store.path().display().to_string(),
        };
        let raw = Sealer::new(&kek)
            .open(
                &slot_aad(&self.vault_id, &self.slot),
                &self.slot.wrapped,
                "the vault key",
            )
            .map_err(|_| wrong())?;
        let bytes: [u8; 32] = raw.as_slice().try_into().map_err(|_| wrong())?;
        let dek = VaultKey::from_bytes(bytes);
        let keys = Keys::new(&dek, &self.vault_id);
        Ok(Vault {
            store: self.store,
            keys,
        })
    }

    /// The vault file's path.
    pub fn path(&self) -> &Path {
        self.store.path()
    }
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("path", &self.path())
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for LockedVault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LockedVault")
            .field("path", &self.path())
            .finish_non_exhaustive()
    }
}
