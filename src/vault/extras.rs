//! The vault's own sealed records beside the secrets (`extras`, schema 3): its age X25519
//! identity, made on first use, the list of places where `export -o` wrote plaintext, and
//! the keys marked not secret (left alone by the leak scan); also its signing key, trusted
//! senders and env allowances (kept by [`super::trust`]).
//! Every row is sealed for its id, and all of them are under one MAC kept in the header,
//! so a row added, removed, swapped or rolled back is an integrity error.

use super::keys::{Field, Keys, Place};
use super::{Vault, audit, now, state};
use crate::audit::{Event, EventKind};
use crate::error::{Error, Result};
use crate::model::{KeyName, Scope};
use crate::store::{Header, Sealed, SealedRow, Tx};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// Where `export -o` wrote a plaintext copy of a scope, and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportRecord {
    /// The absolute path written.
    pub path: PathBuf,
    /// When (Unix seconds).
    pub at: i64,
    /// The scope exported (`project/env`).
    pub scope: String,
}

/// The vault's settings (`C` rows; the last one holds).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Settings {
    /// Refuse reads that cannot be audited (a read-only vault, a full disk).
    #[serde(default)]
    strict_audit: bool,
    /// The scope the TUI showed last (`project/env`), where it opens next time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_scope: Option<String>,
}

/// A key marked as not secret (`devvault mark --not-secret`): the leak scan leaves its value
/// alone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotSecret {
    /// The scope (`project/env`).
    pub scope: String,
    /// The key.
    pub key: String,
}

/// A decoded extra record. The first byte of a body says which: `I` identity, `E` export,
/// `S` signing key, `T` trusted sender, `A` env allowance of a scope, `N` a key marked not
/// secret, `C` settings, `H` the environment an environment inherits, `G` what coding
/// agents may do with a scope, `X` an exposure ledger record, `O` an offboarding's state.
pub(super) enum Extra {
    Identity(SecretString),
    Export(ExportRecord),
    Signing(Zeroizing<Vec<u8>>),
    /// A [`super::trust::TrustedSender`] as JSON (parsed there: no import cycle).
    Trust(Vec<u8>),
    /// A [`super::allowance::EnvAllowance`] as JSON.
    Allow(Vec<u8>),
    /// A key marked not secret.
    NotSecret(NotSecret),
    /// The vault's settings (the last `C` row holds).
    Settings(Settings),
    /// An environment's parent (`H`), as JSON (parsed in [`super::inherit`]).
    Inherit(Vec<u8>),
    /// A link file allowed for the shell hook (`L`), as JSON (parsed in `hook_trust`).
    HookTrust(Vec<u8>),
    /// A [`super::agent::AgentPolicy`] as JSON.
    Agent(Vec<u8>),
    /// An exposure ledger record (`X`), as JSON (parsed in [`super::exposure`]).
    Exposure(Vec<u8>),
    /// An offboarding's plan and progress (`O`), as JSON (parsed in [`super::offboard`]).
    Offboard(Vec<u8>),
}

/// The `strict-audit` setting: the last settings row's, off when there is none.
pub(super) fn strict_audit(tx: &Tx<'_>, keys: &Keys, h: &Header) -> Result<bool> {
    Ok(settings(tx, keys, h)?.strict_audit)
}

/// The settings: the last settings row's, the defaults when there is none.
pub(super) fn settings(tx: &Tx<'_>, keys: &Keys, h: &Header) -> Result<Settings> {
    Ok(load(tx, keys, h)?
        .into_iter()
        .filter_map(|(_, x)| match x {
            Extra::Settings(s) => Some(s),
            _ => None,
        })
        .next_back()
        .unwrap_or_default())
}

/// Replaces the settings row with `change(settings)`, recording `event`.
fn update_settings(
    tx: &Tx<'_>,
    keys: &Keys,
    edit: impl FnOnce(&mut Settings),
    event: &Event,
) -> Result<()> {
    let mut h = state::header(tx, keys)?;
    let mut settings = settings(tx, keys, &h)?;
    edit(&mut settings);
    let mut plain = b"C".to_vec();
    plain.extend(
        serde_json::to_vec(&settings)
            .map_err(|_| Error::invalid("a setting", "it could not be encoded"))?,
    );
    // The new settings row replaces the old ones.
    let old: Vec<i64> = load(tx, keys, &h)?
        .into_iter()
        .filter_map(|(row, x)| matches!(x, Extra::Settings(_)).then_some(row.id))
        .collect();
    change(tx, keys, &mut h, &old, Some(&plain), event)
}

