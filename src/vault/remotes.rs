//! Team remotes in the vault: each remote's settings and, per (remote, scope), the KV
//! version last synced and a digest of the scope's content then. Each is a sealed row of
//! the `remotes` table (associated data: vault id and row id) whose MAC over all rows lives
//! in the header, so a row added, removed, edited or rolled back is detected. No token is
//! ever stored here. `remote add`, `remote rm`, `remote ls` and `remote status` are below;
//! push and pull in `push_pull.rs`.

use super::keys::{Field, Keys, Place};
use super::{Vault, audit, state};
use crate::audit::{Event, EventKind};
use crate::error::{Error, Result};
use crate::kv::client::{Client, is_bad_entry, state_of};
use crate::kv::payload::pairs;
use crate::kv::plan::Base;
use crate::kv::plan::{self, ScopeStatus, State};
use crate::kv::{Access, RemoteConfig};
use crate::model::Scope;
use crate::store::{Header, Sealed, SealedRow, Tx};
use serde::{Deserialize, Serialize};

/// A remote row's sealed body.
#[derive(Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum Body {
    /// A remote's settings.
    Remote(RemoteConfig),
    /// What was last synced between one scope and one remote.
    Sync {
        remote: String,
        scope: String,
        version: u64,
        digest: String,
    },
}

/// Every remote row of the vault, verified against the header, ready to change.
pub(super) struct Remotes {
    rows: Vec<(i64, Body)>,
    dirty: Vec<i64>,
    gone: Vec<i64>,
}

/// A 32-byte digest from the lowercase hex it is stored as, or None.
fn unhex(s: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    match base16ct::lower::decode(s, &mut out) {
        Ok(d) if d.len() == 32 => Some(out),
        _ => None,
    }
}

