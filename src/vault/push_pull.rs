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
pub use pull::PullPreview;

mod gone;
mod pull;

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
}

/// A pushed entry as a line of the exposure ledger.
fn exposed_of(scope: &Scope, e: &Entry) -> Exposed {
    Exposed {
        scope: scope.to_string(),
        key: e.key.to_string(),
        version: e.meta.version,
    }
}
