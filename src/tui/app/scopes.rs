//! `update` for the scopes: `n` (make or select a scope), `S` (remove, purge, rename, copy,
//! diff, each asked first), `i` (import a `.env` with its preview; after the first-run
//! import, link the directory and delete or git-ignore the file), `T` (the trash), `R`,
//! and the scope the TUI opens on. Part of [`App`]; no I/O.

use super::super::dialog::{Dialog, FormKind};
use super::super::lists::step;
use super::super::offer::Offer;
use super::super::scopes::{AfterImport, DiffView, ScopeOp, TrashView};
use super::{Action, App, Effect, Focus};
use crate::model::ImportReport;
use crate::vault::Trashed;
use crate::{Scope, ScopeDiff};
use std::path::PathBuf;

impl App {
    /// `n` submitted: select the scope when it is listed, else make it in the vault.
    pub(super) fn new_scope(&mut self, scope: Scope) -> Vec<Effect> {
        self.dialog = None;
        self.close_filter();
        let Some(i) = self.catalog.find_scope(&scope) else {
            return vec![Effect::CreateScope(scope)];
        };
        self.select_scope(i);
        let n = self.catalog.scopes[i].range.len();
        let keys = if n == 1 { "key" } else { "keys" };
        self.say(format!("{scope} exists ({n} {keys}): selected"), false)
    }

    /// Selects scope `i` of the catalog, at its first key.
    pub(super) fn select_scope(&mut self, i: usize) {
        if i != self.scope_sel {
            self.revealed = None;
        }
        self.scope_sel = i;
        self.cursor = 0;
        self.offset = 0;
    }

    /// After a listing: selects `scope` if listed.
    pub(super) fn select_named(&mut self, scope: &Scope) -> Vec<Effect> {
        if let Some(i) = self.catalog.find_scope(scope) {
            self.select_scope(i);
        }
        vec![]
    }

    /// The first listing: open on the linked scope, else the last one used.
    pub(super) fn pick_start_scope(&mut self) {
        if std::mem::replace(&mut self.scopes.opened, true) {
            return;
        }
        let wanted = [self.cfg.open_scope.clone(), self.scopes.last.clone()];
        if let Some(i) = wanted
            .iter()
            .flatten()
            .find_map(|s| self.catalog.find_scope(s))
        {
            self.select_scope(i);
        }
    }

    /// Once the keys of the scope selected before a listing arrive, its key is selected
    /// again (a listing lists the first scope's keys only; the others follow).
    pub(super) fn restore_pending_key(&mut self) {
        let Some((scope, key)) = &self.scopes.pending_key else {
            return;
        };
        let Some(pos) = self.catalog.find_scope(scope) else {
            self.scopes.pending_key = None;
            return;
        };
        if !self.catalog.scopes[pos].loaded {
            return;
        }
        if pos == self.scope_sel
            && self.filter.is_none()
            && let Some(i) = self.catalog.find_secret(pos, key.as_str())
        {
            self.cursor = i - self.catalog.scopes[pos].range.start;
            self.keep_cursor_visible();
        }
        self.scopes.pending_key = None;
    }

    /// Enter on an environment of the tree: its secrets get the keyboard (nothing read).
    pub(super) fn enter_scope(&mut self) -> Vec<Effect> {
        self.focus = Focus::Secrets;
        vec![]
    }

    /// `S`: the scope-operations form for the selected scope.
    pub(super) fn scope_ops(&mut self) -> Vec<Effect> {
        match self.current_scope() {
            Some(scope) => {
                self.open_form(FormKind::ScopeOps(scope), None);
                vec![]
            }
            None => self.say("no scope selected: press n to start one".into(), true),
        }
    }

    /// A scope operation from the form: asked first, unless it only reads (diff).
    pub(super) fn ask_scope_op(&mut self, op: ScopeOp) -> Vec<Effect> {
        self.dialog = None;
        match op.question() {
            None => vec![Effect::RunScopeOp(op)],
            Some(q) => self.offer(Offer::new(q, Effect::RunScopeOp(op))),
        }
    }

    /// `i`: the import form (path prefilled `./.env`) for the selected scope.
    pub(super) fn import_form(&mut self) -> Vec<Effect> {
        match self
            .current_scope()
            .or_else(|| self.cfg.import_scope.clone())
        {
            Some(scope) => {
                self.open_form(FormKind::Import(scope, false), None);
                vec![]
            }
            None => self.say("no scope selected: press n to start one".into(), true),
        }
    }

    /// What the import would do: asked before it is done.
    pub(super) fn import_previewed(
        &mut self,
        scope: Scope,
        path: PathBuf,
        report: ImportReport,
        first_run: bool,
    ) -> Vec<Effect> {
        let (a, c, u) = (
            report.added.len(),
            report.changed.len(),
            report.unchanged.len(),
        );
        if a + c == 0 {
            let text = format!("{}: nothing to import ({u} unchanged)", path.display());
            return self.say(text, false);
        }
        let mut text = format!(
            "Import {} into {scope}? {a} added, {c} changed, {u} unchanged.",
            path.display()
        );
        for (mark, list) in [("+", &report.added), ("~", &report.changed)] {
            if !list.is_empty() {
                text.push_str(&format!(" {mark} {}", names(list)));
            }
        }
        let on_yes = Effect::ImportFile {
            scope,
            path,
            first_run,
        };
        self.offer(Offer::new(text, on_yes))
    }

