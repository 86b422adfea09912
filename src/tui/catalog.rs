//! What the TUI knows about the vault while it is unlocked: every scope and every key name
//! with its dates and version, never a value. Secrets sit in one vector, each scope owning a
//! contiguous range sorted by key, so a scope's list is a slice and a reload of one scope is
//! a splice. A large vault is listed scope names first: the other scopes are `pending`
//! until their keys arrive ([`Catalog::fill`] appends them, keeping every index valid).

use crate::{Scope, SecretMeta};
use std::ops::Range;

/// One environment of a project, as the left pane lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeEntry {
    /// The scope.
    pub scope: Scope,
    /// Where its secrets are in [`Catalog::secrets`].
    pub range: Range<usize>,
    /// Whether its keys are listed (false while they load in the background).
    pub loaded: bool,
}

/// One secret's name and metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Secret {
    /// Index of its scope in [`Catalog::scopes`].
    pub scope: u32,
    /// Its name, dates, version and rotation status.
    pub meta: SecretMeta,
}

/// Every scope and secret name of the vault, sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalog {
    /// Scopes sorted by project then environment.
    pub scopes: Vec<ScopeEntry>,
    /// Secrets sorted by scope then key.
    pub secrets: Vec<Secret>,
    /// Bumped on every change, so caches (the filter index) know to rebuild.
    pub generation: u64,
    /// Rows of the left pane, built once per listing (a frame only slices it).
    tree: Vec<TreeRow>,
    /// For each scope, its row in `tree`.
    tree_row: Vec<usize>,
}

impl Catalog {
    /// Builds the catalog from each scope's listing (in any order).
    pub fn new(listing: Vec<(Scope, Vec<SecretMeta>)>) -> Catalog {
        Catalog::with_pending(listing, Vec::new())
    }

    /// Builds the catalog from the scopes listed so far and those still to load.
    pub fn with_pending(listing: Vec<(Scope, Vec<SecretMeta>)>, pending: Vec<Scope>) -> Catalog {
        let all = listing.into_iter().map(|(s, m)| (s, Some(m)));
        Catalog::build(all.chain(pending.into_iter().map(|s| (s, None))).collect())
    }

    fn build(mut listing: Listing) -> Catalog {
        // A listed scope sorts before the same scope pending, and wins the dedup.
        listing.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.is_some().cmp(&a.1.is_some())));
        listing.dedup_by(|a, b| a.0 == b.0);
        let mut cat = Catalog::default();
        for (i, (scope, metas)) in listing.into_iter().enumerate() {
            let start = cat.secrets.len();
            let loaded = metas.is_some();
            cat.secrets
                .extend(metas.into_iter().flatten().map(|m| secret(i as u32, m)));
            cat.secrets[start..].sort_by(|a, b| a.meta.key.cmp(&b.meta.key));
            let range = start..cat.secrets.len();
            cat.scopes.push(ScopeEntry {
                scope,
                range,
                loaded,
            });
        }
        cat.build_tree();
        cat
    }

    /// Appends the keys of scopes that were pending; other scopes in `batch` (listed since
    /// by a write, or gone) are left alone. Indices of secrets already listed do not move,
    /// so the generation stays.
    pub fn fill(&mut self, batch: Vec<(Scope, Vec<SecretMeta>)>) {
        for (scope, mut metas) in batch {
            let Some(pos) = self.find_scope(&scope).filter(|&p| !self.scopes[p].loaded) else {
                continue;
            };
            metas.sort_by(|a, b| a.key.cmp(&b.key));
            let start = self.secrets.len();
            self.secrets
                .extend(metas.into_iter().map(|m| secret(pos as u32, m)));
            self.scopes[pos].range = start..self.secrets.len();
            self.scopes[pos].loaded = true;
        }
    }

    /// Up to `max` pending scopes to load next: `first` if it is pending, then in order.
    pub fn pending(&self, first: usize, max: usize) -> Vec<Scope> {
        let head = self.scopes.get(first).filter(|e| !e.loaded);
        let rest = self.scopes.iter().filter(|e| !e.loaded);
        let mut out: Vec<Scope> = head
            .into_iter()
            .chain(rest)
            .take(max + 1)
            .map(|e| e.scope.clone())
            .collect();
        out.dedup();
        out.truncate(max);
        out
    }

    /// Whether some scope's keys are still to load.
    pub fn has_pending(&self) -> bool {
        self.scopes.iter().any(|e| !e.loaded)
    }

    /// The position of `scope`, if listed.
    pub fn find_scope(&self, scope: &Scope) -> Option<usize> {
        self.scopes.binary_search_by(|e| e.scope.cmp(scope)).ok()
    }

    /// The position of `key` in `scope`, as an index into [`Catalog::secrets`].
    pub fn find_secret(&self, scope: usize, key: &str) -> Option<usize> {
        let range = self.scopes.get(scope)?.range.clone();
        let slice = &self.secrets[range.clone()];
        slice
            .binary_search_by(|s| s.meta.key.as_str().cmp(key))
            .ok()
            .map(|i| range.start + i)
    }

    /// Adds an empty scope (a new project or environment before its first key); returns
    /// its position.
    pub fn add_scope(&mut self, scope: Scope) -> usize {
        if let Some(i) = self.find_scope(&scope) {
            return i;
        }
        let mut listing = self.listing();
        listing.push((scope.clone(), Some(Vec::new())));
        *self = Catalog {
            generation: self.generation + 1,
            ..Catalog::build(listing)
        };
        self.find_scope(&scope).unwrap_or(0)
    }

    /// Replaces one scope's secrets (after a write), keeping the scope listed even when it
    /// became empty. Returns the scope's position.
    pub fn replace_scope(&mut self, scope: &Scope, metas: Vec<SecretMeta>) -> usize {
        let Some(pos) = self.find_scope(scope) else {
            let mut listing = self.listing();
            listing.push((scope.clone(), Some(metas)));
            *self = Catalog {
                generation: self.generation + 1,
                ..Catalog::build(listing)
            };
            return self.find_scope(scope).unwrap_or(0);
        };
        let old = self.scopes[pos].range.clone();
        let mut fresh: Vec<Secret> = metas.into_iter().map(|m| secret(pos as u32, m)).collect();
        fresh.sort_by(|a, b| a.meta.key.cmp(&b.meta.key));
        let delta = fresh.len() as isize - old.len() as isize;
        let new_end = old.start + fresh.len();
        self.secrets.splice(old.clone(), fresh);
        // Blocks after this one (in any scope order, once scopes were appended) move.
        for (i, e) in self.scopes.iter_mut().enumerate() {
            if i != pos && e.range.start >= old.end && !(e.range.is_empty() && old.is_empty()) {
                e.range = shift(e.range.start, delta)..shift(e.range.end, delta);
            }
        }
        self.scopes[pos].range = old.start..new_end;
        self.scopes[pos].loaded = true;
        self.generation += 1;
        pos
    }

    /// Every scope's listing (None while pending), for rebuilding.
    fn listing(&self) -> Listing {
        self.scopes
            .iter()
            .map(|e| {
                let metas = self.secrets[e.range.clone()]
                    .iter()
                    .map(|s| s.meta.clone())
                    .collect();
                (e.scope.clone(), e.loaded.then_some(metas))
            })
            .collect()
    }

    /// Rows of the left pane: a project header, then its environments.
    pub fn tree(&self) -> &[TreeRow] {
        &self.tree
    }

    /// The row of scope `i` in [`Catalog::tree`].
    pub fn tree_row(&self, i: usize) -> usize {
        self.tree_row.get(i).copied().unwrap_or(0)
    }

    fn build_tree(&mut self) {
        self.tree.clear();
        self.tree_row.clear();
        for (i, e) in self.scopes.iter().enumerate() {
            let new_project = i == 0 || self.scopes[i - 1].scope.project != e.scope.project;
            if new_project {
                self.tree.push(TreeRow::Project(i));
            }
            self.tree_row.push(self.tree.len());
            self.tree.push(TreeRow::Env(i));
        }
    }
}

