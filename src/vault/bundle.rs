//! Scopes in and out of bundles: reading scopes with their metadata for `share` (and keys
//! with comments for `example`), previewing a received bundle against the vault (added /
//! changed / unchanged, never values), and importing it in one transaction with replaced
//! values kept in history. The age encryption itself lives in [`crate::bundle`].

use super::edit::{Edit, Origin, Outcome};
use super::exposure::{Exposed, Receiver, Via};
use super::keys::Keys;
use super::policy::Policies;
use super::{Vault, audit, now, state};
use crate::audit::{Event, EventKind};
use crate::bundle::{Bundle, BundleSecret};
use crate::error::Result;
use crate::model::{KeyName, Scope};
use crate::rotation::Change;
use crate::store::{Table, Tx};

/// A scope and the keys of it to put in a bundle (None: all of them).
pub type Pick = (Scope, Option<Vec<KeyName>>);

/// What receiving a bundle does (or did) to each key of each scope.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Preview {
    /// Each scope of the bundle with its keys and what happens to them.
    pub scopes: Vec<(Scope, Vec<(KeyName, Outcome)>)>,
    /// Every key added or changed, with what can be shown of it.
    pub changes: Vec<(Scope, KeyChange)>,
}

/// A key an incoming bundle or pull adds or changes: never its value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyChange {
    /// The key.
    pub key: KeyName,
    /// Added or changed.
    pub outcome: Outcome,
    /// A hint at the new value ([`crate::preview::hint`]), e.g. `host a -> b`.
    pub hint: Option<String>,
    /// The incoming note, as sent.
    pub note: Option<String>,
    /// Whether the name is on [`crate::dangerous`]'s list.
    pub dangerous: bool,
}

impl KeyChange {
    /// A value that stays the same but becomes (or stops being) a template.
    pub fn marked(key: &KeyName, template: bool) -> KeyChange {
        let hint = match template {
            true => "same value, now a template",
            false => "same value, no longer a template",
        };
        KeyChange {
            key: key.clone(),
            outcome: Outcome::Changed,
            hint: Some(hint.to_string()),
            note: None,
            dangerous: crate::dangerous::is_dangerous(key.as_str()),
        }
    }

    /// The change of `key` from `old` (None: added) to `new`; None when unchanged.
    pub fn of(
        key: &KeyName,
        old: Option<&crate::SecretValue>,
        new: &crate::SecretValue,
        note: Option<&str>,
    ) -> Option<KeyChange> {
        let outcome = match old {
            None => Outcome::Added,
            Some(v) if v.expose_secret() == new.expose_secret() => return None,
            Some(_) => Outcome::Changed,
        };
        Some(KeyChange {
            key: key.clone(),
            outcome,
            hint: crate::preview::hint(old.map(|v| v.expose_secret()), new.expose_secret()),
            note: note.map(str::to_string),
            dangerous: crate::dangerous::is_dangerous(key.as_str()),
        })
    }
}

/// Where a received bundle came from, for the audit log and the trust list.
#[derive(Clone, Debug)]
pub struct Provenance {
    /// Its accepted sender.
    pub sender: super::trust::Sender,
    /// The SHA-256 of the bundle file, hex.
    pub hash: String,
}

impl Preview {
    /// How many keys are added, changed and unchanged.
    pub fn counts(&self) -> (usize, usize, usize) {
        let all = self
            .scopes
            .iter()
            .flat_map(|(_, ks)| ks.iter().map(|(_, o)| *o));
        all.fold((0, 0, 0), |(a, c, u), o| match o {
            Outcome::Added => (a + 1, c, u),
            Outcome::Changed => (a, c + 1, u),
            Outcome::Unchanged => (a, c, u + 1),
        })
    }
}