    /// After an import: the first-run one offers to link the directory, then (the import
    /// verified) to delete the plaintext file, or else to git-ignore it.
    pub(super) fn imported(&mut self, done: AfterImport) -> Vec<Effect> {
        if !done.verified {
            let text = format!(
                "{} does not match the vault after the import; it was left alone",
                done.path.display()
            );
            return self.say(text, true);
        }
        if !done.first_run {
            return vec![];
        }
        let dir = done
            .path
            .parent()
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("."));
        let mut fx = vec![];
        if self.cfg.open_scope.is_none() {
            let text = format!(
                "Link {} to {}? (writes .devvault.toml: holds no secret, safe to commit)",
                dir.display(),
                done.scope
            );
            fx.extend(self.offer(Offer::new(text, Effect::LinkDir(dir, done.scope.clone()))));
        }
        let file = done.path.display().to_string();
        let ignore = Offer::new(
            format!("Add {file} to .gitignore, so the plaintext is never committed?"),
            Effect::IgnorePlain(done.path.clone()),
        );
        let delete = Offer {
            text: format!(
                "Every key of {file} is in the vault (checked). Delete the plaintext {file} now?"
            ),
            on_yes: vec![Effect::DeletePlain(done.path)],
            or_else: Some(Box::new(ignore)),
        };
        fx.extend(self.offer(delete));
        fx
    }

    /// Shows `offer`, or queues it behind the question on screen.
    pub(super) fn offer(&mut self, offer: Offer) -> Vec<Effect> {
        if self.dialog.is_some() {
            self.scopes.offers.push_back(offer);
        } else {
            self.dialog = Some(Dialog::Offer(offer));
        }
        vec![]
    }

    /// The answer to the question on screen (true: yes); the next queued one opens.
    pub(super) fn answer(&mut self, yes: bool) -> Vec<Effect> {
        let Some(Dialog::Offer(o)) = self.dialog.take() else {
            return vec![];
        };
        let fx = if yes { o.on_yes } else { vec![] };
        let next = if yes { None } else { o.or_else.map(|b| *b) };
        self.dialog = next
            .or_else(|| self.scopes.offers.pop_front())
            .map(Dialog::Offer);
        fx
    }

    /// `T`: the selected scope's removed keys.
    pub(super) fn trash(&mut self) -> Vec<Effect> {
        match self.current_scope() {
            Some(scope) => vec![Effect::LoadTrash(scope)],
            None => self.say("no scope selected: press n to start one".into(), true),
        }
    }

    pub(super) fn trash_loaded(&mut self, scope: Scope, items: Vec<Trashed>) -> Vec<Effect> {
        if items.is_empty() {
            return self.say(format!("the trash of {scope} is empty"), false);
        }
        self.dialog = Some(Dialog::Trash(TrashView {
            scope,
            items,
            sel: 0,
        }));
        vec![]
    }

    pub(super) fn diff_loaded(&mut self, a: Scope, b: Scope, d: ScopeDiff) -> Vec<Effect> {
        self.dialog = Some(Dialog::Diff(DiffView::new(a, b, d)));
        vec![]
    }

    /// Keys over the trash and the diff: move; in the trash Enter or `b` restores.
    pub(super) fn scope_view_key(&mut self, a: Action) -> Vec<Effect> {
        let delta = self.delta(a);
        match &mut self.dialog {
            Some(Dialog::Diff(d)) => {
                d.sel = step(d.sel, delta, d.rows.len());
                vec![]
            }
            Some(Dialog::Trash(t)) if delta != 0 => {
                t.sel = step(t.sel, delta, t.items.len());
                vec![]
            }
            Some(Dialog::Trash(t)) if matches!(a, Action::Reveal | Action::Rollback) => {
                let Some(item) = t.items.get(t.sel) else {
                    return vec![];
                };
                let (scope, key, version) = (t.scope.clone(), item.key.clone(), item.version);
                self.dialog = None;
                let text = format!("Restore {key} into {scope} with its last value (v{version})?");
                self.offer(Offer::new(text, Effect::Rollback(scope, key, version)))
            }
            _ => vec![],
        }
    }

    /// `R`: read everything again, and say so.
    pub(super) fn reload_all(&mut self) -> Vec<Effect> {
        self.revealed = None;
        vec![Effect::Reload]
    }

    /// The scope to remember for the next start, if one is shown.
    pub(super) fn remember(&self) -> Vec<Effect> {
        self.current_scope()
            .map(Effect::RememberScope)
            .into_iter()
            .collect()
    }
}

/// Up to five names, then how many more.
fn names(list: &[String]) -> String {
    let mut out = list.iter().take(5).cloned().collect::<Vec<_>>().join(" ");
    if list.len() > 5 {
        out.push_str(&format!(" (+{} more)", list.len() - 5));
    }
    out
}