/// Loads every extra row, checks the header's MAC over them and opens each one.
pub(super) fn load(tx: &Tx<'_>, keys: &Keys, h: &Header) -> Result<Vec<(SealedRow, Extra)>> {
    let rows = tx.sealed_rows(Sealed::Extras)?;
    let ok = match &h.extras_mac {
        None => rows.is_empty(),
        Some(mac) => crate::crypto::mac_eq(&keys.sealed_mac(Sealed::Extras, &rows), mac),
    };
    if !ok {
        return Err(Error::integrity(
            "the vault's identity and export records do not match their MAC (a record was added, removed or changed)",
        ));
    }
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let raw = keys.open(Place::Extra(row.id), Field::Value, &row.body)?;
        let bad = || Error::integrity("a vault record is malformed");
        let extra = match raw.split_first() {
            Some((b'I', rest)) => {
                let s = std::str::from_utf8(rest).map_err(|_| bad())?;
                Extra::Identity(SecretString::from(s.to_string()))
            }
            Some((b'E', rest)) => Extra::Export(serde_json::from_slice(rest).map_err(|_| bad())?),
            Some((b'S', rest)) => Extra::Signing(Zeroizing::new(rest.to_vec())),
            Some((b'T', rest)) => Extra::Trust(rest.to_vec()),
            Some((b'A', rest)) => Extra::Allow(rest.to_vec()),
            Some((b'N', rest)) => {
                Extra::NotSecret(serde_json::from_slice(rest).map_err(|_| bad())?)
            }
            Some((b'C', rest)) => Extra::Settings(serde_json::from_slice(rest).map_err(|_| bad())?),
            Some((b'H', rest)) => Extra::Inherit(rest.to_vec()),
            Some((b'L', rest)) => Extra::HookTrust(rest.to_vec()),
            Some((b'G', rest)) => Extra::Agent(rest.to_vec()),
            Some((b'X', rest)) => Extra::Exposure(rest.to_vec()),
            Some((b'O', rest)) => Extra::Offboard(rest.to_vec()),
            _ => return Err(bad()),
        };
        out.push((row, extra));
    }
    Ok(out)
}

/// Adds one sealed row, moves the extras MAC, appends `event` and writes the header.
fn add(tx: &Tx<'_>, keys: &Keys, h: &mut Header, plain: &[u8], event: &Event) -> Result<()> {
    change(tx, keys, h, &[], Some(plain), event)
}

/// Removes the rows `remove`, adds one sealed row of `plain` (if any), moves the extras
/// MAC, appends `event` and writes the header.
pub(super) fn change(
    tx: &Tx<'_>,
    keys: &Keys,
    h: &mut Header,
    remove: &[i64],
    plain: Option<&[u8]>,
    event: &Event,
) -> Result<()> {
    for id in remove {
        tx.delete_sealed(Sealed::Extras, *id)?;
    }
    let mut rows = tx.sealed_rows(Sealed::Extras)?;
    if let Some(plain) = plain {
        let id = h.next_record;
        h.next_record += 1;
        let row = SealedRow {
            id,
            body: keys.seal(Place::Extra(id), Field::Value, plain)?,
        };
        tx.put_sealed(Sealed::Extras, &row)?;
        rows.push(row);
        h.encryptions += 1;
    }
    h.extras_mac = Some(keys.sealed_mac(Sealed::Extras, &rows));
    audit::append_with_pending(tx, keys, h, event, now())?;
    h.scopes_mac = keys.header_mac(h);
    tx.put_header(h)
}

impl Vault {
    /// The vault's own age X25519 identity, created (and sealed in the vault) on first use.
    pub fn age_identity(&mut self) -> Result<age::x25519::Identity> {
        let keys = &self.keys;
        let found = self.store.read(|tx| {
            let h = state::header(tx, keys)?;
            Ok(load(tx, keys, &h)?.into_iter().find_map(|(_, x)| match x {
                Extra::Identity(s) => Some(s),
                _ => None,
            }))
        })?;
        let secret = match found {
            Some(s) => s,
            None => self.store.write(|tx| {
                let mut h = state::header(tx, keys)?;
                let existing = load(tx, keys, &h)?;
                if let Some(s) = existing.into_iter().find_map(|(_, x)| match x {
                    Extra::Identity(s) => Some(s),
                    _ => None,
                }) {
                    return Ok(s);
                }
                let id = age::x25519::Identity::generate();
                let s = id.to_string();
                let mut plain = Zeroizing::new(b"I".to_vec());
                plain.extend_from_slice(s.expose_secret().as_bytes());
                let event = Event::new(EventKind::Identity).detail("age X25519 identity created");
                add(tx, keys, &mut h, &plain, &event)?;
                Ok(SecretString::from(s.expose_secret().to_string()))
            })?,
        };
        secret
            .expose_secret()
            .parse()
            .map_err(|_| Error::integrity("the vault's age identity is malformed"))
    }

    /// Turns the `strict-audit` setting on or off (recorded in the audit log).
    pub fn set_strict_audit(&mut self, on: bool) -> Result<()> {
        let keys = &self.keys;
        self.store.write(|tx| {
            let word = if on { "on" } else { "off" };
            let event = Event::new(EventKind::Setting).detail(format!("strict-audit {word}"));
            update_settings(tx, keys, |s| s.strict_audit = on, &event)
        })
    }

