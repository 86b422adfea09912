//! The life of scopes and keys after they are made: remove a scope (its keys to history,
//! or everything with `purge`), rename and copy a scope or a whole project, compare two
//! scopes by key name, and rename a key with its history. Each call is one transaction that
//! keeps the manifests, the list of scopes, the policies and the audit chain consistent.

use super::edit::{Edit, Origin, positions};
use super::keys::{BUCKETS, Field, Place};
use super::state::{self, Snapshot};
use super::{Vault, audit, now, policy};
use crate::audit::{Event, EventKind};
use crate::error::{Error, Result};
use crate::model::{ImportReport, KeyName, Scope, ScopeDiff, Target};
use crate::rotation::Change;
use crate::secret::SecretValue;
use crate::store::{Table, Tx};
use std::collections::BTreeMap;

/// The scopes `target` names, verified; not-found (with a suggestion) when there is none.
fn resolve(tx: &Tx<'_>, keys: &super::keys::Keys, target: &Target) -> Result<Vec<Scope>> {
    match target {
        Target::Scope(s) => {
            state::require(tx, keys, s)?;
            Ok(vec![s.clone()])
        }
        Target::Project(p) => {
            let snap = state::snapshot_all(tx, keys)?;
            let names = snap.names(keys)?;
            let mut found: Vec<Scope> = names
                .iter()
                .filter(|(s, _)| &s.project == p)
                .map(|(s, _)| s.clone())
                .collect();
            if found.is_empty() {
                let projects: Vec<String> =
                    names.iter().map(|(s, _)| s.project.to_string()).collect();
                return Err(Error::not_found(
                    format!("project `{p}`"),
                    p.as_str(),
                    projects.iter().map(String::as_str),
                ));
            }
            found.sort();
            Ok(found)
        }
    }
}

/// The scope that `scope` of `from` becomes in `to` (same kind of target on both sides).
fn counterpart(scope: &Scope, from: &Target, to: &Target) -> Result<Scope> {
    match (from, to) {
        (Target::Scope(_), Target::Scope(t)) => Ok(t.clone()),
        (Target::Project(_), Target::Project(p)) => Ok(Scope {
            project: p.clone(),
            env: scope.env.clone(),
        }),
        _ => Err(Error::invalid(
            format!("cannot pair `{from}` with `{to}`"),
            "give two projects (`app new-app`) or two environments (`app/dev app/staging`)",
        )),
    }
}

/// Fails when `scope` already exists.
fn require_absent(tx: &Tx<'_>, keys: &super::keys::Keys, scope: &Scope) -> Result<()> {
    if state::locate(tx, keys, scope)?.1.is_some() {
        return Err(Error::invalid(
            format!("{scope} already exists"),
            "choose another name, or remove it first with `devvault scope rm`",
        ));
    }
    Ok(())
}

/// A scope's current keys with their values and metadata.
type Entries = Vec<(KeyName, SecretValue, super::codec::Meta)>;

