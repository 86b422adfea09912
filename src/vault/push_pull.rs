//! Push, pull and status against a team remote. The network is only touched outside
//! transactions: the local content is read and checked, the remote read or written, then
//! one write transaction applies the result, re-checking that the local scope did not
//! change meanwhile. Pulled values go through the normal write path ([`Edit::put`]), so a
//! replaced value lands in history and every pull and push is in the audit log. The
//! decision itself is [`crate::kv::plan`]'s pure functions. An entry deleted, destroyed or
//! erased on the server is named as such and waits for the user's choice (`push
//! --recreate` or `pull --accept-deletion`); a value whose devvault metadata does not match
//! it was changed outside devvault and is recorded so.

use super::edit::{Edit, Origin};
use super::exposure::{Exposed, Receiver, Via};
use super::remotes::Remotes;
use super::{Vault, now, state};
use crate::audit::{Event, EventKind};
use crate::error::{Error, Result};
use crate::kv::client::{Client, state_of as judge};
use crate::kv::payload::{Entry, KeyMeta, Shape, pairs};
use crate::kv::plan::{self, Base, KeyDiff, PullAction, PushAction, Resolution, State, SyncReport};
use crate::kv::{Access, RemoteConfig};
use crate::model::{KeyName, Scope};
use crate::rotation::Change;
use crate::store::{Record, Table, Tx};
use gone::{Gone, gone_error};

mod gone;

/// What a pull would do to a scope: keys added or changed (with hints, never values) and
/// keys removed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PullPreview {
    /// Keys added or changed.
    pub changes: Vec<super::KeyChange>,
    /// Keys the remote no longer has.
    pub removed: Vec<KeyName>,
}

impl PullPreview {
    fn between(ours: &[Entry], theirs: &[Entry]) -> PullPreview {
        let changes = theirs
            .iter()
            .filter_map(|t| {
                let old = ours.iter().find(|o| o.key == t.key).map(|o| &o.value);
                super::KeyChange::of(&t.key, old, &t.value, t.meta.note.as_deref())
            })
            .collect();
        let removed = ours
            .iter()
            .filter(|o| !theirs.iter().any(|t| t.key == o.key))
            .map(|o| o.key.clone())
            .collect();
        PullPreview { changes, removed }
    }

    /// Whether the pull changes nothing.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.removed.is_empty()
    }
}

fn entries_of(keys: &super::keys::Keys, recs: &[Record]) -> Result<Vec<Entry>> {
    let mut out = recs
        .iter()
        .map(|r| {
            let (key, m) = state::open_name_meta(keys, Table::Secrets, r)?;
            Ok(Entry {
                key,
                value: state::open_value(keys, Table::Secrets, r)?,
                meta: KeyMeta {
                    version: m.version,
                    created: m.created,
                    updated: m.updated,
                    change: m.change,
                    rotated_at: m.rotated_at,
                    note: m.note,
                    url: m.url,
                    digest: None,
                },
            })
        })
        .collect::<Result<Vec<_>>>()?;
    out.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(out)
}

/// The scope's current entries (None when it does not exist here).
fn local(tx: &Tx<'_>, keys: &super::keys::Keys, scope: &Scope) -> Result<Option<Vec<Entry>>> {
    let (snap, pos) = state::locate(tx, keys, scope)?;
    match pos {
        None => Ok(None),
        Some(p) => entries_of(
            keys,
            &state::records(tx, keys, Table::Secrets, &snap.scopes[p])?,
        )
        .map(Some),
    }
}

/// The conflict error of `scope`: what differs between `ours` and `theirs`, by key name.
fn conflict(
    remote: &RemoteConfig,
    scope: &Scope,
    state: State,
    ours: &[Entry],
    theirs: Option<&Vec<Entry>>,
    fix: String,
) -> Error {
    let diff = KeyDiff::between(&pairs(ours), &pairs(theirs.map_or(&[][..], |e| e)));
    Error::Conflict {
        what: format!(
            "{scope} stopped: {} against remote `{}` ({}); keys that differ: {diff}",
            state.as_str(),
            remote.name,
            remote.location(scope)
        ),
        fix,
    }
}