    /// The scope a front end showed last ([`Vault::set_last_scope`]), if it still parses.
    pub fn last_scope(&mut self) -> Result<Option<Scope>> {
        let keys = &self.keys;
        let name = self.store.read(|tx| {
            let h = state::header(tx, keys)?;
            Ok(settings(tx, keys, &h)?.last_scope)
        })?;
        Ok(name.and_then(|n| Scope::parse(&n).ok()))
    }

    /// Remembers the scope a front end shows, sealed in the vault; nothing is written when
    /// it is already the one remembered.
    pub fn set_last_scope(&mut self, scope: &Scope) -> Result<()> {
        if self.last_scope()?.as_ref() == Some(scope) {
            return Ok(());
        }
        let keys = &self.keys;
        let name = scope.to_string();
        self.store.write(|tx| {
            let event = Event::new(EventKind::Setting).detail("last scope shown");
            update_settings(tx, keys, |s| s.last_scope = Some(name), &event)
        })
    }

    /// The vault's age recipient (`age1...`), to give to teammates who share with you.
    pub fn age_recipient(&mut self) -> Result<String> {
        Ok(self.age_identity()?.to_public().to_string())
    }

    /// Records that a plaintext copy of `scope` was written to `path` (made absolute).
    pub fn record_export(&mut self, path: &Path, scope: &Scope) -> Result<()> {
        let path = std::path::absolute(path)
            .map_err(|e| Error::io(format!("cannot resolve {}", path.display()), e))?;
        let rec = ExportRecord {
            path,
            at: now(),
            scope: scope.to_string(),
        };
        let mut plain = b"E".to_vec();
        plain.extend(
            serde_json::to_vec(&rec)
                .map_err(|_| Error::invalid("an export record", "it could not be encoded"))?,
        );
        let keys = &self.keys;
        self.store.write(|tx| {
            let mut h = state::header(tx, keys)?;
            load(tx, keys, &h)?;
            let event = Event::new(EventKind::Export)
                .scope(scope)
                .detail(format!("plaintext written to {}", rec.path.display()));
            add(tx, keys, &mut h, &plain, &event)
        })
    }

    /// Every recorded plaintext export, oldest first.
    pub fn exports(&mut self) -> Result<Vec<ExportRecord>> {
        let keys = &self.keys;
        self.store.read(|tx| {
            let h = state::header(tx, keys)?;
            Ok(load(tx, keys, &h)?
                .into_iter()
                .filter_map(|(_, x)| match x {
                    Extra::Export(e) => Some(e),
                    _ => None,
                })
                .collect())
        })
    }

    /// The keys marked not secret, by scope and key.
    pub fn not_secret_keys(&mut self) -> Result<Vec<NotSecret>> {
        let keys = &self.keys;
        self.store.read(|tx| {
            let h = state::header(tx, keys)?;
            Ok(load(tx, keys, &h)?
                .into_iter()
                .filter_map(|(_, x)| match x {
                    Extra::NotSecret(n) => Some(n),
                    _ => None,
                })
                .collect())
        })
    }

    /// Marks `key` of `scope` (which must exist) as not secret, or with `false` as secret
    /// again; the leak scan leaves a not-secret value alone. Audited.
    pub fn mark_not_secret(
        &mut self,
        scope: &Scope,
        key: &KeyName,
        not_secret: bool,
    ) -> Result<()> {
        let names: Vec<String> = self
            .list(scope)?
            .into_iter()
            .map(|m| m.key.to_string())
            .collect();
        if !names.iter().any(|n| n == key.as_str()) {
            return Err(Error::not_found(
                format!("key `{key}` in {scope}"),
                key.as_str(),
                names.iter().map(String::as_str),
            ));
        }
        let mark = NotSecret {
            scope: scope.to_string(),
            key: key.to_string(),
        };
        let keys = &self.keys;
        self.store.write(|tx| {
            let mut h = state::header(tx, keys)?;
            let existing = load(tx, keys, &h)?;
            let found = existing.iter().find_map(|(row, x)| match x {
                Extra::NotSecret(n) if *n == mark => Some(row.id),
                _ => None,
            });
            let detail = if not_secret {
                "marked not secret"
            } else {
                "marked secret"
            };
            let event = Event::new(EventKind::Policy)
                .scope(scope)
                .key(key)
                .detail(detail);
            match (found, not_secret) {
                (None, true) => {
                    let mut plain = b"N".to_vec();
                    plain.extend(serde_json::to_vec(&mark).map_err(|_| {
                        Error::invalid("a not-secret mark", "it could not be encoded")
                    })?);
                    add(tx, keys, &mut h, &plain, &event)
                }
                (Some(id), false) => {
                    tx.delete_sealed(Sealed::Extras, id)?;
                    let rows = tx.sealed_rows(Sealed::Extras)?;
                    h.extras_mac = Some(keys.sealed_mac(Sealed::Extras, &rows));
                    audit::append_with_pending(tx, keys, &mut h, &event, now())?;
                    h.scopes_mac = keys.header_mac(&h);
                    tx.put_header(&h)
                }
                _ => Ok(()),
            }
        })
    }
}
