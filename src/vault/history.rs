//! Rotation and version history: `rotate` writes a new version of an existing key (the old
//! one kept), `history` lists versions without decrypting a value, `history_value` reveals
//! one (and records it), `rollback` restores an old value as a new version, and `purge`
//! forgets a key with its whole history. Each runs in one transaction with its audit entry.

use super::edit::{Edit, Origin, Outcome};
use super::versions::Version;
use super::{Vault, audit, now};
use crate::audit::{Event, EventKind};
use crate::error::{Error, Result};
use crate::model::{KeyName, Scope};
use crate::rotation::{Change, Rotation, VersionInfo};
use crate::secret::SecretValue;

fn check_text(what: &str, text: Option<&str>) -> Result<()> {
    text.map_or(Ok(()), |t| crate::text::check(what, t))
}

impl Vault {
    /// Rotates an existing key: `value` becomes its next version, the old value stays in
    /// history. Returns the new version. A missing key is [`Error::NotFound`] with the
    /// closest key suggested; the current value again is [`Error::InvalidInput`].
    pub fn rotate(
        &mut self,
        scope: &Scope,
        key: &KeyName,
        value: &SecretValue,
        note: Option<&str>,
    ) -> Result<u64> {
        let options = Rotation {
            note: note.map(str::to_string),
            url: None,
        };
        self.rotate_with(scope, key, value, &options)
    }

    /// [`Vault::rotate`] with a note and a provider URL (kept for later versions).
    pub fn rotate_with(
        &mut self,
        scope: &Scope,
        key: &KeyName,
        value: &SecretValue,
        options: &Rotation,
    ) -> Result<u64> {
        check_text("note", options.note.as_deref())?;
        check_text("URL", options.url.as_deref())?;
        let keys = &self.keys;
        self.store.write(|tx| {
            let mut edit = Edit::begin(tx, keys, scope, false, now())?;
            if edit.find(key)?.is_none() {
                return Err(edit.key_not_found(key)?);
            }
            let origin = Origin {
                note: options.note.clone(),
                url: options.url.clone(),
                ..Origin::of(Change::Rotate)
            };
            let (outcome, version) = edit.put(key, value, &origin)?;
            if outcome == Outcome::Unchanged {
                return Err(Error::invalid(
                    format!("the new value of `{key}` is its current value (version {version})"),
                    "a rotation needs a new value: pipe in the new key or use --generate",
                ));
            }
            edit.record(&rotation_event(EventKind::Rotate, scope, key, version))?;
            edit.finish()?;
            Ok(u64::from(version))
        })
    }

    /// Sets (or with `None` clears) the provider URL of a key: where it is issued and the
    /// old value revoked. No new version is made.
    pub fn set_provider_url(
        &mut self,
        scope: &Scope,
        key: &KeyName,
        url: Option<&str>,
    ) -> Result<()> {
        check_text("URL", url)?;
        let keys = &self.keys;
        self.store.write(|tx| {
            let mut edit = Edit::begin(tx, keys, scope, false, now())?;
            edit.set_url(key, url)?;
            edit.finish()
        })
    }

    /// The versions of a key, oldest first, without their values; a key removed by `rm`
    /// still has its history. A key with no version is [`Error::NotFound`].
    pub fn history(&mut self, scope: &Scope, key: &KeyName) -> Result<Vec<VersionInfo>> {
        let keys = &self.keys;
        self.store.read(|tx| {
            let mut edit = Edit::begin(tx, keys, scope, false, now())?;
            Ok(edit.require_versions(key)?.iter().map(info).collect())
        })
    }

    /// The value of one version (recorded in the audit log as a reveal). A missing version
    /// is [`Error::NotFound`] listing the versions there are.
    pub fn history_value(
        &mut self,
        scope: &Scope,
        key: &KeyName,
        version: u64,
    ) -> Result<SecretValue> {
        let keys = &self.keys;
        self.store.write_relaxed(|tx| {
            let mut edit = Edit::begin(tx, keys, scope, false, now())?;
            let versions = edit.require_versions(key)?;
            let v = pick(&versions, scope, key, version)?;
            let value = edit.value_at(v.slot)?;
            let event = Event::new(EventKind::Reveal).scope(scope).key(key);
            audit::record(
                tx,
                keys,
                &mut edit.snap.header,
                &event.detail(format!("version {version}")),
            )?;
            Ok(value)
        })
    }

    /// Restores the value of `version` as a new version (a removed key comes back) and
    /// returns the key's version afterwards (unchanged when that value is already
    /// current). A missing version is [`Error::NotFound`] listing the versions there are.
    pub fn rollback(&mut self, scope: &Scope, key: &KeyName, version: u64) -> Result<u64> {
        let keys = &self.keys;
        self.store.write(|tx| {
            let mut edit = Edit::begin(tx, keys, scope, false, now())?;
            let versions = edit.require_versions(key)?;
            let v = pick(&versions, scope, key, version)?;
            let value = edit.value_at(v.slot)?;
            let origin = Origin {
                from: Some(v.meta.version),
                ..Origin::of(Change::Rollback)
            };
            let (outcome, now_at) = edit.put(key, &value, &origin)?;
            if outcome != Outcome::Unchanged {
                let event = rotation_event(EventKind::Rollback, scope, key, now_at);
                edit.record(&event.detail(format!("version {now_at} from version {version}")))?;
                edit.finish()?;
            }
            Ok(u64::from(now_at))
        })
    }

    /// Removes a key and its whole history (and its policy); returns how many versions
    /// were deleted. A key with no version is [`Error::NotFound`].
    pub fn purge(&mut self, scope: &Scope, key: &KeyName) -> Result<usize> {
        let keys = &self.keys;
        self.store.write(|tx| {
            let mut edit = Edit::begin(tx, keys, scope, false, now())?;
            let n = edit.purge(key)?;
            super::policy::put(&mut edit, Some(key), None)?;
            let event = Event::new(EventKind::Purge).scope(scope).key(key);
            edit.record(&event.detail(format!("{n} versions")))?;
            edit.finish()?;
            Ok(n)
        })
    }
}

fn rotation_event(kind: EventKind, scope: &Scope, key: &KeyName, version: u32) -> Event {
    Event::new(kind)
        .scope(scope)
        .key(key)
        .detail(format!("version {version}"))
}

fn pick<'v>(
    versions: &'v [Version],
    scope: &Scope,
    key: &KeyName,
    want: u64,
) -> Result<&'v Version> {
    versions
        .iter()
        .find(|v| u64::from(v.meta.version) == want)
        .ok_or_else(|| {
            let list: Vec<u32> = versions.iter().map(|v| v.meta.version).collect();
            Error::NotFound {
                what: format!(
                    "`{key}` in {scope} has versions {}; version {want}",
                    ranges(&list)
                ),
                suggestion: None,
            }
        })
}

/// Sorted version numbers as runs: `1-3, 5, 7-9`.
fn ranges(sorted: &[u32]) -> String {
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for &v in sorted {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == v => *end = v,
            _ => runs.push((v, v)),
        }
    }
    let text: Vec<String> = runs
        .iter()
        .map(|&(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            }
        })
        .collect();
    text.join(", ")
}

fn info(v: &Version) -> VersionInfo {
    VersionInfo {
        version: v.meta.version,
        created: v.meta.updated,
        change: v.meta.change.unwrap_or(Change::Set),
        restored_from: v.meta.from,
        note: v.meta.note.clone(),
        current: matches!(v.slot, super::versions::Slot::Current(_)),
        removed_at: v.meta.removed,
    }
}
