//! [`Vault`]: the only entry point the front ends use. It opens and unlocks the store,
//! keeps the derived keys, and offers the operations of the command line (list, get, set,
//! import, remove, export) with every integrity check applied. It never prompts, prints or
//! reads the environment: front ends pass passphrases and values in.

mod edit;
mod keys;
mod slots;
mod state;

pub use edit::Outcome;
pub use slots::KEYCHAIN_SLOT;

use crate::error::{Error, Result};
use crate::model::{EnvSummary, ImportReport, KeyName, ProjectSummary, Scope, SecretMeta};
use crate::secret::{SecretValue, VaultKey};
use crate::store::{Slot, Store, Table};
use edit::Edit;
use keys::Keys;
use std::path::Path;

/// An unlocked vault.
pub struct Vault {
    store: Store,
    keys: Keys,
    dek: VaultKey,
    vault_id: Vec<u8>,
}

/// A vault file that is open but not yet unlocked.
pub struct LockedVault {
    store: Store,
    vault_id: Vec<u8>,
    slot: Slot,
}

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

impl Vault {
    /// The vault file's path.
    pub fn path(&self) -> &Path {
        self.store.path()
    }

    /// Every project with its environments and key counts, sorted by name.
    pub fn projects(&mut self) -> Result<Vec<ProjectSummary>> {
        let keys = &self.keys;
        self.store.read(|tx| {
            let snap = state::snapshot_all(tx, keys)?;
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
            let (snap, pos) = state::require(tx, keys, scope)?;
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
            let (snap, pos) = state::require(tx, keys, scope)?;
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
            let (snap, pos) = state::require(tx, keys, scope)?;
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