/// The secrets of one scope with metadata; values only when `values` is set.
fn read_scope(tx: &Tx<'_>, keys: &Keys, scope: &Scope, values: bool) -> Result<Vec<BundleSecret>> {
    let (snap, pos) = state::require(tx, keys, scope)?;
    let row = &snap.scopes[pos];
    let policies = Policies::load(tx, keys, &snap.header)?;
    let mut out = Vec::new();
    for r in state::records(tx, keys, Table::Secrets, row)? {
        let meta = state::open_meta(keys, Table::Secrets, &r)?;
        let value = match values {
            true => state::open_value(keys, Table::Secrets, &r)?,
            false => crate::SecretValue::from(""),
        };
        out.push(BundleSecret {
            key: state::open_name(keys, Table::Secrets, &r)?,
            value,
            comment: meta.note,
            url: meta.url,
            created: meta.created,
            updated: meta.updated,
            version: meta.version,
            rotated_at: meta.rotated_at,
            max_age: Some(policies.get(row.id, &r.idx).max_age),
            template: Some(meta.template),
        });
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(out)
}

impl Vault {
    /// Every scope named, with values and metadata, for `share`; recorded in the audit log.
    pub fn bundle(&mut self, scopes: &[Scope]) -> Result<Bundle> {
        let picks: Vec<Pick> = scopes.iter().map(|s| (s.clone(), None)).collect();
        self.bundle_keys_to(&picks, &[], Via::Share)
    }

    /// [`Vault::bundle`] for `to`: each receiver's keys and versions go into the exposure
    /// ledger in the same transaction as the audit entries.
    pub fn bundle_to(&mut self, scopes: &[Scope], to: &[Receiver]) -> Result<Bundle> {
        let picks: Vec<Pick> = scopes.iter().map(|s| (s.clone(), None)).collect();
        self.bundle_keys_to(&picks, to, Via::Share)
    }

    /// The keys picked of each scope (None: all of them; a picked key the scope lacks is
    /// left out), recorded in the audit log and, for each of `to`, in the exposure ledger
    /// as handed over by `via`, in one transaction.
    pub fn bundle_keys_to(&mut self, picks: &[Pick], to: &[Receiver], via: Via) -> Result<Bundle> {
        let keys = &self.keys;
        let run = |tx: &Tx<'_>| -> Result<Bundle> {
            let mut out = Bundle {
                created: now(),
                scopes: Vec::new(),
            };
            for (scope, only) in picks {
                let mut secrets = read_scope(tx, keys, scope, true)?;
                if let Some(only) = only {
                    secrets.retain(|s| only.contains(&s.key));
                }
                out.scopes.push((scope.clone(), secrets));
            }
            let mut h = state::header(tx, keys)?;
            for (scope, secrets) in &out.scopes {
                let n = secrets.len();
                let event = Event::new(EventKind::Share).scope(scope);
                audit::record(tx, keys, &mut h, &event.detail(format!("{n} keys")))?;
            }
            let items: Vec<Exposed> = out
                .scopes
                .iter()
                .flat_map(|(scope, secrets)| {
                    secrets.iter().map(move |s| Exposed {
                        scope: scope.to_string(),
                        key: s.key.to_string(),
                        version: s.version,
                    })
                })
                .collect();
            for r in to {
                super::exposure::record(tx, keys, &mut h, r, via, &items)?;
            }
            Ok(out)
        };
        match to.is_empty() {
            true => self.store.write_relaxed(run),
            false => self.store.write(run),
        }
    }

    /// What receiving `bundle` would do, key by key; nothing is written.
    pub fn preview(&mut self, bundle: &Bundle) -> Result<Preview> {
        let keys = &self.keys;
        self.store.read(|tx| {
            let mut out = Preview::default();
            for (scope, secrets) in &bundle.scopes {
                let (snap, pos) = state::locate(tx, keys, scope)?;
                let mut current = std::collections::HashMap::new();
                if let Some(pos) = pos {
                    for r in state::records(tx, keys, Table::Secrets, &snap.scopes[pos])? {
                        let (k, meta) = state::open_name_meta(keys, Table::Secrets, &r)?;
                        let value = state::open_value(keys, Table::Secrets, &r)?;
                        current.insert(k, (value, meta.template));
                    }
                }
                let mut list = Vec::with_capacity(secrets.len());
                for s in secrets {
                    let old = current.get(&s.key);
                    let mut change =
                        KeyChange::of(&s.key, old.map(|o| &o.0), &s.value, s.comment.as_deref());
                    if let (None, Some((_, was)), Some(now)) = (&change, old, s.template)
                        && *was != now
                    {
                        change = Some(KeyChange::marked(&s.key, now));
                    }
                    list.push((
                        s.key.clone(),
                        change.as_ref().map_or(Outcome::Unchanged, |c| c.outcome),
                    ));
                    out.changes.extend(change.map(|c| (scope.clone(), c)));
                }
                out.scopes.push((scope.clone(), list));
            }
            Ok(out)
        })
    }

    /// Imports every scope of `bundle` in one transaction: all of it lands, or nothing.
    /// Replaced values go to history; comments, URLs and rotation dates come along. The
    /// audit entries name the sender and the bundle's hash; a new sender is pinned and a
    /// trusted one's last creation time moves forward in the same transaction.
    pub fn receive(&mut self, bundle: &Bundle, from: &Provenance) -> Result<Preview> {
        let keys = &self.keys;
        self.store.write(|tx| {
            let mut out = Preview::default();
            for (scope, secrets) in &bundle.scopes {
                let mut edit = Edit::begin(tx, keys, scope, true, now())?;
                let mut list = Vec::with_capacity(secrets.len());
                for s in secrets {
                    let origin = Origin {
                        change: Change::Import,
                        from: None,
                        note: s.comment.clone(),
                        url: s.url.clone(),
                        rotated_at: s.rotated_at,
                    };
                    let put = edit.put_marked(&s.key, &s.value, &origin, s.template)?;
                    list.push((s.key.clone(), put.0));
                }
                let (a, c, u) = Preview {
                    scopes: vec![(scope.clone(), list.clone())],
                    changes: Vec::new(),
                }
                .counts();
                let detail = format!(
                    "bundle {} sha256:{}: {a} added, {c} changed, {u} unchanged",
                    from.sender.describe(),
                    from.hash
                );
                edit.record(&Event::new(EventKind::Receive).scope(scope).detail(detail))?;
                edit.finish()?;
                out.scopes.push((scope.clone(), list));
            }
            let mut h = state::header(tx, keys)?;
            super::trust::note_received(tx, keys, &mut h, &from.sender, bundle.created)?;
            Ok(out)
        })
    }
}
