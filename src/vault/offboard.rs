//! Offboarding a teammate (`devvault offboard NAME`): the plan drawn from the exposure
//! ledger (every key NAME received whose current version NAME saw, the remotes that hold
//! it, the other recipients to re-share to), and its progress, kept sealed in `extras` as
//! one `O` row per teammate so an interrupted run resumes where it stopped. Each step is in
//! the audit log. Rotating, pushing and writing bundles are the front end's (it has the
//! tokens, the prompt and the files); this module never prompts or prints.

mod plan;

pub use plan::{OffboardPlan, PlannedKey, Step, StillSeen, generator_like};

use super::exposure::{Exposure, Receiver};
use super::extras::{self, Extra};
use super::keys::Keys;
use super::remotes::Remotes;
use super::{TrustedSender, Vault, now, state};
use crate::audit::{Event, EventKind};
use crate::error::{Error, Result};
use crate::model::{KeyName, Scope};
use crate::store::{Header, SealedRow, Tx};
use std::collections::BTreeMap;

/// Every saved offboarding with its row id.
fn saved(tx: &Tx<'_>, keys: &Keys, h: &Header) -> Result<Vec<(i64, OffboardPlan)>> {
    let mut out = Vec::new();
    for (row, x) in extras::load(tx, keys, h)? {
        if let Extra::Offboard(json) = x {
            let plan = serde_json::from_slice(&json)
                .map_err(|_| Error::integrity("an offboarding record is malformed"))?;
            out.push((row.id, plan));
        }
    }
    Ok(out)
}

/// The trusted rows with their ids.
fn trusted_rows(rows: &[(SealedRow, Extra)]) -> Result<Vec<(i64, TrustedSender)>> {
    let mut out = Vec::new();
    for (row, x) in rows {
        if let Extra::Trust(json) = x {
            let t = serde_json::from_slice(json)
                .map_err(|_| Error::integrity("a trusted-sender record is malformed"))?;
            out.push((row.id, t));
        }
    }
    Ok(out)
}

/// The age recipient of a trusted teammate (the first word of their identity line).
fn age_of(t: &TrustedSender) -> String {
    t.identity
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string()
}

/// Replaces `name`'s saved offboarding (if any) with `plan`, recording `event`; also
/// removes the rows `also` (the trust row at the end).
fn save(tx: &Tx<'_>, keys: &Keys, plan: &OffboardPlan, also: &[i64], event: &Event) -> Result<()> {
    let mut h = state::header(tx, keys)?;
    let mut remove: Vec<i64> = saved(tx, keys, &h)?
        .into_iter()
        .filter(|(_, p)| p.name == plan.name)
        .map(|(id, _)| id)
        .collect();
    remove.extend_from_slice(also);
    let plain = super::trust::encode(b'O', plan)?;
    extras::change(tx, keys, &mut h, &remove, Some(&plain), event)
}

impl Vault {
    /// `name`'s offboarding: the one saved (in progress, or finished while `name` is no
    /// longer trusted), else a new plan from the exposure ledger (not saved until
    /// [`Vault::offboard_begin`]). A name neither trusted nor offboarded is not found.
    pub fn offboard_plan(&mut self, name: &str) -> Result<OffboardPlan> {
        let keys = &self.keys;
        let found = self.store.read(|tx| {
            let h = state::header(tx, keys)?;
            Ok(saved(tx, keys, &h)?
                .into_iter()
                .find(|(_, p)| p.name == name))
        })?;
        let trusted = self.trusted()?;
        let Some(t) = trusted.iter().find(|t| t.name == name).cloned() else {
            return match found {
                Some((_, p)) => Ok(p),
                None => Err(not_trusted(name, &trusted)),
            };
        };
        if let Some((_, p)) = found.filter(|(_, p)| p.finished.is_none()) {
            return Ok(p);
        }
        self.new_plan(&t, &trusted)
    }