impl Vault {
    /// Reads the remote's settings, the scope's sync base and its local entries.
    pub(super) fn sync_start(
        &mut self,
        remote: Option<&str>,
        scope: &Scope,
    ) -> Result<(RemoteConfig, Option<Base>, Option<Vec<Entry>>)> {
        let keys = &self.keys;
        self.store.read(|tx| {
            let remotes = Remotes::load(tx, keys, &state::header(tx, keys)?)?;
            let config = remotes.config(remote)?;
            let base = remotes.base(&config.name, scope);
            Ok((config, base, local(tx, keys, scope)?))
        })
    }

    /// Pushes a scope to a remote with check-and-set on the version last synced. Stops with
    /// [`Error::Conflict`] (key names only) when the remote changed since, or when its entry
    /// was deleted, destroyed or erased, unless `recreate`. An entry another tool wrote
    /// keeps its plain shape.
    pub fn push(
        &mut self,
        remote: Option<&str>,
        scope: &Scope,
        access: &Access,
        recreate: bool,
    ) -> Result<SyncReport> {
        let (config, base, local) = self.sync_start(remote, scope)?;
        let Some(local) = local else {
            let keys = &self.keys;
            self.store.read(|tx| state::require(tx, keys, scope))?;
            return Err(Error::integrity("a scope appeared while it was read"));
        };
        let client = Client::connect(&config, access)?;
        let path = config.path(scope);
        let fetched = client.read(&path)?;
        let ldigest = plan::digest(&pairs(&local));
        let rversion = fetched.as_ref().map_or(0, |r| r.version);
        let live = fetched.as_ref().and_then(|r| r.entries.as_ref());
        let shape = match (live, &fetched) {
            (Some(_), Some(r)) => r.shape,
            _ => Shape::Devvault,
        };
        let st = judge(base.as_ref(), Some(ldigest), fetched.as_ref());
        let action = match st.gone() {
            Some(_) if recreate => PushAction::Write { cas: rversion },
            Some(_) => return Err(gone_error(&config, scope, st, rversion)),
            None => plan::push_action(st, rversion),
        };
        let version = match action {
            PushAction::Refuse => {
                let fix = format!(
                    "someone pushed since your last sync: run `devvault pull {scope}` first (--theirs or --ours to choose), then push"
                );
                return Err(conflict(&config, scope, st, &local, live, fix));
            }
            PushAction::Record => rversion,
            PushAction::Write { cas } => match client.write_as(&path, &local, cas, shape)? {
                Some(v) => v,
                None => {
                    let now_there = client.read(&path)?;
                    let theirs = now_there.as_ref().and_then(|r| r.entries.as_ref());
                    let fix = format!(
                        "someone pushed while you did (check-and-set failed): run `devvault pull {scope}`, then push again"
                    );
                    return Err(conflict(
                        &config,
                        scope,
                        State::Diverged,
                        &local,
                        theirs,
                        fix,
                    ));
                }
            },
        };
        let pushed = matches!(action, PushAction::Write { .. });
        let exposed: Vec<Exposed> = match pushed {
            true => local.iter().map(|e| exposed_of(scope, e)).collect(),
            false => Vec::new(),
        };
        self.record_base_exposed(
            &config.name,
            scope,
            Base {
                version,
                digest: ldigest,
            },
            &exposed,
            pushed.then(|| {
                Event::new(EventKind::Push).scope(scope).detail(format!(
                    "{} keys to {} version {version}",
                    local.len(),
                    config.name
                ))
            }),
        )?;
        let action = if pushed { "pushed" } else { "up-to-date" };
        Ok(SyncReport::new(scope, st, action, version))
    }

