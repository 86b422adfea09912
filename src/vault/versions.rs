//! A key's versions inside an [`Edit`]: the current value and every archived one (found
//! through the scope's verified history), the value of one version, purging a key with its
//! whole history, and changing a key's provider URL without a new version.

use super::codec::Meta;
use super::edit::{Edit, positions};
use super::state;
use crate::error::{Error, Result};
use crate::model::KeyName;
use crate::secret::SecretValue;
use crate::store::Table;

/// Where one version of a key is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// The current value, at this position of the scope's secrets.
    Current(usize),
    /// An archived value, at this position of the scope's history.
    History(usize),
}

/// One version of a key: its metadata and where its value is.
pub struct Version {
    /// The sealed metadata, opened.
    pub meta: Meta,
    /// Where the value is.
    pub slot: Slot,
}

impl Edit<'_> {
    /// Every version of `key`, oldest first; empty when the key never existed.
    pub fn versions(&mut self, key: &KeyName) -> Result<Vec<Version>> {
        let idx = self.keys.key_index(self.scope_id(), key.as_str());
        let current = self.find(key)?;
        let keys = self.keys;
        let (recs, by_idx) = self.history()?;
        let mut out = Vec::new();
        for &i in by_idx.get(&idx).into_iter().flatten() {
            if &state::open_name(keys, Table::History, &recs[i])? != key {
                return Err(Error::integrity("a key's name does not match its index"));
            }
            let meta = state::open_meta(keys, Table::History, &recs[i])?;
            out.push(Version {
                meta,
                slot: Slot::History(i),
            });
        }
        if let Some(i) = current {
            let meta = state::open_meta(keys, Table::Secrets, &self.secrets[i])?;
            out.push(Version {
                meta,
                slot: Slot::Current(i),
            });
        }
        out.sort_by_key(|v| v.meta.version);
        Ok(out)
    }

    /// The value stored at `slot`.
    pub fn value_at(&self, slot: Slot) -> Result<SecretValue> {
        match slot {
            Slot::Current(i) => state::open_value(self.keys, Table::Secrets, &self.secrets[i]),
            Slot::History(i) => match &self.history {
                Some((recs, _)) => state::open_value(self.keys, Table::History, &recs[i]),
                None => Err(Error::integrity("the scope's history did not load")),
            },
        }
    }

    /// Every version of `key`, or not-found (suggesting the closest current key) when it
    /// has none.
    pub fn require_versions(&mut self, key: &KeyName) -> Result<Vec<Version>> {
        let versions = self.versions(key)?;
        if versions.is_empty() {
            return Err(self.key_not_found(key)?);
        }
        Ok(versions)
    }

    /// The not-found error for `key`, suggesting the closest current key.
    pub fn key_not_found(&self, key: &KeyName) -> Result<Error> {
        let names = self.key_names()?;
        Ok(Error::not_found(
            format!("key `{key}` in {}", self.scope_label()?),
            key.as_str(),
            names.iter().map(String::as_str),
        ))
    }

    /// Deletes `key` and its whole history; how many versions went.
    pub fn purge(&mut self, key: &KeyName) -> Result<usize> {
        let n = self.require_versions(key)?.len();
        if let Some(i) = self.find(key)? {
            let rec = self.secrets.remove(i);
            self.by_idx = positions(&self.secrets);
            self.tx.delete_secret(rec.id)?;
        }
        let idx = self.keys.key_index(self.scope_id(), key.as_str());
        self.tx.delete_history(self.scope_id(), &idx)?;
        if let Some((recs, by_idx)) = self.history.as_mut() {
            recs.retain(|r| r.idx != idx);
            by_idx.clear();
            for (i, r) in recs.iter().enumerate() {
                by_idx.entry(r.idx.clone()).or_default().push(i);
            }
        }
        Ok(n)
    }

    /// Sets (or with `None` clears) the provider URL of the current `key`, in place.
    pub fn set_url(&mut self, key: &KeyName, url: Option<&str>) -> Result<()> {
        let Some(i) = self.find(key)? else {
            return Err(self.key_not_found(key)?);
        };
        let value = state::open_value(self.keys, Table::Secrets, &self.secrets[i])?;
        let meta = Meta {
            url: url.map(str::to_string),
            ..state::open_meta(self.keys, Table::Secrets, &self.secrets[i])?
        };
        let (id, sid) = (self.secrets[i].id, self.scope_id());
        self.secrets[i] =
            state::seal_record(self.keys, Table::Secrets, id, sid, key, &value, &meta)?;
        self.tx.put_record(Table::Secrets, &self.secrets[i])?;
        self.encryptions += 3;
        Ok(())
    }
}
