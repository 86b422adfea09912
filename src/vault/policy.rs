//! Rotation policies: a maximum age per scope or per key (default 90 days), sealed rows
//! whose MAC is kept in the header; the secrets past their maximum age across all projects.

use super::edit::{Edit, next_id};
use super::keys::{Field, Keys, Place};
use super::{Vault, now, state};
use crate::audit::{Event, EventKind};
use crate::error::{Error, Result};
use crate::model::{KeyName, Scope};
use crate::rotation::{
    DEFAULT_MAX_AGE, Policy, PolicySource, StaleSecret, format_max_age, overdue_days,
};
use crate::store::{Header, PolicyRow, Table, Tx};
use serde::{Deserialize, Serialize};

/// A policy's sealed body.
#[derive(Serialize, Deserialize)]
struct Body {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    key: Option<String>,
    max_age: u64,
}

/// Re-seals every policy under `new` (bodies and key indexes) after checking them under
/// `old`; returns the header's new policies MAC.
pub(super) fn reseal(tx: &Tx<'_>, old: &Keys, new: &Keys, h: &Header) -> Result<Option<Vec<u8>>> {
    Policies::load(tx, old, h)?;
    let mut out = Vec::new();
    for row in tx.policies()? {
        let place = Place::Policy(row.id, row.scope_id);
        let raw = old.open(place, Field::Meta, &row.body)?;
        let body: Body = serde_json::from_slice(&raw)
            .map_err(|_| Error::integrity("a rotation policy is malformed"))?;
        let key_idx = match &body.key {
            Some(k) => new.key_index(row.scope_id, k),
            None => Vec::new(),
        };
        let fresh = PolicyRow {
            id: row.id,
            scope_id: row.scope_id,
            key_idx,
            body: new.seal(place, Field::Meta, &raw)?,
        };
        tx.put_policy(&fresh)?;
        out.push(fresh);
    }
    Ok(h.policies_mac.as_ref().map(|_| new.policies_mac(&out)))
}

/// Every policy of the vault, verified against the header.
pub(super) struct Policies(Vec<(PolicyRow, u64)>);

impl Policies {
    /// Loads every policy row and checks it against the header's MAC and its own seal.
    pub(super) fn load(tx: &Tx<'_>, keys: &Keys, h: &Header) -> Result<Policies> {
        let rows = tx.policies()?;
        let ok = match &h.policies_mac {
            None => rows.is_empty(),
            Some(mac) => crate::crypto::mac_eq(&keys.policies_mac(&rows), mac),
        };
        if !ok {
            return Err(Error::integrity(
                "the rotation policies do not match their MAC (a policy was added, removed or changed)",
            ));
        }
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let raw = keys.open(Place::Policy(row.id, row.scope_id), Field::Meta, &row.body)?;
            let body: Body = serde_json::from_slice(&raw)
                .map_err(|_| Error::integrity("a rotation policy is malformed"))?;
            let idx = match &body.key {
                Some(k) => keys.key_index(row.scope_id, k),
                None => Vec::new(),
            };
            if idx != row.key_idx {
                return Err(Error::integrity("a rotation policy does not match its key"));
            }
            out.push((row, body.max_age));
        }
        Ok(Policies(out))
    }

    fn find(&self, scope_id: i64, key_idx: &[u8]) -> Option<usize> {
        self.0
            .iter()
            .position(|(r, _)| r.scope_id == scope_id && r.key_idx == key_idx)
    }

    /// The policy in force for a key (`key_idx`) of a scope, or for the scope (empty).
    pub(super) fn get(&self, scope_id: i64, key_idx: &[u8]) -> Policy {
        let at = |idx: &[u8]| self.find(scope_id, idx).map(|i| self.0[i].1);
        match (key_idx.is_empty(), at(key_idx), at(&[])) {
            (false, Some(max_age), _) => Policy {
                max_age,
                source: PolicySource::Key,
            },
            (_, _, Some(max_age)) => Policy {
                max_age,
                source: PolicySource::Scope,
            },
            _ => Policy {
                max_age: DEFAULT_MAX_AGE,
                source: PolicySource::Default,
            },
        }
    }
}

/// Sets (`Some`) or clears (`None`) the policy of the edited scope or one of its keys; the
/// caller records the event and finishes the edit.
pub(super) fn put(edit: &mut Edit<'_>, key: Option<&KeyName>, max_age: Option<u64>) -> Result<()> {
    let (keys, sid) = (edit.keys, edit.scope_id());
    let Policies(mut all) = Policies::load(edit.tx, keys, &edit.snap.header)?;
    let idx = key.map_or_else(Vec::new, |k| keys.key_index(sid, k.as_str()));
    let found = all
        .iter()
        .position(|(r, _)| r.scope_id == sid && r.key_idx == idx);
    match (found, max_age) {
        (Some(i), None) => {
            edit.tx.delete_policy(all.remove(i).0.id)?;
        }
        (None, None) => return Ok(()),
        (found, Some(max_age)) => {
            let id = match found {
                Some(i) => all.remove(i).0.id,
                None => next_id(&mut edit.snap),
            };
            let body = Body {
                key: key.map(|k| k.to_string()),
                max_age,
            };
            let json = serde_json::to_vec(&body)
                .map_err(|_| Error::invalid("a policy", "it could not be encoded"))?;
            let row = PolicyRow {
                id,
                scope_id: sid,
                key_idx: idx,
                body: keys.seal(Place::Policy(id, sid), Field::Meta, &json)?,
            };
            edit.tx.put_policy(&row)?;
            edit.encryptions += 1;
            all.push((row, max_age));
        }
    }
    let mut rows: Vec<PolicyRow> = all.into_iter().map(|(r, _)| r).collect();
    rows.sort_by_key(|r| r.id);
    edit.snap.header.policies_mac = Some(keys.policies_mac(&rows));
    Ok(())
}

