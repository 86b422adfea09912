//! The audit log's types: what happened ([`EventKind`]), an event to record ([`Event`]), an
//! entry read back ([`AuditEvent`]) and the result of checking the chain ([`AuditReport`]).
//! Never a secret value: events carry names, counts and version numbers only. Recording,
//! sealing and chaining live in `vault/audit.rs`.

use crate::model::{KeyName, Scope};
use serde::{Deserialize, Serialize};

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum EventKind {
    /// A key was set.
    Set,
    /// One value was read (`get`).
    Get,
    /// A scope's values were read (`export`).
    Export,
    /// A scope's values were given to a command (`run`).
    Run,
    /// A value was shown on screen by a front end (e.g. the TUI's reveal, `history --reveal`).
    Reveal,
    /// A value was copied to the clipboard by a front end.
    Copy,
    /// A key was rotated.
    Rotate,
    /// A key was rolled back to an earlier version.
    Rollback,
    /// A key was removed (history kept).
    Rm,
    /// A key and its whole history were purged.
    Purge,
    /// A .env file was imported.
    Import,
    /// A rotation policy was set or cleared.
    Policy,
    /// Wrong passphrases were given (recorded without the vault key, chained at the next
    /// successful unlock).
    UnlockFailed,
    /// The OS keychain slot was enabled.
    KeychainEnable,
    /// The OS keychain slot was disabled.
    KeychainDisable,
    /// The passphrase was changed.
    Passwd,
    /// A new vault key was made and everything re-sealed under it (`rekey`, `passwd`).
    Rekey,
    /// A team remote was added or removed.
    Remote,
    /// A scope was pushed to a team remote.
    Push,
    /// A scope was pulled from a team remote.
    Pull,
    /// Scopes were written into an encrypted bundle (`share`).
    Share,
    /// A bundle was imported (`receive`).
    Receive,
    /// The vault's age identity was created.
    Identity,
    /// Every value was read to search files for leaks (`scan`).
    Scan,
    /// Reads that could not be audited (a read-only vault, a full disk), counted and
    /// recorded at the next open that could write.
    Unaudited,
    /// A vault setting changed (e.g. `strict-audit`).
    Setting,
    /// A scope was removed (`scope rm`; its history purged with `--purge`).
    ScopeRm,
    /// A scope was renamed (`scope mv`).
    ScopeMv,
    /// A scope's keys were copied into another (`scope cp`).
    ScopeCp,
    /// An empty scope was made (the TUI's `n`).
    ScopeNew,
    /// A key was renamed (`mv`).
    Mv,
    /// The shell hook loaded a scope, or a link file was allowed or denied for it.
    Hook,
    /// A scope's values were read to check them against a schema (`check`).
    Check,
    /// A coding agent called a tool of `devvault mcp` (names only, never a value).
    Agent,
    /// Keys at versions went to a teammate, a recipient or a remote (the exposure ledger).
    Exposure,
    /// An offboarding began or ended (its plan; the teammate removed from trust).
    Offboard,
    /// One step of an offboarding: a key rotated, a scope pushed, a bundle re-shared.
    OffboardStep,
}

impl EventKind {
    /// The kebab-case name shown by `devvault audit`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Set => "set",
            EventKind::Get => "get",
            EventKind::Export => "export",
            EventKind::Run => "run",
            EventKind::Reveal => "reveal",
            EventKind::Copy => "copy",
            EventKind::Rotate => "rotate",
            EventKind::Rollback => "rollback",
            EventKind::Rm => "rm",
            EventKind::Purge => "purge",
            EventKind::Import => "import",
            EventKind::Policy => "policy",
            EventKind::UnlockFailed => "unlock-failed",
            EventKind::KeychainEnable => "keychain-enable",
            EventKind::KeychainDisable => "keychain-disable",
            EventKind::Passwd => "passwd",
            EventKind::Rekey => "rekey",
            EventKind::Remote => "remote",
            EventKind::Push => "push",
            EventKind::Pull => "pull",
            EventKind::Share => "share",
            EventKind::Receive => "receive",
            EventKind::Identity => "identity",
            EventKind::Scan => "scan",
            EventKind::Unaudited => "unaudited",
            EventKind::Setting => "setting",
            EventKind::ScopeRm => "scope-rm",
            EventKind::ScopeMv => "scope-mv",
            EventKind::ScopeCp => "scope-cp",
            EventKind::ScopeNew => "scope-new",
            EventKind::Mv => "mv",
            EventKind::Hook => "hook",
            EventKind::Check => "check",
            EventKind::Agent => "agent",
            EventKind::Exposure => "exposure",
            EventKind::Offboard => "offboard",
            EventKind::OffboardStep => "offboard-step",
        }
    }
}

/// An event to record: what, where, and a short detail (counts, versions; never a value).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// What happened.
    pub kind: EventKind,
    /// The scope, when there is one.
    pub scope: Option<Scope>,
    /// The key, when there is one.
    pub key: Option<KeyName>,
    /// A short detail such as `version 4` or `3 added, 1 changed`.
    pub detail: Option<String>,
}

impl Event {
    /// An event of `kind` with no scope, key or detail.
    pub fn new(kind: EventKind) -> Self {
        Event {
            kind,
            scope: None,
            key: None,
            detail: None,
        }
    }

    /// Sets the scope.
    pub fn scope(mut self, scope: &Scope) -> Self {
        self.scope = Some(scope.clone());
        self
    }

    /// Sets the key.
    pub fn key(mut self, key: &KeyName) -> Self {
        self.key = Some(key.clone());
        self
    }

    /// Sets the detail.
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

/// One verified entry of the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditEvent {
    /// Sequence number, 1 for the first entry.
    pub seq: u64,
    /// When (Unix seconds).
    pub at: i64,
    /// What happened.
    pub kind: EventKind,
    /// `project/env`, when there is one.
    pub scope: Option<String>,
    /// The key, when there is one.
    pub key: Option<String>,
    /// A short detail (never a value).
    pub detail: Option<String>,
    /// True for what was recorded without the vault key (failed unlocks, from the
    /// `audit_pending` table): the chain proves when devvault took it in, not that it
    /// happened; anyone able to write the file could have added it.
    pub unverified: bool,
}

/// The result of a successful check of the whole chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditReport {
    /// How many entries were checked.
    pub entries: u64,
    /// When the first entry was written.
    pub first: Option<i64>,
    /// When the last entry was written.
    pub last: Option<i64>,
    /// How many of the entries were recorded without the key (failed-unlock counts):
    /// present and unchanged since devvault chained them, but not authenticated.
    pub unverified: u64,
}
