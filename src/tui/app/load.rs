//! `update` for the catalog's answers from the vault: a fresh listing (its scopes' keys
//! perhaps still to load), a scope reloaded after a write, and the background work done in
//! idle moments (the filter's scan, the next scopes' keys). Part of [`App`]; no I/O.

use super::{App, Effect};
use crate::{KeyName, Scope};

/// Scopes whose keys one idle moment loads (a few milliseconds at 200 keys each).
pub const LOAD_BATCH: usize = 4;

impl App {
    /// Whether work waits for an idle moment: a filter scan or scopes still to load.
    pub fn busy(&self) -> bool {
        matches!(self.screen, super::Screen::Main)
            && ((self.filter.is_some() && !self.finder.done()) || self.catalog.has_pending())
    }

    /// One slice of background work: the filter's scan first, then the next scopes' keys
    /// (the selected scope's first).
    pub(super) fn idle(&mut self) -> Vec<Effect> {
        if self.filter.is_some() && !self.finder.done() {
            self.finder.step(&self.catalog);
            self.keep_cursor_visible();
            return vec![];
        }
        let next = self.catalog.pending(self.scope_sel, LOAD_BATCH);
        if next.is_empty() {
            return vec![];
        }
        vec![Effect::LoadScopes(next)]
    }

    /// A fresh listing of the whole vault (`pending` scopes without their keys yet); the
    /// selected scope and key stay selected.
    pub(super) fn loaded(
        &mut self,
        listing: Vec<(Scope, Vec<crate::SecretMeta>)>,
        pending: Vec<Scope>,
    ) {
        let (scope, key) = (self.current_scope(), self.selected());
        let generation = self.catalog.generation + 1;
        self.catalog = super::super::catalog::Catalog::with_pending(listing, pending);
        self.catalog.generation = generation;
        self.scope_sel = scope
            .as_ref()
            .and_then(|s| self.catalog.find_scope(s))
            .unwrap_or(0);
        // A value on screen belongs to a row that may have moved: hide it.
        self.revealed = None;
        // Nothing selected because the scope's keys have not come yet (a listing before
        // this one): the key that listing kept waiting is still the one to select.
        let earlier = self.scopes.pending_key.take();
        self.scopes.pending_key = key
            .clone()
            .or(earlier.filter(|(s, _)| Some(s) == scope.as_ref()));
        let found = key.and_then(|(s, k)| {
            let pos = self.catalog.find_scope(&s)?;
            Some(self.catalog.find_secret(pos, k.as_str())? - self.catalog.scopes[pos].range.start)
        });
        if self.filter.is_none() {
            self.cursor = found.unwrap_or(0);
        }
        if found.is_some() {
            self.scopes.pending_key = None;
        }
        self.pick_start_scope();
        self.refilter();
    }

    pub(super) fn scope_loaded(
        &mut self,
        scope: Scope,
        metas: Vec<crate::SecretMeta>,
        select: Option<KeyName>,
    ) -> Vec<Effect> {
        self.revealed = None;
        let selected = self.selected();
        let pos = self.catalog.replace_scope(&scope, metas);
        if self.filter.is_some() {
            self.refilter();
            return vec![];
        }
        self.scope_sel = pos;
        let want = select.or(selected.filter(|(s, _)| *s == scope).map(|(_, k)| k));
        let start = self.catalog.scopes[pos].range.start;
        if let Some(i) = want.and_then(|k| self.catalog.find_secret(pos, k.as_str())) {
            self.cursor = i - start;
        }
        self.keep_cursor_visible();
        vec![]
    }
}