impl Vault {
    /// Sets the maximum age of a scope's secrets, or of one key (which must exist), in
    /// seconds (see [`crate::rotation::parse_max_age`]). `None` clears it, so the scope's
    /// policy or the 90-day default applies again.
    pub fn set_policy(
        &mut self,
        scope: &Scope,
        key: Option<&KeyName>,
        max_age: Option<u64>,
    ) -> Result<()> {
        let keys = &self.keys;
        self.store.write(|tx| {
            let mut edit = Edit::begin(tx, keys, scope, false, now())?;
            if let Some(k) = key
                && edit.find(k)?.is_none()
            {
                return Err(edit.key_not_found(k)?);
            }
            put(&mut edit, key, max_age)?;
            let mut event = Event::new(EventKind::Policy).scope(scope);
            if let Some(k) = key {
                event = event.key(k);
            }
            let detail = max_age.map_or("cleared".to_string(), |a| {
                format!("max age {}", format_max_age(a))
            });
            edit.record(&event.detail(detail))?;
            edit.finish()
        })
    }

    /// The policy in force for a scope, or for one of its keys.
    pub fn policy(&mut self, scope: &Scope, key: Option<&KeyName>) -> Result<Policy> {
        let keys = &self.keys;
        self.store.read(|tx| {
            let (snap, pos) = state::require(tx, keys, scope)?;
            let sid = snap.scopes[pos].id;
            let idx = key.map_or_else(Vec::new, |k| keys.key_index(sid, k.as_str()));
            Ok(Policies::load(tx, keys, &snap.header)?.get(sid, &idx))
        })
    }

    /// Every secret of every project past its maximum age at `now` (Unix seconds), by
    /// scope and key. Values are never decrypted.
    pub fn stale(&mut self, now: i64) -> Result<Vec<StaleSecret>> {
        let keys = &self.keys;
        self.store.read(|tx| {
            let snap = state::snapshot_all(tx, keys)?;
            let policies = Policies::load(tx, keys, &snap.header)?;
            let mut out = Vec::new();
            for (scope, row) in snap.names(keys)? {
                for r in state::records(tx, keys, Table::Secrets, row)? {
                    let meta = state::open_meta(keys, Table::Secrets, &r)?;
                    let max_age = policies.get(row.id, &r.idx).max_age;
                    if let Some(overdue) = overdue_days(meta.updated, max_age, now) {
                        out.push(StaleSecret {
                            scope: scope.clone(),
                            key: state::open_name(keys, Table::Secrets, &r)?,
                            updated: meta.updated,
                            age: now.saturating_sub(meta.updated).max(0) as u64,
                            max_age,
                            overdue_days: overdue,
                        });
                    }
                }
            }
            out.sort_by(|a, b| (&a.scope, &a.key).cmp(&(&b.scope, &b.key)));
            Ok(out)
        })
    }
}

/// The policy rows that remain once scope `sid` is gone, verified first; the caller deletes
/// the scope's rows and stores their MAC.
pub(super) fn without_scope(
    tx: &Tx<'_>,
    keys: &Keys,
    h: &Header,
    sid: i64,
) -> Result<Vec<PolicyRow>> {
    let Policies(all) = Policies::load(tx, keys, h)?;
    let mut rows: Vec<PolicyRow> = all
        .into_iter()
        .map(|(r, _)| r)
        .filter(|r| r.scope_id != sid)
        .collect();
    rows.sort_by_key(|r| r.id);
    Ok(rows)
}

/// Moves the policy of key `old` of the edited scope, if any, to key `new`.
pub(super) fn rename_key(edit: &mut Edit<'_>, old: &KeyName, new: &KeyName) -> Result<()> {
    let (keys, sid) = (edit.keys, edit.scope_id());
    let policies = Policies::load(edit.tx, keys, &edit.snap.header)?;
    let old_idx = keys.key_index(sid, old.as_str());
    if policies.find(sid, &old_idx).is_none() {
        return Ok(());
    }
    let max_age = policies.get(sid, &old_idx).max_age;
    put(edit, Some(old), None)?;
    put(edit, Some(new), Some(max_age))
}

/// Copies the scope's own policy and its keys' policies from scope `from_sid` onto the
/// edited scope (for `scope cp`).
pub(super) fn copy_from(edit: &mut Edit<'_>, from_sid: i64, names: &[KeyName]) -> Result<()> {
    let keys = edit.keys;
    let policies = Policies::load(edit.tx, keys, &edit.snap.header)?;
    if let Some(i) = policies.find(from_sid, &[]) {
        let max_age = policies.0[i].1;
        put(edit, None, Some(max_age))?;
    }
    for key in names {
        let idx = keys.key_index(from_sid, key.as_str());
        if let Some(i) = policies.find(from_sid, &idx) {
            let max_age = policies.0[i].1;
            put(edit, Some(key), Some(max_age))?;
        }
    }
    Ok(())
}
