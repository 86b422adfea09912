//! One write to one scope: load and verify, apply sets and removals (moving replaced values
//! to history), then write the rows, the scope's manifests and the list's MAC together.

use super::keys::{Field, Keys, Place};
use super::state::{self, Meta, Snapshot};
use crate::error::{Error, Result};
use crate::model::{KeyName, Scope};
use crate::secret::SecretValue;
use crate::store::{Record, ScopeRow, Table, Tx};
use std::collections::HashMap;

/// What a set did to one key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The key is new.
    Added,
    /// The value changed; the old one went to history.
    Changed,
    /// The value was already the same; nothing written.
    Unchanged,
}

/// A scope being changed inside a write transaction.
pub struct Edit<'a> {
    tx: &'a Tx<'a>,
    keys: &'a Keys,
    snap: Snapshot,
    pos: usize,
    secrets: Vec<Record>,
    /// Blind index -> position in `secrets`, so a 10,000-key import is not quadratic.
    by_idx: HashMap<Vec<u8>, usize>,
    history: Option<Vec<Record>>,
    encryptions: i64,
    now: i64,
}

impl<'a> Edit<'a> {
    /// Opens `scope` for change, creating it when `create` is set.
    pub fn begin(
        tx: &'a Tx<'a>,
        keys: &'a Keys,
        scope: &Scope,
        create: bool,
        now: i64,
    ) -> Result<Self> {
        let (mut snap, found) = state::locate(tx, keys, scope)?;
        let mut encryptions = 0;
        let pos = match found {
            Some(p) => p,
            None if create => {
                let id = next_id(&mut snap);
                let name = scope.to_string();
                snap.scopes.push(ScopeRow {
                    id,
                    idx: keys.scope_index(&name),
                    name: keys.seal(Place::Scope(id), Field::Name, name.as_bytes()),
                    manifest: keys.records_mac(Table::Secrets, id, &[]),
                    history_mac: keys.records_mac(Table::History, id, &[]),
                });
                tx.put_scope(&snap.scopes[snap.scopes.len() - 1])?;
                encryptions += 1;
                snap.scopes.len() - 1
            }
            None => {
                // Absent and not to be created: the not-found error with its suggestion.
                state::require(tx, keys, scope)?;
                return Err(Error::integrity("a scope appeared while it was read"));
            }
        };
        let secrets = state::records(tx, keys, Table::Secrets, &snap.scopes[pos])?;
        let by_idx = positions(&secrets);
        Ok(Edit {
            tx,
            keys,
            snap,
            pos,
            secrets,
            by_idx,
            history: None,
            encryptions,
            now,
        })
    }

    fn scope_id(&self) -> i64 {
        self.snap.scopes[self.pos].id
    }

    fn find(&self, key: &KeyName) -> Result<Option<usize>> {
        let idx = self.keys.key_index(self.scope_id(), key.as_str());
        let Some(&i) = self.by_idx.get(&idx) else {
            return Ok(None);
        };
        if &state::open_name(self.keys, Table::Secrets, &self.secrets[i])? != key {
            return Err(Error::integrity("a key's name does not match its index"));
        }
        Ok(Some(i))
    }

    /// The names of the scope's current keys (for suggestions).
    pub fn key_names(&self) -> Result<Vec<String>> {
        self.secrets
            .iter()
            .map(|r| state::open_name(self.keys, Table::Secrets, r).map(|k| k.to_string()))
            .collect()
    }