impl Remotes {
    /// Loads every remote row and checks it against the header's MAC and its own seal.
    pub(super) fn load(tx: &Tx<'_>, keys: &Keys, h: &Header) -> Result<Remotes> {
        let rows = tx.sealed_rows(Sealed::Remotes)?;
        let ok = match &h.remotes_mac {
            None => rows.is_empty(),
            Some(mac) => crate::crypto::mac_eq(&keys.sealed_mac(Sealed::Remotes, &rows), mac),
        };
        if !ok {
            return Err(Error::integrity(
                "the remotes and their sync states do not match their MAC (a row was added, removed, changed or rolled back)",
            ));
        }
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let raw = keys.open(Place::Remote(row.id), Field::Meta, &row.body)?;
            let body: Body = serde_json::from_slice(&raw)
                .map_err(|_| Error::integrity("a remote's settings or sync state are malformed"))?;
            out.push((row.id, body));
        }
        Ok(Remotes {
            rows: out,
            dirty: Vec::new(),
            gone: Vec::new(),
        })
    }

    /// Every remote's settings, by name.
    pub(super) fn configs(&self) -> Vec<RemoteConfig> {
        let mut out: Vec<RemoteConfig> = self
            .rows
            .iter()
            .filter_map(|(_, b)| match b {
                Body::Remote(c) => Some(c.clone()),
                Body::Sync { .. } => None,
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }

    /// The remote named `name`, or the only one when `name` is None.
    pub(super) fn config(&self, name: Option<&str>) -> Result<RemoteConfig> {
        let all = self.configs();
        let names: Vec<&str> = all.iter().map(|c| c.name.as_str()).collect();
        match name {
            Some(n) => all.iter().find(|c| c.name == n).cloned().ok_or_else(|| {
                Error::not_found(format!("remote `{n}`"), n, names.iter().copied())
            }),
            None => match &all[..] {
                [one] => Ok(one.clone()),
                [] => Err(Error::NotFound {
                    what: "a remote (run `devvault remote add NAME URL --mount secret --prefix devvault`)".into(),
                    suggestion: None,
                }),
                _ => Err(Error::invalid(
                    format!("several remotes are configured ({})", names.join(", ")),
                    "choose one with --remote NAME",
                )),
            },
        }
    }

    /// The scopes synced with `remote` whose last sync saw content (an entry erased on the
    /// server since no longer shows in its listing).
    fn synced_scopes(&self, remote: &str) -> Vec<String> {
        self.rows
            .iter()
            .filter_map(|(_, b)| match b {
                Body::Sync {
                    remote: r,
                    scope,
                    version,
                    ..
                } if r == remote && *version > 0 => Some(scope.clone()),
                _ => None,
            })
            .collect()
    }

    /// What was last synced between `scope` and `remote`.
    pub(super) fn base(&self, remote: &str, scope: &Scope) -> Option<Base> {
        let want = scope.to_string();
        self.rows.iter().find_map(|(_, b)| match b {
            Body::Sync {
                remote: r,
                scope: s,
                version,
                digest,
            } if r == remote && *s == want => unhex(digest).map(|digest| Base {
                version: *version,
                digest,
            }),
            _ => None,
        })
    }

    fn upsert(&mut self, h: &mut Header, body: Body, same: impl Fn(&Body) -> bool) {
        let id = match self.rows.iter_mut().find(|(_, b)| same(b)) {
            Some((id, b)) => {
                *b = body;
                *id
            }
            None => {
                let id = h.next_record;
                h.next_record += 1;
                self.rows.push((id, body));
                id
            }
        };
        self.dirty.push(id);
    }

    /// Adds or replaces a remote's settings.
    pub(super) fn put_config(&mut self, h: &mut Header, config: RemoteConfig) {
        let name = config.name.clone();
        self.upsert(
            h,
            Body::Remote(config),
            |b| matches!(b, Body::Remote(c) if c.name == name),
        );
    }

    /// Remembers what was synced between `scope` and `remote`.
    pub(super) fn set_base(&mut self, h: &mut Header, remote: &str, scope: &Scope, base: Base) {
        let want = scope.to_string();
        let body = Body::Sync {
            remote: remote.to_string(),
            scope: want.clone(),
            version: base.version,
            digest: base16ct::lower::encode_string(&base.digest),
        };
        self.upsert(
            h,
            body,
            |b| matches!(b, Body::Sync { remote: r, scope: s, .. } if r == remote && *s == want),
        );
    }

    /// Removes a remote with its sync states; false when there is no such remote.
    pub(super) fn remove(&mut self, name: &str) -> bool {
        let before = self.rows.len();
        let (gone, kept): (Vec<_>, Vec<_>) = self.rows.drain(..).partition(|(_, b)| match b {
            Body::Remote(c) => c.name == name,
            Body::Sync { remote, .. } => remote == name,
        });
        self.rows = kept;
        self.gone.extend(gone.iter().map(|(id, _)| *id));
        self.rows.len() != before
    }

    /// Writes the changed rows and the header's MAC over all rows; returns how many
    /// encryptions were made. The caller writes the header.
    pub(super) fn save(&self, tx: &Tx<'_>, keys: &Keys, h: &mut Header) -> Result<i64> {
        for id in &self.gone {
            tx.delete_sealed(Sealed::Remotes, *id)?;
        }
        let mut sealed = 0;
        let mut rows = Vec::with_capacity(self.rows.len());
        for (id, body) in &self.rows {
            let row = if self.dirty.contains(id) {
                let json = serde_json::to_vec(body).map_err(|_| {
                    Error::invalid("a remote's settings", "they could not be encoded")
                })?;
                let row = SealedRow {
                    id: *id,
                    body: keys.seal(Place::Remote(*id), Field::Meta, &json)?,
                };
                tx.put_sealed(Sealed::Remotes, &row)?;
                sealed += 1;
                row
            } else {
                SealedRow {
                    id: *id,
                    body: Vec::new(),
                }
            };
            rows.push(row);
        }
        // Unchanged rows: their stored bodies, for the MAC.
        let stored = tx.sealed_rows(Sealed::Remotes)?;
        for r in rows.iter_mut().filter(|r| r.body.is_empty()) {
            if let Some(s) = stored.iter().find(|s| s.id == r.id) {
                r.body = s.body.clone();
            }
        }
        rows.sort_by_key(|r| r.id);
        h.remotes_mac = Some(keys.sealed_mac(Sealed::Remotes, &rows));
        Ok(sealed)
    }
}

impl Vault {
    /// Runs `f` on the verified remotes in a write transaction, saves them, records
    /// `event` and writes the header.
    fn change_remotes<T>(
        &mut self,
        event: Event,
        f: impl FnOnce(&mut Remotes, &mut Header) -> Result<T>,
    ) -> Result<T> {
        let keys = &self.keys;
        self.store.write(|tx| {
            let mut h = state::header(tx, keys)?;
            let mut remotes = Remotes::load(tx, keys, &h)?;
            let out = f(&mut remotes, &mut h)?;
            h.encryptions += remotes.save(tx, keys, &mut h)?;
            audit::record(tx, keys, &mut h, &event)?;
            h.scopes_mac = keys.header_mac(&h);
            tx.put_header(&h)?;
            Ok(out)
        })
    }

    /// Adds a remote (or replaces the settings of one with the same name).
    pub fn add_remote(&mut self, config: &RemoteConfig) -> Result<()> {
        let event =
            Event::new(EventKind::Remote).detail(format!("added {} ({})", config.name, config.url));
        self.change_remotes(event, |r, h| {
            r.put_config(h, config.clone());
            Ok(())
        })
    }

    /// Removes a remote and what was synced with it. A missing remote is
    /// [`Error::NotFound`].
    pub fn remove_remote(&mut self, name: &str) -> Result<()> {
        let event = Event::new(EventKind::Remote).detail(format!("removed {name}"));
        self.change_remotes(event, |r, _| {
            r.config(Some(name))?;
            r.remove(name);
            Ok(())
        })
    }

    /// Every remote's settings, by name.
    pub fn remotes(&mut self) -> Result<Vec<RemoteConfig>> {
        let keys = &self.keys;
        self.store
            .read(|tx| Ok(Remotes::load(tx, keys, &state::header(tx, keys)?)?.configs()))
    }

    /// Checks that `access` opens the remote (`auth/token/lookup-self`) and returns its
    /// settings.
    pub fn check_remote_access(
        &mut self,
        remote: Option<&str>,
        access: &Access,
    ) -> Result<RemoteConfig> {
        let config = self.remote(remote)?;
        Client::new(&config, access)?.check_token()?;
        Ok(config)
    }

    /// The remote named `name`, or the only one configured when `name` is None.
    pub fn remote(&mut self, name: Option<&str>) -> Result<RemoteConfig> {
        let keys = &self.keys;
        self.store
            .read(|tx| Remotes::load(tx, keys, &state::header(tx, keys)?)?.config(name))
    }

    /// Every scope stored under the remote's prefix (`pull --all`) and every scope synced
    /// with it before (so an entry erased on the server is reported, not forgotten), and
    /// the paths under the prefix left out because they are not scopes (nested deeper, or
    /// not project/env names).
    pub fn remote_scopes(
        &mut self,
        remote: Option<&str>,
        access: &Access,
    ) -> Result<(Vec<Scope>, Vec<String>)> {
        let config = self.remote(remote)?;
        let listing = Client::connect(&config, access)?.scopes()?;
        let keys = &self.keys;
        let synced = self.store.read(|tx| {
            Ok(Remotes::load(tx, keys, &state::header(tx, keys)?)?.synced_scopes(&config.name))
        })?;
        let mut scopes = listing
            .scopes
            .iter()
            .map(|s| Scope::parse(s))
            .chain(synced.iter().map(|s| Scope::parse_stored(s)))
            .collect::<Result<Vec<_>>>()?;
        scopes.sort();
        scopes.dedup();
        Ok((scopes, listing.skipped))
    }

    /// Where every scope known here or on the remote stands. An entry that cannot be read
    /// (a field that is not a key name) is reported `unreadable` with the reason, and the
    /// others still are.
    pub fn remote_status(
        &mut self,
        remote: Option<&str>,
        access: &Access,
    ) -> Result<Vec<ScopeStatus>> {
        let config = self.remote(remote)?;
        let client = Client::connect(&config, access)?;
        let mut scopes: Vec<Scope> = client
            .scopes()?
            .scopes
            .iter()
            .map(|s| Scope::parse(s))
            .collect::<Result<_>>()?;
        for p in self.projects()? {
            for e in p.environments {
                scopes.push(Scope::parse_stored(&format!("{}/{}", p.project, e.name))?);
            }
        }
        scopes.sort();
        scopes.dedup();
        let mut out = Vec::with_capacity(scopes.len());
        for scope in scopes {
            let (_, base, local) = self.sync_start(Some(&config.name), &scope)?;
            let synced_version = base.map(|b| b.version);
            let fetched = match client.read(&config.path(&scope)) {
                Ok(f) => f,
                Err(e) if is_bad_entry(&e) => {
                    out.push(ScopeStatus {
                        scope: scope.to_string(),
                        state: State::Unreadable,
                        remote_version: 0,
                        synced_version,
                        problem: Some(e.to_string()),
                    });
                    continue;
                }
                Err(e) => return Err(e),
            };
            let ldigest = local.map(|l| plan::digest(&pairs(&l)));
            out.push(ScopeStatus {
                scope: scope.to_string(),
                state: state_of(base.as_ref(), ldigest, fetched.as_ref()),
                remote_version: fetched.as_ref().map_or(0, |r| r.version),
                synced_version,
                problem: None,
            });
        }
        Ok(out)
    }
}