    /// Remembers `base` for (remote, scope), with an audit entry when `event` is given.
    fn record_base(
        &mut self,
        remote: &str,
        scope: &Scope,
        base: Base,
        event: Option<Event>,
    ) -> Result<()> {
        self.record_base_exposed(remote, scope, base, &[], event)
    }

    /// [`Vault::record_base`], with the keys the remote received (`exposed`) put into the
    /// exposure ledger in the same transaction.
    fn record_base_exposed(
        &mut self,
        remote: &str,
        scope: &Scope,
        base: Base,
        exposed: &[Exposed],
        event: Option<Event>,
    ) -> Result<()> {
        let keys = &self.keys;
        self.store.write(|tx| {
            let mut h = state::header(tx, keys)?;
            let mut remotes = Remotes::load(tx, keys, &h)?;
            if remotes.base(remote, scope) == Some(base) && event.is_none() && exposed.is_empty() {
                return Ok(());
            }
            remotes.set_base(&mut h, remote, scope, base);
            h.encryptions += remotes.save(tx, keys, &mut h)?;
            if let Some(e) = &event {
                super::audit::record(tx, keys, &mut h, e)?;
            }
            let to = Receiver::Remote {
                name: remote.to_string(),
            };
            super::exposure::record(tx, keys, &mut h, &to, Via::Push, exposed)?;
            h.scopes_mac = keys.header_mac(&h);
            tx.put_header(&h)
        })
    }

    /// Pulls a scope from a remote. Values that change go through the normal write path
    /// (old values kept in history, rotations kept as rotations with their date and note).
    /// Local changes not pushed stop the pull with [`Error::Conflict`] unless `resolution`
    /// says which side wins.
    pub fn pull(
        &mut self,
        remote: Option<&str>,
        scope: &Scope,
        access: &Access,
        resolution: Option<Resolution>,
    ) -> Result<SyncReport> {
        self.pull_gated(remote, scope, access, resolution, false, &mut |_, _| {
            Ok(true)
        })
    }

    /// [`Vault::pull`], but before anything is written `gate` sees what the pull would add,
    /// change and remove (never values) and says whether it lands; a refusal leaves the
    /// vault untouched (the report's action is `declined`), an error stops the pull. A scope
    /// whose remote entry was deleted, destroyed or erased stops with [`Error::Conflict`]
    /// naming it, unless `accept_deletion` (its keys are then removed here, kept in history).
    pub fn pull_gated(
        &mut self,
        remote: Option<&str>,
        scope: &Scope,
        access: &Access,
        resolution: Option<Resolution>,
        accept_deletion: bool,
        gate: &mut dyn FnMut(&Scope, &PullPreview) -> Result<bool>,
    ) -> Result<SyncReport> {
        let (config, base, local) = self.sync_start(remote, scope)?;
        let client = Client::connect(&config, access)?;
        let fetched = client.read(&config.path(scope))?;
        let ldigest = local.as_ref().map(|l| plan::digest(&pairs(l)));
        let st = judge(base.as_ref(), ldigest, fetched.as_ref());
        let rversion = fetched.as_ref().map_or(0, |r| r.version);
        let Some((version, theirs)) = fetched.and_then(|r| r.entries.map(|e| (r.version, e)))
        else {
            let gone = Gone {
                config: &config,
                scope,
                st,
                version: rversion,
                base,
                local: local.as_deref(),
                ldigest,
            };
            return self.pull_gone(gone, accept_deletion, gate);
        };
        let rdigest = plan::digest(&pairs(&theirs));
        let mut report = SyncReport::new(scope, st, "up-to-date", version);
        match plan::pull_action(st, resolution) {
            PullAction::Nothing => report.action = "local-ahead",
            PullAction::Record => self.record_base(
                &config.name,
                scope,
                Base {
                    version,
                    digest: rdigest,
                },
                None,
            )?,
            PullAction::KeepOurs => {
                report.action = "kept-ours";
                let event = Event::new(EventKind::Pull)
                    .scope(scope)
                    .detail(format!("kept local over {} version {version}", config.name));
                self.record_base(
                    &config.name,
                    scope,
                    Base {
                        version,
                        digest: rdigest,
                    },
                    Some(event),
                )?;
            }
            PullAction::Refuse => {
                let fix = format!(
                    "you have changes not pushed: push them after `devvault pull {scope} --ours`, or take the remote's with `devvault pull {scope} --theirs` (your values stay in history)"
                );
                let ours = local.as_deref().unwrap_or(&[]);
                return Err(conflict(&config, scope, st, ours, Some(&theirs), fix));
            }
            PullAction::Apply => {
                let preview = PullPreview::between(local.as_deref().unwrap_or(&[]), &theirs);
                if !preview.is_empty() && !gate(scope, &preview)? {
                    report.action = "declined";
                    return Ok(report);
                }
                report.action = "pulled";
                self.apply(
                    &config.name,
                    scope,
                    &theirs,
                    Base {
                        version,
                        digest: rdigest,
                    },
                    ldigest,
                    &mut report,
                )?;
            }
        }
        Ok(report)
    }

