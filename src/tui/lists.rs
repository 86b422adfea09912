//! List views over the main screen: a key's history (versions, with reveal and rollback)
//! and the audit log. Each owns its rows and selection; `update` moves through them and
//! turns keys into effects.

use crate::audit::AuditEvent;
use crate::rotation::VersionInfo;
use crate::{KeyName, Scope, SecretValue};

/// The versions of one key.
#[derive(Debug)]
pub struct HistoryView {
    /// The key's scope.
    pub scope: Scope,
    /// The key.
    pub key: KeyName,
    /// Newest first.
    pub versions: Vec<VersionInfo>,
    /// The selected row.
    pub sel: usize,
    /// A version's value shown on purpose (hidden on move).
    pub revealed: Option<(u32, SecretValue)>,
}

impl HistoryView {
    /// A view of `versions`, newest first.
    pub fn new(scope: Scope, key: KeyName, mut versions: Vec<VersionInfo>) -> Self {
        versions.sort_by_key(|v| std::cmp::Reverse(v.version));
        HistoryView {
            scope,
            key,
            versions,
            sel: 0,
            revealed: None,
        }
    }

    /// The selected version.
    pub fn selected(&self) -> Option<&VersionInfo> {
        self.versions.get(self.sel)
    }
}

/// Recent audit events.
#[derive(Debug)]
pub struct AuditView {
    /// Newest first.
    pub events: Vec<AuditEvent>,
    /// The selected row.
    pub sel: usize,
    /// How far back the list goes (days).
    pub days: u32,
}

impl AuditView {
    /// A view of `events`, newest first.
    pub fn new(mut events: Vec<AuditEvent>, days: u32) -> Self {
        events.sort_by_key(|e| std::cmp::Reverse(e.seq));
        AuditView {
            events,
            sel: 0,
            days,
        }
    }
}

/// Moves a selection by `delta` within `len` rows.
pub fn step(sel: usize, delta: isize, len: usize) -> usize {
    (sel as isize)
        .saturating_add(delta)
        .clamp(0, len.saturating_sub(1) as isize) as usize
}
