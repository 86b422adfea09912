//! The trash: keys removed from a scope (`rm`, the TUI's `d`, `scope rm`) whose versions
//! history still keeps. Listing reads names and metadata only, never a value; a key comes
//! back with [`Vault::rollback`] to its last version.

use super::edit::Edit;
use super::{Vault, now, state};
use crate::error::Result;
use crate::model::{KeyName, Scope};
use crate::store::Table;
use std::collections::BTreeMap;

/// A removed key that history keeps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trashed {
    /// The key.
    pub key: KeyName,
    /// Its last version (the one a restore brings back).
    pub version: u32,
    /// When that version was written (Unix seconds).
    pub updated: i64,
}

impl Vault {
    /// The keys of `scope` that were removed and are kept in history, sorted by name.
    pub fn trash(&mut self, scope: &Scope) -> Result<Vec<Trashed>> {
        let keys = &self.keys;
        self.store.read(|tx| {
            let mut edit = Edit::begin(tx, keys, scope, false, now())?;
            let current = edit.by_idx.clone();
            let (recs, by_idx) = edit.history()?;
            let mut out: BTreeMap<KeyName, Trashed> = BTreeMap::new();
            for (idx, positions) in by_idx {
                if current.contains_key(idx) {
                    continue;
                }
                for &i in positions {
                    let (key, meta) = state::open_name_meta(keys, Table::History, &recs[i])?;
                    let newer = out.get(&key).is_none_or(|t| t.version < meta.version);
                    if newer {
                        let (version, updated) = (meta.version, meta.updated);
                        let t = Trashed {
                            key: key.clone(),
                            version,
                            updated,
                        };
                        out.insert(key, t);
                    }
                }
            }
            Ok(out.into_values().collect())
        })
    }

    /// SQLite's `data_version`: it changes when another connection commits to the vault,
    /// so a front end can tell cheaply that it should read again.
    pub fn data_version(&mut self) -> Result<i64> {
        self.store.data_version()
    }
}