    /// A fresh plan for the trusted teammate `t`.
    fn new_plan(&mut self, t: &TrustedSender, trusted: &[TrustedSender]) -> Result<OffboardPlan> {
        let (fp, age) = (t.fingerprint(), age_of(t));
        let ledger = self.exposures()?;
        let gone = self.offboarded_recipients()?;
        let remotes = self.remotes_by_scope()?;
        let seen = seen_by(&ledger, &t.name, &fp, &age);
        let mut plan = OffboardPlan {
            name: t.name.clone(),
            fingerprint: fp.clone(),
            recipient: age.clone(),
            started: now(),
            keys: Vec::new(),
            done: Vec::new(),
            finished: None,
        };
        for ((scope, key), versions) in seen {
            let Some((current, url)) = self.current(&scope, &key)? else {
                continue;
            };
            if !versions.contains(&current) {
                continue;
            }
            let holders = |e: &&Exposure| e.scope == scope && e.key == key;
            let mut on: Vec<String> = ledger
                .iter()
                .filter(holders)
                .filter_map(|e| match &e.to {
                    Receiver::Remote { name } => Some(name.clone()),
                    _ => None,
                })
                .chain(remotes.get(&scope).into_iter().flatten().cloned())
                .collect();
            on.sort();
            on.dedup();
            let mut others: Vec<Receiver> = Vec::new();
            for e in ledger.iter().filter(holders) {
                if let Some(r) = remaining(&e.to, t, trusted, &gone)
                    && !others.contains(&r)
                {
                    others.push(r);
                }
            }
            plan.keys.push(PlannedKey {
                scope,
                key,
                seen: versions,
                current,
                url,
                remotes: on,
                others,
            });
        }
        Ok(plan)
    }

    /// The current version and URL of `key` in `scope`; None when either is gone.
    fn current(&mut self, scope: &str, key: &str) -> Result<Option<(u32, Option<String>)>> {
        let Ok(scope) = Scope::parse_stored(scope) else {
            return Ok(None);
        };
        if !self.has_scope(&scope)? {
            return Ok(None);
        }
        Ok(self
            .list(&scope)?
            .into_iter()
            .find(|m| m.key.as_str() == key && m.inherited_from.is_none())
            .map(|m| (m.version, m.url)))
    }

    /// The remotes that have synced each scope (`scope` -> remote names).
    fn remotes_by_scope(&mut self) -> Result<BTreeMap<String, Vec<String>>> {
        let keys = &self.keys;
        let remotes = self
            .store
            .read(|tx| Remotes::load(tx, keys, &state::header(tx, keys)?))?;
        let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for scope in self.scopes()? {
            for c in remotes.configs() {
                if remotes.base(&c.name, &scope).is_some() {
                    out.entry(scope.to_string()).or_default().push(c.name);
                }
            }
        }
        Ok(out)
    }

    /// The age recipients of every teammate offboarded before or being offboarded now (an
    /// offboarding interrupted and not yet resumed: they are leaving, still trusted).
    fn offboarded_recipients(&mut self) -> Result<Vec<String>> {
        let keys = &self.keys;
        self.store.read(|tx| {
            let h = state::header(tx, keys)?;
            Ok(saved(tx, keys, &h)?
                .into_iter()
                .map(|(_, p)| p.recipient)
                .collect())
        })
    }

    /// Saves `plan` as `name`'s offboarding in progress (audited), unless it already is.
    pub fn offboard_begin(&mut self, plan: &OffboardPlan) -> Result<()> {
        let keys = &self.keys;
        self.store.write(|tx| {
            let h = state::header(tx, keys)?;
            let same = saved(tx, keys, &h)?
                .into_iter()
                .any(|(_, p)| p.name == plan.name && p.finished.is_none());
            if same {
                return Ok(());
            }
            let n = plan.keys.len();
            let event = Event::new(EventKind::Offboard).detail(format!(
                "offboarding {} ({}): {n} {} to rotate",
                plan.name,
                plan.fingerprint,
                if n == 1 { "key" } else { "keys" }
            ));
            save(tx, keys, plan, &[], &event)
        })
    }

    /// Records `step` of `name`'s offboarding in progress (audited).
    pub fn offboard_step(&mut self, name: &str, step: Step) -> Result<()> {
        let keys = &self.keys;
        self.store.write(|tx| {
            let h = state::header(tx, keys)?;
            let Some((_, mut plan)) = saved(tx, keys, &h)?
                .into_iter()
                .find(|(_, p)| p.name == name && p.finished.is_none())
            else {
                return Err(Error::invalid(
                    format!("no offboarding of `{name}` is in progress"),
                    format!("start it with `devvault offboard {name}`"),
                ));
            };
            let mut event = Event::new(EventKind::OffboardStep)
                .detail(format!("offboarding {name}: {}", step.describe()));
            if let Some((scope, key)) = step.key() {
                event.scope = Scope::parse_stored(scope).ok();
                event.key = KeyName::new(key).ok();
            }
            if !plan.done.contains(&step) {
                plan.done.push(step);
            }
            save(tx, keys, &plan, &[], &event)
        })
    }