    /// Sets `key` to `value`.
    pub fn set(&mut self, key: &KeyName, value: &SecretValue) -> Result<Outcome> {
        let sid = self.scope_id();
        match self.find(key)? {
            Some(i) => {
                let old = state::open_value(self.keys, Table::Secrets, &self.secrets[i])?;
                if old.expose_secret() == value.expose_secret() {
                    return Ok(Outcome::Unchanged);
                }
                let meta = state::open_meta(self.keys, Table::Secrets, &self.secrets[i])?;
                self.archive(key, &old, &meta)?;
                let new_meta = Meta {
                    updated: self.now,
                    version: meta.version + 1,
                    ..meta
                };
                let id = self.secrets[i].id;
                self.secrets[i] =
                    state::seal_record(self.keys, Table::Secrets, id, sid, key, value, &new_meta);
                self.tx.put_record(Table::Secrets, &self.secrets[i])?;
                self.encryptions += 3;
                Ok(Outcome::Changed)
            }
            None => {
                let id = next_id(&mut self.snap);
                let meta = Meta {
                    created: self.now,
                    updated: self.now,
                    version: 1,
                };
                let rec = state::seal_record(self.keys, Table::Secrets, id, sid, key, value, &meta);
                self.tx.put_record(Table::Secrets, &rec)?;
                self.by_idx.insert(rec.idx.clone(), self.secrets.len());
                self.secrets.push(rec);
                self.encryptions += 3;
                Ok(Outcome::Added)
            }
        }
    }

    /// Removes `key`, keeping its last value in history.
    pub fn remove(&mut self, key: &KeyName) -> Result<()> {
        let Some(i) = self.find(key)? else {
            let names = self.key_names()?;
            return Err(Error::not_found(
                format!("key `{key}` in {}", self.scope_label()?),
                key.as_str(),
                names.iter().map(String::as_str),
            ));
        };
        let old = state::open_value(self.keys, Table::Secrets, &self.secrets[i])?;
        let meta = state::open_meta(self.keys, Table::Secrets, &self.secrets[i])?;
        self.archive(key, &old, &meta)?;
        let rec = self.secrets.remove(i);
        self.by_idx = positions(&self.secrets);
        self.tx.delete_secret(rec.id)?;
        Ok(())
    }

    fn scope_label(&self) -> Result<String> {
        let row = &self.snap.scopes[self.pos];
        let raw = self
            .keys
            .open(Place::Scope(row.id), Field::Name, &row.name)?;
        Ok(String::from_utf8_lossy(&raw).into_owned())
    }

    fn archive(&mut self, key: &KeyName, value: &SecretValue, meta: &Meta) -> Result<()> {
        if self.history.is_none() {
            let h = state::records(
                self.tx,
                self.keys,
                Table::History,
                &self.snap.scopes[self.pos],
            )?;
            self.history = Some(h);
        }
        let id = next_id(&mut self.snap);
        let ended = Meta {
            updated: meta.updated,
            ..meta.clone()
        };
        let rec = state::seal_record(
            self.keys,
            Table::History,
            id,
            self.scope_id(),
            key,
            value,
            &ended,
        );
        self.tx.put_record(Table::History, &rec)?;
        self.encryptions += 3;
        if let Some(h) = self.history.as_mut() {
            h.push(rec);
        }
        Ok(())
    }

    /// Writes the manifests and the header; the caller commits the transaction.
    pub fn finish(mut self) -> Result<()> {
        let sid = self.scope_id();
        let refs: Vec<&Record> = self.secrets.iter().collect();
        self.snap.scopes[self.pos].manifest = self.keys.records_mac(Table::Secrets, sid, &refs);
        if let Some(h) = &self.history {
            let refs: Vec<&Record> = h.iter().collect();
            self.snap.scopes[self.pos].history_mac =
                self.keys.records_mac(Table::History, sid, &refs);
        }
        self.tx.put_scope(&self.snap.scopes[self.pos])?;
        self.snap.header.encryptions += self.encryptions;
        self.snap
            .reseal(self.keys, sid.rem_euclid(super::keys::BUCKETS));
        self.tx.put_header(&self.snap.header)
    }
}

fn positions(records: &[Record]) -> HashMap<Vec<u8>, usize> {
    records
        .iter()
        .enumerate()
        .map(|(i, r)| (r.idx.clone(), i))
        .collect()
}

fn next_id(snap: &mut Snapshot) -> i64 {
    let id = snap.header.next_record;
    snap.header.next_record += 1;
    id
}