/// A scope's id and its current keys with values and metadata, sorted by key.
fn entries(tx: &Tx<'_>, keys: &super::keys::Keys, scope: &Scope) -> Result<(i64, Entries)> {
    let (snap, pos) = state::require(tx, keys, scope)?;
    let row = &snap.scopes[pos];
    let mut out = Vec::new();
    for r in state::records(tx, keys, Table::Secrets, row)? {
        let (name, meta) = state::open_name_meta(keys, Table::Secrets, &r)?;
        out.push((name, state::open_value(keys, Table::Secrets, &r)?, meta));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok((row.id, out))
}

impl Vault {
    /// Whether `scope` exists (its bucket checked; cheap however large the vault).
    pub fn has_scope(&mut self, scope: &Scope) -> Result<bool> {
        let keys = &self.keys;
        self.store
            .read(|tx| Ok(state::locate(tx, keys, scope)?.1.is_some()))
    }

    /// Makes `scope` as an empty environment (its project too, when new), listed by
    /// [`Vault::projects`] with 0 keys. Returns false, writing nothing, when it exists.
    pub fn create_scope(&mut self, scope: &Scope) -> Result<bool> {
        if self.has_scope(scope)? {
            return Ok(false);
        }
        let keys = &self.keys;
        self.store.write(|tx| {
            let mut edit = Edit::begin(tx, keys, scope, true, now())?;
            edit.record(&Event::new(EventKind::ScopeNew).scope(scope))?;
            edit.finish()?;
            Ok(true)
        })
    }

    /// Removes every key of `target` (one environment or a whole project): they go to
    /// history and the emptied scopes stay listed, or with `purge` the scopes disappear
    /// with their history and policies. Returns the scopes removed and how many keys.
    pub fn remove_scope(&mut self, target: &Target, purge: bool) -> Result<(Vec<Scope>, usize)> {
        let keys = &self.keys;
        self.store.write(|tx| {
            let scopes = resolve(tx, keys, target)?;
            let mut removed = 0;
            for scope in &scopes {
                removed += if purge {
                    purge_scope(tx, keys, scope)?
                } else {
                    empty_scope(tx, keys, scope)?
                };
            }
            Ok((scopes, removed))
        })
    }

    /// Renames `from` to `to`: an environment, or a project with all its environments. The
    /// keys, their history and their policies keep their place; the new names must be free.
    pub fn rename_scope(&mut self, from: &Target, to: &Target) -> Result<Vec<(Scope, Scope)>> {
        let keys = &self.keys;
        self.store.write(|tx| {
            let pairs = resolve(tx, keys, from)?
                .into_iter()
                .map(|s| Ok((counterpart(&s, from, to)?, s)))
                .map(|r: Result<_>| r.map(|(t, s)| (s, t)))
                .collect::<Result<Vec<_>>>()?;
            for (_, t) in &pairs {
                require_absent(tx, keys, t)?;
            }
            let links = super::inherit::links_now(tx, keys)?;
            let mut snap = state::snapshot_all(tx, keys)?;
            for (s, t) in &pairs {
                rename_row(keys, &mut snap, s, t)?;
                tx.put_scope(
                    snap.scopes
                        .iter()
                        .find(|r| r.idx == keys.scope_index(&t.to_string()))
                        .ok_or_else(|| Error::integrity("a renamed scope went missing"))?,
                )?;
                let event = Event::new(EventKind::ScopeMv).scope(s);
                audit::record(tx, keys, &mut snap.header, &event.detail(format!("to {t}")))?;
            }
            super::inherit::follow_renames(tx, keys, &mut snap.header, links, &pairs)?;
            snap.header.scopes_mac = keys.header_mac(&snap.header);
            tx.put_header(&snap.header)?;
            Ok(pairs)
        })
    }

    /// Copies the keys of `from` (values, notes, URLs, rotation dates, template marks and
    /// policies) into `to`, an environment or a project's environments, made when absent. A
    /// key `to` already holds is refused unless `overwrite` (its old value then goes to
    /// history).
    pub fn copy_scope(
        &mut self,
        from: &Target,
        to: &Target,
        overwrite: bool,
    ) -> Result<Vec<(Scope, Scope, ImportReport)>> {
        let keys = &self.keys;
        self.store.write(|tx| {
            let mut out = Vec::new();
            for s in resolve(tx, keys, from)? {
                let t = counterpart(&s, from, to)?;
                if s == t {
                    return Err(Error::invalid(
                        format!("cannot copy {s} onto itself"),
                        "name another environment (e.g. `app/staging`)",
                    ));
                }
                let report = copy_one(tx, keys, &s, &t, overwrite)?;
                out.push((s, t, report));
            }
            Ok(out)
        })
    }

    /// Compares two scopes by key name and value; values are never returned or logged.
    pub fn diff_scopes(&mut self, a: &Scope, b: &Scope) -> Result<ScopeDiff> {
        let keys = &self.keys;
        self.store.read(|tx| {
            let (_, ea) = entries(tx, keys, a)?;
            let (_, eb) = entries(tx, keys, b)?;
            let mut right: BTreeMap<KeyName, SecretValue> =
                eb.into_iter().map(|(k, v, _)| (k, v)).collect();
            let mut d = ScopeDiff::default();
            for (k, v, _) in ea {
                match right.remove(&k) {
                    None => d.only_in_a.push(k.to_string()),
                    Some(w) if w.expose_secret() == v.expose_secret() => d.same.push(k.to_string()),
                    Some(_) => d.different.push(k.to_string()),
                }
            }
            d.only_in_b = right.into_keys().map(|k| k.to_string()).collect();
            Ok(d)
        })
    }

    /// Renames key `old` of `scope` to `new`, with its history and policy. `new` must have
    /// no current value and no history there.
    pub fn rename_key(&mut self, scope: &Scope, old: &KeyName, new: &KeyName) -> Result<()> {
        let keys = &self.keys;
        self.store.write(|tx| {
            let mut edit = Edit::begin(tx, keys, scope, false, now())?;
            edit.rename(old, new)?;
            policy::rename_key(&mut edit, old, new)?;
            let event = Event::new(EventKind::Mv).scope(scope).key(old);
            edit.record(&event.detail(format!("renamed to {new}")))?;
            edit.finish()
        })
    }
}

/// Moves every key of `scope` to history; how many went.
fn empty_scope(tx: &Tx<'_>, keys: &super::keys::Keys, scope: &Scope) -> Result<usize> {
    let mut edit = Edit::begin(tx, keys, scope, false, now())?;
    let names = edit.key_names()?;
    for name in &names {
        edit.remove(&KeyName::new(name)?)?;
    }
    let n = names.len();
    edit.record(
        &Event::new(EventKind::ScopeRm)
            .scope(scope)
            .detail(format!("{n} {} to history", plural(n, "key", "keys"))),
    )?;
    edit.finish()?;
    Ok(n)
}

/// Deletes `scope` with its keys, history and policies; how many current keys went.
fn purge_scope(tx: &Tx<'_>, keys: &super::keys::Keys, scope: &Scope) -> Result<usize> {
    let (mut snap, pos) = state::require(tx, keys, scope)?;
    let id = snap.scopes[pos].id;
    let n = state::records(tx, keys, Table::Secrets, &snap.scopes[pos])?.len();
    state::records(tx, keys, Table::History, &snap.scopes[pos])?;
    let rest = policy::without_scope(tx, keys, &snap.header, id)?;
    tx.delete_scope(id)?;
    snap.header.policies_mac = Some(keys.policies_mac(&rest));
    snap.scopes.remove(pos);
    let event = Event::new(EventKind::ScopeRm).scope(scope).detail(format!(
        "purged, {n} {} and their history",
        plural(n, "key", "keys")
    ));
    audit::record(tx, keys, &mut snap.header, &event)?;
    snap.reseal(keys, id.rem_euclid(BUCKETS));
    tx.put_header(&snap.header)?;
    Ok(n)
}

/// Gives the scope row named `from` the name `to` (same id: records stay bound to it).
fn rename_row(
    keys: &super::keys::Keys,
    snap: &mut Snapshot,
    from: &Scope,
    to: &Scope,
) -> Result<()> {
    let from_idx = keys.scope_index(&from.to_string());
    let row = snap
        .scopes
        .iter_mut()
        .find(|r| r.idx == from_idx)
        .ok_or_else(|| Error::integrity("a scope went missing while it was renamed"))?;
    let name = to.to_string();
    row.idx = keys.scope_index(&name);
    row.name = keys.seal(Place::Scope(row.id), Field::Name, name.as_bytes())?;
    let bucket = row.id.rem_euclid(BUCKETS);
    snap.header.encryptions += 1;
    snap.reseal(keys, bucket);
    Ok(())
}

/// Copies the current keys of `from` into `to` (see [`Vault::copy_scope`]).
fn copy_one(
    tx: &Tx<'_>,
    keys: &super::keys::Keys,
    from: &Scope,
    to: &Scope,
    overwrite: bool,
) -> Result<ImportReport> {
    let (from_sid, items) = entries(tx, keys, from)?;
    let mut edit = Edit::begin(tx, keys, to, true, now())?;
    let present = edit.key_names()?;
    let clash: Vec<&str> = items
        .iter()
        .map(|(k, _, _)| k.as_str())
        .filter(|k| present.iter().any(|p| p == k))
        .collect();
    if !overwrite && !clash.is_empty() {
        return Err(Error::invalid(
            format!("{to} already holds {}", clash.join(", ")),
            "pass --overwrite to replace them (their values go to history)",
        ));
    }
    let mut report = ImportReport::default();
    for (key, value, meta) in &items {
        let origin = Origin {
            note: meta.note.clone(),
            url: meta.url.clone(),
            rotated_at: meta.rotated_at,
            ..Origin::of(Change::Import)
        };
        let list = match edit.put_marked(key, value, &origin, Some(meta.template))?.0 {
            super::Outcome::Added => &mut report.added,
            super::Outcome::Changed => &mut report.changed,
            super::Outcome::Unchanged => &mut report.unchanged,
        };
        list.push(key.to_string());
    }
    let names: Vec<KeyName> = items.into_iter().map(|(k, _, _)| k).collect();
    policy::copy_from(&mut edit, from_sid, &names)?;
    let detail = format!(
        "from {from}, {} {}",
        names.len(),
        plural(names.len(), "key", "keys")
    );
    edit.record(&Event::new(EventKind::ScopeCp).scope(to).detail(detail))?;
    edit.finish()?;
    Ok(report)
}

fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

impl Edit<'_> {
    /// Renames the current key `old` to `new`, re-sealing its record and its history.
    fn rename(&mut self, old: &KeyName, new: &KeyName) -> Result<()> {
        let Some(i) = self.find(old)? else {
            return Err(self.key_not_found(old)?);
        };
        if !self.versions(new)?.is_empty() {
            return Err(Error::invalid(
                format!(
                    "key `{new}` already exists in {} (or has history there)",
                    self.scope_label()?
                ),
                "choose another name, or remove it first with `devvault rm --purge`",
            ));
        }
        let sid = self.scope_id();
        let (keys, tx) = (self.keys, self.tx);
        let value = state::open_value(keys, Table::Secrets, &self.secrets[i])?;
        let meta = state::open_meta(keys, Table::Secrets, &self.secrets[i])?;
        let id = self.secrets[i].id;
        self.secrets[i] = state::seal_record(keys, Table::Secrets, id, sid, new, &value, &meta)?;
        tx.put_record(Table::Secrets, &self.secrets[i])?;
        self.by_idx = positions(&self.secrets);
        self.encryptions += 3;
        let old_idx = keys.key_index(sid, old.as_str());
        let (old_recs, _) = self.history()?;
        let moving = old_recs
            .iter()
            .filter(|r| r.idx == old_idx)
            .map(|r| {
                Ok((
                    state::open_value(keys, Table::History, r)?,
                    state::open_meta(keys, Table::History, r)?,
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        tx.delete_history(sid, &old_idx)?;
        let mut fresh = Vec::new();
        for (v, m) in &moving {
            let nid = super::edit::next_id(&mut self.snap);
            let rec = state::seal_record(keys, Table::History, nid, sid, new, v, m)?;
            tx.put_record(Table::History, &rec)?;
            fresh.push(rec);
        }
        self.encryptions += 3 * fresh.len() as i64;
        if let Some((recs, by_idx)) = self.history.as_mut() {
            recs.retain(|r| r.idx != old_idx);
            recs.extend(fresh);
            by_idx.clear();
            for (j, r) in recs.iter().enumerate() {
                by_idx.entry(r.idx.clone()).or_default().push(j);
            }
        }
        Ok(())
    }
}
