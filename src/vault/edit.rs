//! One write to one scope: load and verify, apply sets and removals (moving replaced values
//! to history), then write the rows, the scope's manifests, the audit entry and the list's
//! MAC together. Version lookups, purges and URL changes live in `versions.rs`.

use super::codec::Meta;
use super::keys::{Field, Keys, Place};
use super::state::{self, Snapshot};
use crate::audit::Event;
use crate::error::{Error, Result};
use crate::model::{KeyName, Scope};
use crate::rotation::Change;
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

/// Where a new value comes from and what to keep beside it.
#[derive(Clone, Debug)]
pub struct Origin {
    /// The command.
    pub change: Change,
    /// For a rollback: the version restored.
    pub from: Option<u32>,
    /// A note for this version.
    pub note: Option<String>,
    /// A new provider URL (None keeps the current one).
    pub url: Option<String>,
    /// When the key was rotated, when it comes from elsewhere (a pull); None: now for a
    /// rotation, else the previous version's.
    pub rotated_at: Option<i64>,
}

impl Origin {
    /// A plain origin with no note or URL.
    pub fn of(change: Change) -> Self {
        Origin {
            change,
            from: None,
            note: None,
            url: None,
            rotated_at: None,
        }
    }
}

/// The note and URL of a new version pass the checks of local text wherever they come
/// from (a bundle, a remote, the TUI); the error names the key.
fn check_origin(key: &KeyName, origin: &Origin) -> Result<()> {
    if let Some(note) = &origin.note {
        crate::text::check(&format!("note of `{key}`"), note)?;
    }
    if let Some(url) = &origin.url {
        crate::text::check(&format!("URL of `{key}`"), url)?;
    }
    Ok(())
}

/// A scope's history records with their positions by blind index.
pub(super) type History = (Vec<Record>, HashMap<Vec<u8>, Vec<usize>>);