/// A row of the left pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TreeRow {
    /// A project's name: that of the scope at this index (its first environment).
    Project(usize),
    /// An environment: the index of its scope.
    Env(usize),
}

/// Scopes with their keys, or None for a scope still to load.
type Listing = Vec<(Scope, Option<Vec<SecretMeta>>)>;

fn secret(scope: u32, meta: SecretMeta) -> Secret {
    Secret { scope, meta }
}

fn shift(at: usize, delta: isize) -> usize {
    (at as isize + delta) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::KeyName;

    fn meta(key: &str, version: u32) -> SecretMeta {
        SecretMeta {
            key: KeyName::new(key).unwrap(),
            created: 1,
            updated: 2,
            version,
            rotated_at: None,
            url: None,
            max_age: 90 * 86_400,
            overdue_days: None,
            empty: false,
            inherited_from: None,
        }
    }

    fn scope(s: &str) -> Scope {
        Scope::parse(s).unwrap()
    }

    #[test]
    fn sorted_with_contiguous_ranges_and_splices() {
        let mut cat = Catalog::new(vec![
            (scope("web/prod"), vec![meta("B", 1), meta("A", 1)]),
            (scope("api/dev"), vec![meta("X", 3)]),
            (scope("web/dev"), vec![]),
        ]);
        let names: Vec<String> = cat.scopes.iter().map(|e| e.scope.to_string()).collect();
        assert_eq!(names, ["api/dev", "web/dev", "web/prod"]);
        assert_eq!(cat.scopes[2].range, 1..3);
        assert_eq!(cat.find_secret(2, "B"), Some(2));
        assert_eq!(
            cat.tree().to_vec(),
            vec![
                TreeRow::Project(0),
                TreeRow::Env(0),
                TreeRow::Project(1),
                TreeRow::Env(1),
                TreeRow::Env(2)
            ]
        );

        let pos = cat.replace_scope(&scope("web/dev"), vec![meta("N", 1), meta("M", 1)]);
        assert_eq!(pos, 1);
        assert_eq!(cat.scopes[1].range, 1..3);
        assert_eq!(cat.scopes[2].range, 3..5);
        assert_eq!(cat.find_secret(2, "A"), Some(3));
        assert_eq!(cat.secrets[1].meta.key.as_str(), "M");

        cat.replace_scope(&scope("api/dev"), vec![]);
        assert_eq!(cat.scopes[0].range, 0..0);
        assert_eq!(cat.scopes[2].range, 2..4);
        let added = cat.add_scope(scope("aaa/dev"));
        assert_eq!(added, 0);
        assert_eq!(cat.find_secret(3, "B"), Some(3));
    }
}
