//! The sync decision, as pure functions: from what was last synced (a [`Base`]: the KV
//! version and a digest of the scope's content then), the local content now and the
//! remote's version and content now, the [`State`] of a scope, and what `push` and `pull`
//! do in each state. Also the content digest and the key-name diff shown on a conflict
//! (names only, never values). No I/O.

use crate::model::KeyName;
use crate::secret::SecretValue;
use sha2::{Digest as _, Sha256};
use std::collections::BTreeMap;

/// A digest of a scope's keys and values.
pub type Digest = [u8; 32];

/// What was last synced with the remote: its KV version and the content's digest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Base {
    /// The KV version written or read at the last push or pull.
    pub version: u64,
    /// The digest of the scope's content at that sync.
    pub digest: Digest,
}

/// Where a scope stands against the remote.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// Both sides hold the same content (or neither has the scope).
    InSync,
    /// Local changes not pushed; the remote has not changed since the last sync.
    LocalAhead,
    /// The remote changed since the last sync; no local change.
    RemoteAhead,
    /// Both sides changed since the last sync, to different content.
    Diverged,
    /// The remote entry's latest version was deleted (`kv delete`); it can be undeleted.
    RemoteDeleted,
    /// The remote entry's latest version was destroyed (`kv destroy`).
    RemoteDestroyed,
    /// The remote entry was erased with every version (`kv metadata delete`).
    RemoteMetadataDeleted,
    /// The remote entry cannot be read (e.g. a field that is not a valid key name).
    Unreadable,
}

/// How a remote entry that was there went away.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gone {
    /// Its latest version is deleted (`kv delete`; `kv undelete` brings it back).
    Deleted,
    /// Its latest version is destroyed (`kv destroy`).
    Destroyed,
    /// The entry and all its versions are gone (`kv metadata delete`).
    MetadataDeleted,
}

impl Gone {
    /// The state of a scope whose entry went away like this.
    pub fn state(self) -> State {
        match self {
            Gone::Deleted => State::RemoteDeleted,
            Gone::Destroyed => State::RemoteDestroyed,
            Gone::MetadataDeleted => State::RemoteMetadataDeleted,
        }
    }

    /// How it went, in the vault CLI's words.
    pub fn how(self) -> &'static str {
        match self {
            Gone::Deleted => "its latest version was deleted (`kv delete`)",
            Gone::Destroyed => "its latest version was destroyed (`kv destroy`)",
            Gone::MetadataDeleted => {
                "the entry and all its versions were erased (`kv metadata delete`)"
            }
        }
    }
}

impl State {
    /// Words for listings: `in sync`, `local ahead`, `remote ahead`, `diverged`.
    pub fn as_str(self) -> &'static str {
        match self {
            State::InSync => "in sync",
            State::LocalAhead => "local ahead",
            State::RemoteAhead => "remote ahead",
            State::Diverged => "diverged",
            State::RemoteDeleted => "deleted on remote",
            State::RemoteDestroyed => "destroyed on remote",
            State::RemoteMetadataDeleted => "metadata deleted on remote",
            State::Unreadable => "unreadable",
        }
    }

    /// How the remote entry went away, when it did.
    pub fn gone(self) -> Option<Gone> {
        match self {
            State::RemoteDeleted => Some(Gone::Deleted),
            State::RemoteDestroyed => Some(Gone::Destroyed),
            State::RemoteMetadataDeleted => Some(Gone::MetadataDeleted),
            _ => None,
        }
    }
}

/// The state of a scope. `local` is None when the scope does not exist here; `remote` is
/// the KV entry's (version, digest), None when there is no live entry.
pub fn state(base: Option<&Base>, local: Option<Digest>, remote: Option<(u64, Digest)>) -> State {
    let empty = digest(&[]);
    let Some(base) = base else {
        return match (local, remote) {
            (None, None) => State::InSync,
            (Some(_), None) => State::LocalAhead,
            (None, Some(_)) => State::RemoteAhead,
            (Some(l), Some((_, r))) if l == r => State::InSync,
            (Some(_), Some(_)) => State::Diverged,
        };
    };
    let l = local.unwrap_or(empty);
    let (rv, r) = remote.unwrap_or((0, empty));
    let local_changed = l != base.digest;
    let remote_changed = rv != base.version && r != base.digest;
    match (local_changed, remote_changed) {
        (false, false) => State::InSync,
        (true, false) => State::LocalAhead,
        (false, true) => State::RemoteAhead,
        (true, true) if l == r => State::InSync,
        (true, true) => State::Diverged,
    }
}

/// The state of a scope whose remote entry has no live version: `gone` says how it went
/// (None: the server has no entry at all, which after a sync means `kv metadata delete`).
/// A deletion already accepted here (the local scope and the last sync both empty) is in
/// sync; a scope never synced and with no entry is [`state`]'s.
pub fn state_without(base: Option<&Base>, local: Option<Digest>, gone: Option<Gone>) -> State {
    let empty = digest(&[]);
    let gone = match (gone, base) {
        (Some(g), _) => g,
        (None, Some(b)) if b.version > 0 => Gone::MetadataDeleted,
        (None, _) => return state(base, local, None),
    };
    let accepted = local.is_none_or(|l| l == empty) && base.is_none_or(|b| b.digest == empty);
    if accepted {
        State::InSync
    } else {
        gone.state()
    }
}

/// What `push` does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PushAction {
    /// Nothing to send (already in sync): only remember the remote's version.
    Record,
    /// Write the local content with check-and-set on this version (0: must not exist).
    Write {
        /// The `options.cas` value.
        cas: u64,
    },
    /// Stop: the remote has changes to pull first.
    Refuse,
}