/// A scope being changed inside a write transaction.
pub struct Edit<'a> {
    pub(super) tx: &'a Tx<'a>,
    pub(super) keys: &'a Keys,
    pub(super) snap: Snapshot,
    pub(super) pos: usize,
    pub(super) secrets: Vec<Record>,
    /// Blind index -> position in `secrets`, so a 10,000-key import is not quadratic.
    pub(super) by_idx: HashMap<Vec<u8>, usize>,
    /// The scope's history (loaded on first need) with blind index -> positions.
    pub(super) history: Option<History>,
    /// The scope was created by this edit, so it has no history.
    fresh: bool,
    pub(super) encryptions: i64,
    pub(super) now: i64,
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
                    name: keys.seal(Place::Scope(id), Field::Name, name.as_bytes())?,
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
            fresh: encryptions > 0,
            encryptions,
            now,
        })
    }

    pub(super) fn scope_id(&self) -> i64 {
        self.snap.scopes[self.pos].id
    }

    /// The position of `key` among the current secrets, its name checked.
    pub(super) fn find(&self, key: &KeyName) -> Result<Option<usize>> {
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

    /// Writes `value` as the next version of `key` (the old value goes to history) and
    /// returns what happened with the key's version afterwards. The template mark stays as
    /// it was.
    pub fn put(
        &mut self,
        key: &KeyName,
        value: &SecretValue,
        origin: &Origin,
    ) -> Result<(Outcome, u32)> {
        self.put_marked(key, value, origin, None)
    }

    /// [`Self::put`], with `template` marking the value as a template or a plain value
    /// (`None` keeps the mark); a change of mark alone is a new version.
    pub fn put_marked(
        &mut self,
        key: &KeyName,
        value: &SecretValue,
        origin: &Origin,
        template: Option<bool>,
    ) -> Result<(Outcome, u32)> {
        check_origin(key, origin)?;
        let sid = self.scope_id();
        let (outcome, meta, id) = match self.find(key)? {
            Some(i) => {
                let old = state::open_value(self.keys, Table::Secrets, &self.secrets[i])?;
                let meta = state::open_meta(self.keys, Table::Secrets, &self.secrets[i])?;
                if old.expose_secret() == value.expose_secret()
                    && template.is_none_or(|t| t == meta.template)
                {
                    return Ok((Outcome::Unchanged, meta.version));
                }
                self.archive(key, &old, &meta, None)?;
                let mut next = self.next_meta(&meta, meta.version + 1, origin);
                next.template = template.unwrap_or(meta.template);
                (Outcome::Changed, next, Some(self.secrets[i].id))
            }
            None => {
                let version = self.last_archived_version(key)? + 1;
                let first = Meta {
                    created: self.now,
                    ..Meta::default()
                };
                let mut next = self.next_meta(&first, version, origin);
                next.template = template.unwrap_or(false);
                (Outcome::Added, next, None)
            }
        };
        let id = id.unwrap_or_else(|| next_id(&mut self.snap));
        let rec = state::seal_record(self.keys, Table::Secrets, id, sid, key, value, &meta)?;
        self.tx.put_record(Table::Secrets, &rec)?;
        self.encryptions += 3;
        match self.by_idx.get(&rec.idx) {
            Some(&i) => self.secrets[i] = rec,
            None => {
                self.by_idx.insert(rec.idx.clone(), self.secrets.len());
                self.secrets.push(rec);
            }
        }
        Ok((outcome, meta.version))
    }

    /// The metadata of a new `version` after `prev`: creation time, URL and rotation time
    /// carried over, the rest from `origin`.
    fn next_meta(&self, prev: &Meta, version: u32, origin: &Origin) -> Meta {
        Meta {
            created: prev.created,
            updated: self.now,
            version,
            change: Some(origin.change),
            from: origin.from,
            note: origin.note.clone(),
            url: origin.url.clone().or_else(|| prev.url.clone()),
            rotated_at: match (origin.rotated_at, origin.change) {
                (Some(at), _) => Some(at),
                (None, Change::Rotate) => Some(self.now),
                _ => prev.rotated_at,
            },
            removed: None,
            template: prev.template,
        }
    }

    /// The highest version of `key` in history (0 if none).
    fn last_archived_version(&mut self, key: &KeyName) -> Result<u32> {
        if self.fresh {
            return Ok(0);
        }
        let keys = self.keys;
        let idx = keys.key_index(self.scope_id(), key.as_str());
        let (recs, by_idx) = self.history()?;
        let mut last = 0;
        for &i in by_idx.get(&idx).into_iter().flatten() {
            last = last.max(state::open_meta(keys, Table::History, &recs[i])?.version);
        }
        Ok(last)
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
        self.archive(key, &old, &meta, Some(self.now))?;
        let rec = self.secrets.remove(i);
        self.by_idx = positions(&self.secrets);
        self.tx.delete_secret(rec.id)?;
        Ok(())
    }

    pub(super) fn scope_label(&self) -> Result<String> {
        let row = &self.snap.scopes[self.pos];
        let raw = self
            .keys
            .open(Place::Scope(row.id), Field::Name, &row.name)?;
        Ok(String::from_utf8_lossy(&raw).into_owned())
    }

    /// The scope's history records and their positions by blind index, loaded once.
    pub(super) fn history(&mut self) -> Result<&History> {
        if self.history.is_none() {
            let recs = state::records(
                self.tx,
                self.keys,
                Table::History,
                &self.snap.scopes[self.pos],
            )?;
            let mut by_idx: HashMap<Vec<u8>, Vec<usize>> = HashMap::new();
            for (i, r) in recs.iter().enumerate() {
                by_idx.entry(r.idx.clone()).or_default().push(i);
            }
            self.history = Some((recs, by_idx));
        }
        match &self.history {
            Some(h) => Ok(h),
            None => Err(Error::integrity("the scope's history did not load")),
        }
    }

    fn archive(
        &mut self,
        key: &KeyName,
        value: &SecretValue,
        meta: &Meta,
        removed: Option<i64>,
    ) -> Result<()> {
        self.history()?;
        let id = next_id(&mut self.snap);
        let ended = Meta {
            removed,
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
        )?;
        self.tx.put_record(Table::History, &rec)?;
        self.encryptions += 3;
        if let Some((recs, by_idx)) = self.history.as_mut() {
            by_idx.entry(rec.idx.clone()).or_default().push(recs.len());
            recs.push(rec);
        }
        Ok(())
    }

    /// Appends `event` to the audit chain in this transaction (before [`Self::finish`]).
    pub fn record(&mut self, event: &Event) -> Result<()> {
        super::audit::append_with_pending(
            self.tx,
            self.keys,
            &mut self.snap.header,
            event,
            self.now,
        )
    }

    /// Writes the manifests and the header; the caller commits the transaction.
    pub fn finish(mut self) -> Result<()> {
        let sid = self.scope_id();
        let refs: Vec<&Record> = self.secrets.iter().collect();
        self.snap.scopes[self.pos].manifest = self.keys.records_mac(Table::Secrets, sid, &refs);
        if let Some((h, _)) = &self.history {
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

pub(super) fn positions(records: &[Record]) -> HashMap<Vec<u8>, usize> {
    records
        .iter()
        .enumerate()
        .map(|(i, r)| (r.idx.clone(), i))
        .collect()
}

pub(super) fn next_id(snap: &mut Snapshot) -> i64 {
    let id = snap.header.next_record;
    snap.header.next_record += 1;
    id
}
