//! [`Vault`]: the only entry point the front ends use. It opens and unlocks the store,
//! keeps the derived keys, and offers every operation with every integrity check applied. It
//! never prompts, prints or reads the environment: front ends pass passphrases, values and
//! remote tokens in. The operations live by topic:
//!
//! - this file: list, get, set, add, import (and its preview), remove, export;
//! - `lifecycle.rs`: scopes removed, renamed, copied and compared, keys renamed;
//! - `slots.rs`: create, open, unlock, the passphrase and keychain slots, `passwd --keep-key`;
//! - `rekey.rs`: a new vault key with everything re-sealed in one transaction (`rekey`, `passwd`);
//! - `keys.rs`: the working subkeys and how records are bound to them;
//! - `state.rs` (rows read and checked), `codec.rs` (a record's name and metadata), `edit.rs`
//!   (one write to one scope) and `versions.rs` (a key's versions inside an edit);
//! - `history.rs` (rotate, history, rollback), `policy.rs` (rotation policies);
//! - `audit.rs`: the tamper-evident audit log; `reads.rs`: reads whose audit entry cannot be
//!   written (a read-only vault, a full disk), the `strict-audit` setting;
//! - `extras.rs`: the vault's own sealed records (its age identity, export records, keys
//!   marked not secret);
//! - `trust.rs`: its signing key, trusted teammates and who sent a bundle; `allowance.rs`:
//!   the dangerous env names allowed for `run` per scope (both sealed in `extras`);
//! - `inherit.rs`: environments that inherit another, the flattened scope (with templates
//!   expanded) that export, run, inject and references read; `flat.rs`: its listings and
//!   reference reads;
//! - `bundle.rs`: scopes in and out of bundles (`share`, `receive`), previews of incoming keys;
//! - `scan.rs`: the leak scanner's automaton over every value;
//! - `remotes.rs` (team remotes and sync states) and `push_pull.rs` (push, pull, status);
//! - `exposure.rs`: the exposure ledger (who received which keys at which versions);
//!   `offboard.rs`: an offboarding's plan and resumable progress.

mod agent;
mod allowance;
mod audit;
mod bundle;
mod codec;
mod edit;
mod exposure;
mod extras;
mod flat;
mod grant;
mod history;
mod hook_trust;
mod import;
mod inherit;
mod keys;
mod lifecycle;
mod offboard;
mod policy;
mod push_pull;
mod reads;
mod rekey;
mod remotes;
mod scan;
mod slots;
mod state;
mod trash;
mod trust;
mod versions;

pub use agent::AgentPolicy;
pub use allowance::EnvAllowance;
pub use bundle::Pick;
pub use bundle::{KeyChange, Preview, Provenance};
pub use edit::Outcome;
pub use exposure::{Exposed, Exposure, Receiver, Via};
pub use extras::{ExportRecord, NotSecret};
pub use flat::Listed;
pub use grant::Grantee;
pub use hook_trust::HookTrust;
pub use inherit::MAX_DEPTH;
pub use offboard::{OffboardPlan, PlannedKey, Step, StillSeen, generator_like};
pub use push_pull::PullPreview;
pub use rekey::Rekeyed;
pub use slots::KEYCHAIN_SLOT;
pub use trash::Trashed;
pub use trust::{Acceptance, Sender, TrustedSender, check_trust_name};

use crate::audit::{Event, EventKind};
use crate::error::{Error, Result};
use crate::model::{EnvSummary, KeyName, ProjectSummary, Scope, SecretMeta};
use crate::secret::{SecretValue, VaultKey};
use crate::store::{Slot, Store, Table, Tx};
use edit::Edit;
use keys::Keys;
use std::path::Path;