/// What `push` does in `state`; `remote_version` is the entry's current version (0: none).
pub fn push_action(state: State, remote_version: u64) -> PushAction {
    match state {
        State::InSync => PushAction::Record,
        State::LocalAhead => PushAction::Write {
            cas: remote_version,
        },
        _ => PushAction::Refuse,
    }
}

/// How a pull resolves a scope changed on both sides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// Take the remote's content (local values kept in history).
    Theirs,
    /// Keep the local content; the next push overwrites the remote.
    Ours,
}

/// What `pull` does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PullAction {
    /// Nothing to bring in; remember the remote's version when in sync.
    Record,
    /// Nothing to bring in: local changes wait for a push.
    Nothing,
    /// Write the remote's content locally (replaced values go to history).
    Apply,
    /// Keep local content, but take the remote's version as the base (so a push wins).
    KeepOurs,
    /// Stop: local changes would be lost.
    Refuse,
}

/// What `pull` does in `state` with an optional `--theirs` / `--ours`.
pub fn pull_action(state: State, resolution: Option<Resolution>) -> PullAction {
    match (state, resolution) {
        (State::InSync, _) => PullAction::Record,
        (State::RemoteAhead, _) => PullAction::Apply,
        (State::LocalAhead | State::Diverged, Some(Resolution::Theirs)) => PullAction::Apply,
        (State::LocalAhead, _) => PullAction::Nothing,
        (State::Diverged, Some(Resolution::Ours)) => PullAction::KeepOurs,
        (State::Diverged, None) => PullAction::Refuse,
        (
            State::RemoteDeleted
            | State::RemoteDestroyed
            | State::RemoteMetadataDeleted
            | State::Unreadable,
            _,
        ) => PullAction::Refuse,
    }
}

fn frame(h: &mut Sha256, bytes: &[u8]) {
    h.update((bytes.len() as u64).to_be_bytes());
    h.update(bytes);
}

/// The digest of a scope's content: every key and value, in key order.
pub fn digest(entries: &[(&KeyName, &SecretValue)]) -> Digest {
    let mut sorted: Vec<&(&KeyName, &SecretValue)> = entries.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    let mut h = Sha256::new();
    h.update(b"devvault scope content v1\0");
    for (k, v) in sorted {
        frame(&mut h, k.as_str().as_bytes());
        frame(&mut h, v.expose_secret().as_bytes());
    }
    h.finalize().into()
}

/// Which keys differ between the two sides, by name only.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyDiff {
    /// Keys only here.
    pub only_local: Vec<String>,
    /// Keys only on the remote.
    pub only_remote: Vec<String>,
    /// Keys on both sides with different values.
    pub changed: Vec<String>,
}

impl KeyDiff {
    /// Compares two sides' keys and values; the result holds names only.
    pub fn between(
        local: &[(&KeyName, &SecretValue)],
        remote: &[(&KeyName, &SecretValue)],
    ) -> KeyDiff {
        let theirs: BTreeMap<&str, &str> = remote
            .iter()
            .map(|(k, v)| (k.as_str(), v.expose_secret()))
            .collect();
        let ours: BTreeMap<&str, &str> = local
            .iter()
            .map(|(k, v)| (k.as_str(), v.expose_secret()))
            .collect();
        let mut diff = KeyDiff::default();
        for (k, v) in &ours {
            match theirs.get(k) {
                None => diff.only_local.push(k.to_string()),
                Some(t) if t != v => diff.changed.push(k.to_string()),
                Some(_) => {}
            }
        }
        diff.only_remote = theirs
            .keys()
            .filter(|k| !ours.contains_key(*k))
            .map(|k| k.to_string())
            .collect();
        diff
    }
}

impl std::fmt::Display for KeyDiff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut parts = Vec::new();
        for (what, list) in [
            ("different values", &self.changed),
            ("only here", &self.only_local),
            ("only on the remote", &self.only_remote),
        ] {
            if !list.is_empty() {
                parts.push(format!("{what}: {}", list.join(", ")));
            }
        }
        if parts.is_empty() {
            f.write_str("same keys and values")
        } else {
            f.write_str(&parts.join("; "))
        }
    }
}

/// What a push or pull did to one scope.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SyncReport {
    /// The scope.
    pub scope: String,
    /// The state found before acting.
    pub state: State,
    /// What was done: `pushed`, `pulled`, `kept-ours`, `up-to-date`, `local-ahead`.
    pub action: &'static str,
    /// The remote's KV version afterwards (0: no entry).
    pub version: u64,
    /// Keys added locally by a pull.
    pub added: Vec<String>,
    /// Keys whose value a pull changed (the old values are in history).
    pub changed: Vec<String>,
    /// Keys a pull removed (kept in history).
    pub removed: Vec<String>,
}

impl SyncReport {
    /// A report of `action` with no key changed.
    pub fn new(
        scope: &crate::model::Scope,
        state: State,
        action: &'static str,
        version: u64,
    ) -> Self {
        SyncReport {
            scope: scope.to_string(),
            state,
            action,
            version,
            added: Vec::new(),
            changed: Vec::new(),
            removed: Vec::new(),
        }
    }
}

/// One scope's standing against a remote, for `remote status`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ScopeStatus {
    /// The scope.
    pub scope: String,
    /// Where it stands.
    pub state: State,
    /// The remote entry's current version (0: none).
    pub remote_version: u64,
    /// The version last synced, if any.
    pub synced_version: Option<u64>,
    /// Why the entry is unreadable, when it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

#[cfg(test)]
mod tests;