    /// Ends `name`'s offboarding: removes them from trust and marks it finished, in one
    /// transaction (audited).
    pub fn offboard_finish(&mut self, name: &str) -> Result<()> {
        let keys = &self.keys;
        self.store.write(|tx| {
            let h = state::header(tx, keys)?;
            let rows = extras::load(tx, keys, &h)?;
            let trust: Vec<i64> = trusted_rows(&rows)?
                .into_iter()
                .filter(|(_, t)| t.name == name)
                .map(|(id, _)| id)
                .collect();
            let Some((_, mut plan)) = saved(tx, keys, &h)?
                .into_iter()
                .find(|(_, p)| p.name == name)
            else {
                return Err(Error::invalid(
                    format!("no offboarding of `{name}` is in progress"),
                    format!("start it with `devvault offboard {name}`"),
                ));
            };
            plan.finished = Some(now());
            let event = Event::new(EventKind::Offboard).detail(format!(
                "{name} ({}) offboarded: {} keys rotated, removed from trust",
                plan.fingerprint,
                plan.keys.len()
            ));
            save(tx, keys, &plan, &trust, &event)
        })
    }

    /// Every key still at a version `name` saw (a teammate trusted or offboarded before, or
    /// a bare recipient `age1...`). A name this vault never trusted nor shared with is not
    /// found.
    pub fn offboard_verify(&mut self, name: &str) -> Result<Vec<StillSeen>> {
        let trusted = self.trusted()?;
        let (fp, age) = match trusted.iter().find(|t| t.name == name) {
            Some(t) => (t.fingerprint(), age_of(t)),
            None => {
                let keys = &self.keys;
                let p = self.store.read(|tx| {
                    let h = state::header(tx, keys)?;
                    Ok(saved(tx, keys, &h)?
                        .into_iter()
                        .find(|(_, p)| p.name == name))
                })?;
                match p {
                    Some((_, p)) => (p.fingerprint, p.recipient),
                    // An untrusted recipient (`age1...`) that received keys.
                    None => (String::new(), name.to_string()),
                }
            }
        };
        let ledger = self.exposures()?;
        let seen = seen_by(&ledger, name, &fp, &age);
        if seen.is_empty() && fp.is_empty() {
            return Err(not_trusted(name, &trusted));
        }
        let mut out = Vec::new();
        for ((scope, key), versions) in seen {
            if let Some((current, _)) = self.current(&scope, &key)?
                && versions.contains(&current)
            {
                out.push(StillSeen {
                    scope,
                    key,
                    version: current,
                });
            }
        }
        Ok(out)
    }
}

/// The not-found error for a name that is not a trusted teammate (exit 4).
fn not_trusted(name: &str, trusted: &[TrustedSender]) -> Error {
    Error::not_found(
        format!("trusted teammate `{}`", crate::preview::printable(name)),
        name,
        trusted.iter().map(|t| t.name.as_str()),
    )
}

/// The versions of each (scope, key) the person saw, by the ledger.
fn seen_by(
    ledger: &[Exposure],
    name: &str,
    fp: &str,
    age: &str,
) -> BTreeMap<(String, String), Vec<u32>> {
    let mut out: BTreeMap<(String, String), Vec<u32>> = BTreeMap::new();
    for e in ledger.iter().filter(|e| e.to.is_person(name, fp, age)) {
        let v = out.entry((e.scope.clone(), e.key.clone())).or_default();
        if !v.contains(&e.version) {
            v.push(e.version);
        }
    }
    out
}

/// Whether `to` should get the new value when `leaving` goes: a teammate still trusted
/// (not `leaving`, nor in `gone`: offboarded, or with an offboarding under way), or a bare
/// recipient that is neither `leaving` nor in `gone` (mapped to a teammate when one's
/// recipient matches). Remotes and passphrases: no.
fn remaining(
    to: &Receiver,
    leaving: &TrustedSender,
    trusted: &[TrustedSender],
    gone: &[String],
) -> Option<Receiver> {
    let (fp, age) = (leaving.fingerprint(), age_of(leaving));
    if to.is_person(&leaving.name, &fp, &age) {
        return None;
    }
    match to {
        Receiver::Teammate { fingerprint, .. } => trusted
            .iter()
            .find(|t| &t.fingerprint() == fingerprint && !gone.contains(&age_of(t)))
            .map(teammate),
        Receiver::Recipient { recipient } if !gone.contains(recipient) => Some(
            trusted
                .iter()
                .find(|t| &age_of(t) == recipient)
                .map_or_else(|| to.clone(), teammate),
        ),
        _ => None,
    }
}

fn teammate(t: &TrustedSender) -> Receiver {
    Receiver::Teammate {
        name: t.name.clone(),
        fingerprint: t.fingerprint(),
        recipient: age_of(t),
    }
}