    /// Writes the remote's entries into the scope in one transaction, if the local content
    /// is still what the decision saw (`expect`).
    fn apply(
        &mut self,
        remote: &str,
        scope: &Scope,
        theirs: &[Entry],
        base: Base,
        expect: Option<plan::Digest>,
        report: &mut SyncReport,
    ) -> Result<()> {
        let keys = &self.keys;
        self.store.write(|tx| {
            let mut edit = Edit::begin(tx, keys, scope, true, now())?;
            let ours = entries_of(keys, &edit.secrets)?;
            if expect.is_some_and(|d| d != plan::digest(&pairs(&ours))) {
                return Err(Error::Conflict {
                    what: format!("{scope} changed here while it was being pulled"),
                    fix: format!("run `devvault pull {scope}` again"),
                });
            }
            for e in theirs {
                let origin = origin_of(remote, base.version, &e.meta);
                match edit.put(&e.key, &e.value, &origin)?.0 {
                    super::Outcome::Added => report.added.push(e.key.to_string()),
                    super::Outcome::Changed => report.changed.push(e.key.to_string()),
                    super::Outcome::Unchanged => {}
                }
            }
            for o in ours
                .iter()
                .filter(|o| !theirs.iter().any(|t| t.key == o.key))
            {
                edit.remove(&o.key)?;
                report.removed.push(o.key.to_string());
            }
            let mut remotes = Remotes::load(tx, keys, &edit.snap.header)?;
            remotes.set_base(&mut edit.snap.header, remote, scope, base);
            edit.encryptions += remotes.save(tx, keys, &mut edit.snap.header)?;
            let detail = format!(
                "{remote} version {}: {} added, {} changed, {} removed",
                base.version,
                report.added.len(),
                report.changed.len(),
                report.removed.len()
            );
            edit.record(&Event::new(EventKind::Pull).scope(scope).detail(detail))?;
            edit.finish()
        })
    }
}

/// A pushed entry as a line of the exposure ledger.
fn exposed_of(scope: &Scope, e: &Entry) -> Exposed {
    Exposed {
        scope: scope.to_string(),
        key: e.key.to_string(),
        version: e.meta.version,
    }
}

/// How a pulled value is recorded: a rotation stays a rotation with its date and note; a
/// value without devvault metadata (written by another tool, or changed by one since
/// devvault wrote it) is a change made outside devvault.
fn origin_of(remote: &str, version: u64, meta: &KeyMeta) -> Origin {
    if *meta == KeyMeta::default() {
        let mut origin = Origin::of(Change::Pull);
        origin.note = Some(format!(
            "changed outside devvault: remote `{remote}` version {version}"
        ));
        return origin;
    }
    Origin {
        change: if meta.change == Some(Change::Rotate) {
            Change::Rotate
        } else {
            Change::Pull
        },
        from: None,
        note: meta.note.clone(),
        url: meta.url.clone(),
        rotated_at: meta.rotated_at,
    }
}