/// Sees a scope's key names inside an export's transaction, before any value is opened.
pub(crate) type NameGate<'a> = &'a dyn Fn(&Tx<'_>, &Keys, &[KeyName]) -> Result<()>;

/// An unlocked vault.
pub struct Vault {
    store: Store,
    keys: Keys,
    dek: VaultKey,
    vault_id: Vec<u8>,
    /// What to do with a read whose audit entry cannot be written.
    reads: reads::ReadAudit,
}

/// A vault file that is open but not yet unlocked.
pub struct LockedVault {
    store: Store,
    vault_id: Vec<u8>,
    slot: Slot,
    /// Whether Argon2id parameters above the budget may be derived (the user said so).
    allow_expensive_kdf: bool,
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

    /// Every scope's name, sorted; cheaper than [`Vault::projects`] (no key counts), so a
    /// front end can show the tree of a large vault before listing its keys.
    pub fn scopes(&mut self) -> Result<Vec<Scope>> {
        let keys = &self.keys;
        self.store.read(|tx| {
            let snap = state::snapshot_all(tx, keys)?;
            let mut out: Vec<Scope> = snap.names(keys)?.into_iter().map(|(s, _)| s).collect();
            out.sort();
            Ok(out)
        })
    }

    /// The keys of a scope with their metadata and rotation status, sorted by key; never
    /// values.
    pub fn list(&mut self, scope: &Scope) -> Result<Vec<SecretMeta>> {
        let keys = &self.keys;
        let now = now();
        self.store.read(|tx| {
            let (snap, pos) = state::require(tx, keys, scope)?;
            let recs = state::records(tx, keys, Table::Secrets, &snap.scopes[pos])?;
            let policies = policy::Policies::load(tx, keys, &snap.header)?;
            let mut out = recs
                .iter()
                .map(|r| {
                    let (key, m) = state::open_name_meta(keys, Table::Secrets, r)?;
                    let max_age = policies.get(r.scope_id, &r.idx).max_age;
                    Ok(SecretMeta {
                        key,
                        created: m.created,
                        updated: m.updated,
                        version: m.version,
                        rotated_at: m.rotated_at,
                        url: m.url,
                        max_age,
                        overdue_days: crate::rotation::overdue_days(m.updated, max_age, now),
                        empty: r.value.len() == crate::crypto::SEAL_OVERHEAD,
                        inherited_from: None,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            out.sort_by(|a, b| a.key.cmp(&b.key));
            Ok(out)
        })
    }

    /// Every key and value of a scope, sorted by key, after one manifest check; recorded
    /// in the audit log as an export. Keys the scope inherits are included and templates
    /// expanded.
    pub fn export(&mut self, scope: &Scope) -> Result<Vec<(KeyName, SecretValue)>> {
        self.export_for(scope, EventKind::Export)
    }

    /// [`Vault::export`] recorded as `kind` (e.g. [`EventKind::Run`]), in the same
    /// transaction as the read.
    pub fn export_for(
        &mut self,
        scope: &Scope,
        kind: EventKind,
    ) -> Result<Vec<(KeyName, SecretValue)>> {
        self.export_gated(scope, kind, &|_, _, _| Ok(()))
    }

    /// [`Vault::export_for`], but `gate` sees the key names first (in the same
    /// transaction, before any value is opened); its error stops the export, unrecorded.
    /// The scope is flattened (inherited keys added, templates expanded: `inherit.rs`).
    pub(crate) fn export_gated(
        &mut self,
        scope: &Scope,
        kind: EventKind,
        gate: NameGate<'_>,
    ) -> Result<Vec<(KeyName, SecretValue)>> {
        let read = |tx: &Tx<'_>, keys: &Keys| {
            let (flat, header) = inherit::flatten(tx, keys, scope)?;
            let names: Vec<KeyName> = flat.iter().map(|k| k.name.clone()).collect();
            gate(tx, keys, &names)?;
            let inherited = flat.iter().filter(|k| &k.from != scope).count();
            Ok(((inherit::values(keys, scope, &flat)?, inherited), header))
        };
        let event = |(out, inherited): &(Vec<(KeyName, SecretValue)>, usize)| {
            let n = out.len();
            let mut detail = format!("{n} key{}", if n == 1 { "" } else { "s" });
            if *inherited > 0 {
                detail.push_str(&format!(", {inherited} inherited"));
            }
            Event::new(kind).scope(scope).detail(detail)
        };
        Ok(self.audited_read(read, event)?.0)
    }

    /// One value; recorded in the audit log as a get.
    pub fn get(&mut self, scope: &Scope, key: &KeyName) -> Result<SecretValue> {
        self.get_for(scope, key, EventKind::Get)
    }

    /// [`Vault::get`] recorded as `kind` (e.g. [`EventKind::Copy`] or
    /// [`EventKind::Reveal`]), in the same transaction as the read.
    pub fn get_for(
        &mut self,
        scope: &Scope,
        key: &KeyName,
        kind: EventKind,
    ) -> Result<SecretValue> {
        let read = |tx: &Tx<'_>, keys: &Keys| {
            let (snap, pos) = state::require(tx, keys, scope)?;
            let recs = state::records(tx, keys, Table::Secrets, &snap.scopes[pos])?;
            let idx = keys.key_index(snap.scopes[pos].id, key.as_str());
            match recs.iter().find(|r| r.idx == idx) {
                Some(r) => {
                    if &state::open_name(keys, Table::Secrets, r)? != key {
                        return Err(Error::integrity("a key's name does not match its index"));
                    }
                    let value = state::open_value(keys, Table::Secrets, r)?;
                    Ok((value, snap.header))
                }
                None => {
                    let (flat, header) = inherit::flatten(tx, keys, scope)?;
                    if let Some(k) = flat.iter().find(|k| &k.name == key) {
                        let value = state::open_value(keys, Table::Secrets, &k.record)?;
                        return Ok((value, header));
                    }
                    let names: Vec<String> = flat.iter().map(|k| k.name.to_string()).collect();
                    Err(Error::not_found(
                        format!("key `{key}` in {scope}"),
                        key.as_str(),
                        names.iter().map(String::as_str),
                    ))
                }
            }
        };
        self.audited_read(read, |_| Event::new(kind).scope(scope).key(key))
    }

    /// Sets one key (creating the scope if needed); a template stays a template.
    pub fn set(&mut self, scope: &Scope, key: &KeyName, value: &SecretValue) -> Result<Outcome> {
        self.set_marked(scope, key, value, None)
    }

    /// [`Vault::set`], marking the value as a template (`${KEY}` expands on export, run,
    /// inject) or a plain value; `None` keeps the mark the key had.
    pub fn set_marked(
        &mut self,
        scope: &Scope,
        key: &KeyName,
        value: &SecretValue,
        template: Option<bool>,
    ) -> Result<Outcome> {
        let keys = &self.keys;
        self.store.write(|tx| {
            let mut edit = Edit::begin(tx, keys, scope, true, now())?;
            let origin = edit::Origin::of(crate::rotation::Change::Set);
            let (out, version) = edit.put_marked(key, value, &origin, template)?;
            if out != Outcome::Unchanged {
                let event = Event::new(EventKind::Set).scope(scope).key(key);
                edit.record(&event.detail(format!("version {version}")))?;
                edit.finish()?;
            }
            Ok(out)
        })
    }

    /// Adds a key that must not exist yet, checked and written in one transaction; an
    /// existing key is an [`Error::InvalidInput`] and nothing is written or audited (no value
    /// is read to find out).
    pub fn add(&mut self, scope: &Scope, key: &KeyName, value: &SecretValue) -> Result<()> {
        let keys = &self.keys;
        self.store.write(|tx| {
            let mut edit = Edit::begin(tx, keys, scope, true, now())?;
            if edit.find(key)?.is_some() {
                return Err(Error::InvalidInput {
                    what: format!("{key} already exists in {scope}"),
                    fix: "select it and edit it, or choose another name".into(),
                });
            }
            let origin = edit::Origin::of(crate::rotation::Change::Set);
            let (_, version) = edit.put(key, value, &origin)?;
            let event = Event::new(EventKind::Set).scope(scope).key(key);
            edit.record(&event.detail(format!("version {version}")))?;
            edit.finish()
        })
    }

    /// Removes one key; its versions stay in history (until [`Vault::purge`]).
    pub fn remove(&mut self, scope: &Scope, key: &KeyName) -> Result<()> {
        let keys = &self.keys;
        self.store.write(|tx| {
            let mut edit = Edit::begin(tx, keys, scope, false, now())?;
            edit.remove(key)?;
            edit.record(&Event::new(EventKind::Rm).scope(scope).key(key))?;
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
