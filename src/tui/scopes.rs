//! The state of the TUI's scope views: a scope operation asked for (remove, purge, rename,
//! copy, diff; the same [`crate::Vault`] calls as `devvault scope`), the trash of a scope
//! (removed keys that history keeps, restorable), the names-only diff of two environments,
//! and what an import did (for the questions after it, in `offer.rs`). Data only:
//! `app/scopes.rs` updates it, `ui/scopes.rs` draws it.

use crate::vault::Trashed;
use crate::{Scope, ScopeDiff, Target};
use std::path::PathBuf;

/// A scope operation, run by the runner on the core's scope lifecycle calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScopeOp {
    /// Remove every key (kept in history, so the trash can restore them).
    Remove(Target),
    /// Delete the scopes with their history, for good.
    Purge(Target),
    /// Rename an environment, or a project with its environments.
    Rename(Target, Target),
    /// Copy the keys into another environment or project.
    Copy(Target, Target),
    /// Compare two environments by key name.
    Diff(Scope, Scope),
}

impl ScopeOp {
    /// The question asked before it runs; None for a diff, which changes nothing.
    pub fn question(&self) -> Option<String> {
        Some(match self {
            ScopeOp::Remove(t) => {
                format!("Remove every key of {t}? They stay in history (T shows the trash).")
            }
            ScopeOp::Purge(t) => {
                format!("Delete {t} with its history and policies for good? This cannot be undone.")
            }
            ScopeOp::Rename(a, b) => format!("Rename {a} to {b}?"),
            ScopeOp::Copy(a, b) => format!("Copy the keys of {a} into {b}?"),
            ScopeOp::Diff(..) => return None,
        })
    }
}

/// What to offer once an import is done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AfterImport {
    /// The scope imported into.
    pub scope: Scope,
    /// The `.env` imported.
    pub path: PathBuf,
    /// Every key of the file now holds the file's value in the vault.
    pub verified: bool,
    /// The first-run import (offers to link the directory and to delete the file).
    pub first_run: bool,
}

/// The removed keys of a scope.
#[derive(Debug)]
pub struct TrashView {
    /// The scope.
    pub scope: Scope,
    /// Removed keys with their last version, by name.
    pub items: Vec<Trashed>,
    /// The selected row.
    pub sel: usize,
}

/// Two environments compared by key name (never a value).
#[derive(Debug)]
pub struct DiffView {
    /// Left side.
    pub a: Scope,
    /// Right side.
    pub b: Scope,
    /// `(mark, key)` rows: `<` only in a, `>` only in b, `~` different, `=` same.
    pub rows: Vec<(char, String)>,
    /// The selected row.
    pub sel: usize,
}

impl DiffView {
    /// The view of `d`.
    pub fn new(a: Scope, b: Scope, d: ScopeDiff) -> DiffView {
        let mut rows = Vec::new();
        for (mark, list) in [
            ('<', d.only_in_a),
            ('>', d.only_in_b),
            ('~', d.different),
            ('=', d.same),
        ] {
            rows.extend(list.into_iter().map(|k| (mark, k)));
        }
        DiffView { a, b, rows, sel: 0 }
    }
}
