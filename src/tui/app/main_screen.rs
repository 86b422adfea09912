//! `update` for the main screen: moving through scopes and secrets, the filter, dialogs,
//! reveal/copy, and the answers to vault calls. Part of [`App`]; no I/O.

use super::super::dialog::{Dialog, FormKind};
use super::super::input::{Edit, SecretInput};
use super::super::layout;
use super::super::lists::{AuditView, HistoryView, step};
use super::{Action, App, Clip, Effect, Focus, Msg, Revealed};

/// How many days back the audit view goes.
pub const AUDIT_DAYS: u32 = 30;
use crate::{KeyName, Scope, SecretMeta, SecretValue};

impl App {
    /// The number of rows in the table.
    pub fn view_len(&self) -> usize {
        match &self.filter {
            Some(_) => self.finder.hits().len(),
            None => self
                .catalog
                .scopes
                .get(self.scope_sel)
                .map_or(0, |e| e.range.len()),
        }
    }

    /// The catalog index of table row `row`.
    pub fn view_secret(&self, row: usize) -> Option<usize> {
        match &self.filter {
            Some(_) => self.finder.hits().get(row).map(|&i| i as usize),
            None => {
                let range = self.catalog.scopes.get(self.scope_sel)?.range.clone();
                (row < range.len()).then(|| self.sorted.row(&self.catalog, range, self.sort, row))
            }
        }
    }

    /// The selected secret's scope and key.
    pub fn selected(&self) -> Option<(Scope, KeyName)> {
        let s = &self.catalog.secrets[self.view_secret(self.cursor)?];
        let scope = self.catalog.scopes[s.scope as usize].scope.clone();
        Some((scope, s.meta.key.clone()))
    }

    /// The scope new keys go to: the selected one.
    pub fn current_scope(&self) -> Option<Scope> {
        self.catalog
            .scopes
            .get(self.scope_sel)
            .map(|e| e.scope.clone())
    }

    /// Rows of secrets that fit in the table.
    pub fn page(&self) -> usize {
        layout::table_body_height(self.size).max(1)
    }

    /// Scrolls so the cursor row is drawn.
    pub fn keep_cursor_visible(&mut self) {
        let page = self.page();
        self.cursor = self.cursor.min(self.view_len().saturating_sub(1));
        if self.cursor < self.offset {
            self.offset = self.cursor;
        } else if self.cursor >= self.offset + page {
            self.offset = self.cursor + 1 - page;
        }
    }

    /// `update` on the main screen: one method per message.
    pub(super) fn main(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Act(a) if self.dialog.is_some() => self.dialog_key(a),
            Msg::Act(a) if self.revealed.is_some() => self.detail_key(a),
            Msg::Act(a) => self.act(a),
            Msg::Input(e) => self.input(e),
            Msg::Submit => self.submit(),
            Msg::Cancel => self.cancel(),
            Msg::NextField(d) => self.next_field(d),
            Msg::ToggleMask => self.toggle_mask(),
            Msg::Yes => self.yes(),
            Msg::Click(col, row) => self.click(col, row),
            Msg::Scroll(col, row, down) => self.scroll(col, row, down),
            Msg::Loaded(listing) => self.listed(listing, Vec::new()),
            Msg::Listed(listing, pending) => self.listed(listing, pending),
            Msg::ScopesLoaded(batch) => self.scopes_loaded(batch),
            Msg::Idle => self.idle(),
            Msg::ScopeLoaded(scope, metas, select) => self.scope_loaded(scope, metas, select),
            Msg::Revealed(scope, key, value) => self.revealed(scope, key, value),
            Msg::EditLoaded(scope, key, value) => self.edit_loaded(scope, key, value),
            Msg::Copied(key) => self.copied(key),
            Msg::HistoryLoaded(scope, key, versions) => {
                self.open_dialog(Dialog::History(HistoryView::new(scope, key, versions)))
            }
            Msg::VersionRevealed(version, value) => self.version_revealed(version, value),
            Msg::AuditLoaded(events) => {
                self.open_dialog(Dialog::Audit(AuditView::new(events, AUDIT_DAYS)))
            }
            Msg::ClipboardCleared(ours) => self.clipboard_cleared(ours),
            Msg::Note(note) => self.note(note),
            Msg::NameCopied(key) => self.name_copied(key),
            Msg::LastScope(s) => {
                self.scopes.last = s;
                vec![]
            }
            Msg::SelectScope(s) => self.select_named(&s),
            Msg::ImportPreviewed {
                scope,
                path,
                report,
                first_run,
            } => self.import_previewed(scope, path, report, first_run),
            Msg::Imported(done) => self.imported(done),
            Msg::TrashLoaded(scope, items) => self.trash_loaded(scope, items),
            Msg::DiffLoaded(a, b, d) => self.diff_loaded(a, b, d),
            _ => vec![],
        }
    }

    fn next_field(&mut self, d: isize) -> Vec<Effect> {
        if let Some(Dialog::Form(f)) = &mut self.dialog {
            f.move_focus(d);
        }
        vec![]
    }

    fn toggle_mask(&mut self) -> Vec<Effect> {
        if let Some(Dialog::Form(f)) = &mut self.dialog {
            f.toggle_mask();
        }
        vec![]
    }

    fn yes(&mut self) -> Vec<Effect> {
        if matches!(&self.dialog, Some(Dialog::Form(f)) if f.confirm_empty) {
            return self.submit_form();
        }
        match self.dialog.take() {
            Some(Dialog::Confirm(c)) => vec![c.on_yes],
            Some(offer @ Dialog::Offer(_)) => {
                self.dialog = Some(offer);
                self.answer(true)
            }
            other => {
                self.dialog = other;
                vec![]
            }
        }
    }

    fn listed(
        &mut self,
        listing: Vec<(Scope, Vec<SecretMeta>)>,
        pending: Vec<Scope>,
    ) -> Vec<Effect> {
        self.loaded(listing, pending);
        vec![]
    }

    fn scopes_loaded(&mut self, batch: Vec<(Scope, Vec<SecretMeta>)>) -> Vec<Effect> {
        self.catalog.fill(batch);
        self.restore_pending_key();
        if self.filter.is_some() {
            self.finder.extend(&self.catalog);
        }
        vec![]
    }

    fn revealed(&mut self, scope: Scope, key: KeyName, value: SecretValue) -> Vec<Effect> {
        if self.selected() == Some((scope, key)) {
            let secret = self.view_secret(self.cursor).unwrap_or(0);
            let until = self.now + self.cfg.reveal_for;
            self.revealed = Some(Revealed {
                secret,
                value,
                until,
                note: None,
                scroll: 0,
            });
        }
        vec![]
    }

    fn edit_loaded(&mut self, scope: Scope, key: KeyName, value: SecretValue) -> Vec<Effect> {
        let input = SecretInput::with_value(SecretInput::VALUE, &value);
        self.open_form(FormKind::Edit(scope, key), Some(input));
        vec![]
    }

    fn copied(&mut self, key: KeyName) -> Vec<Effect> {
        let until = self.now + self.cfg.clear_after;
        self.clip = Some(Clip {
            key: key.to_string(),
            until,
        });
        let after = super::human(self.cfg.clear_after);
        self.say(
            format!("copied {key}; the clipboard clears in {after}"),
            false,
        )
    }

    fn version_revealed(&mut self, version: u32, value: SecretValue) -> Vec<Effect> {
        if let Some(Dialog::History(h)) = &mut self.dialog {
            h.revealed = Some((version, value));
        }
        vec![]
    }

    fn clipboard_cleared(&mut self, ours: bool) -> Vec<Effect> {
        let text = if ours {
            "clipboard cleared"
        } else {
            "the clipboard holds something else now; left it alone"
        };
        self.say(text.into(), false)
    }

    pub(super) fn open_dialog(&mut self, dialog: Dialog) -> Vec<Effect> {
        self.dialog = Some(dialog);
        vec![]
    }

    pub(super) fn set_focus(&mut self, focus: Focus) -> Vec<Effect> {
        self.focus = focus;
        vec![]
    }

    pub(super) fn reveal(&mut self) -> Vec<Effect> {
        let current = self.view_secret(self.cursor);
        if self.revealed.as_ref().map(|r| Some(r.secret)) == Some(current) {
            self.revealed = None;
            return vec![];
        }
        self.on_selected(Effect::Reveal)
    }

    /// How many rows a movement key moves (0 for any other action).
    pub(super) fn delta(&self, a: Action) -> isize {
        let page = self.page() as isize;
        match a {
            Action::Up => -1,
            Action::Down => 1,
            Action::PageUp => -page,
            Action::PageDown => page,
            Action::Top => isize::MIN / 2,
            Action::Bottom => isize::MAX / 2,
            _ => 0,
        }
    }

    /// Moves the cursor in the focused pane; a move hides a revealed value.
    pub(super) fn move_by(&mut self, a: Action) -> Vec<Effect> {
        self.revealed = None;
        let delta = self.delta(a);
        let clamp = |at: usize, len: usize| step(at, delta, len);
        if self.focus == Focus::Scopes && self.filter.is_none() {
            let sel = clamp(self.scope_sel, self.catalog.scopes.len());
            if sel != self.scope_sel {
                self.scope_sel = sel;
                self.cursor = 0;
                self.offset = 0;
            }
        } else {
            self.cursor = clamp(self.cursor, self.view_len());
            self.keep_cursor_visible();
        }
        vec![]
    }

    fn input(&mut self, e: Edit) -> Vec<Effect> {
        if let Some(Dialog::Form(f)) = &mut self.dialog {
            f.edit(&e);
        } else if let Some(state) = self.filter.as_mut().filter(|f| f.editing) {
            state.input.apply(&e);
            self.refilter();
        }
        vec![]
    }

    fn submit(&mut self) -> Vec<Effect> {
        if let Some(Dialog::Form(f)) = &mut self.dialog {
            if f.enter_moves() {
                f.move_focus(1);
                return vec![];
            }
            if f.needs_empty_confirm() {
                f.confirm_empty = true;
                return vec![];
            }
            return self.submit_form();
        }
        if let Some(state) = &mut self.filter {
            state.editing = false;
        }
        vec![]
    }

    /// Checks the open form and runs what it yields, or shows its error in it.
    fn submit_form(&mut self) -> Vec<Effect> {
        if let Some(Dialog::Form(f)) = &mut self.dialog {
            f.confirm_empty = false;
            return match f.submit() {
                Ok(Effect::AddScope(scope)) => self.new_scope(scope),
                Ok(Effect::AskScopeOp(op)) => self.ask_scope_op(op),
                Ok(fx) => {
                    self.dialog = None;
                    vec![fx]
                }
                Err(e) => {
                    f.error = Some(e);
                    vec![]
                }
            };
        }
        vec![]
    }

    fn cancel(&mut self) -> Vec<Effect> {
        if let Some(Dialog::Form(f)) = &mut self.dialog
            && f.confirm_empty
        {
            f.confirm_empty = false;
            return vec![];
        }
        if matches!(self.dialog, Some(Dialog::Offer(_))) {
            return self.answer(false);
        }
        if self.dialog.take().is_none() {
            self.close_filter();
        }
        vec![]
    }

    pub(super) fn close_filter(&mut self) {
        if self.filter.take().is_some() {
            self.cursor = 0;
            self.offset = 0;
        }
    }

    /// Recomputes the filter's hits after its query or the catalog changed.
    pub(super) fn refilter(&mut self) {
        if let Some(state) = &mut self.filter {
            let query = state.input.text().to_string();
            self.finder.set_query(&query, &self.catalog);
            self.cursor = 0;
            self.offset = 0;
        }
        self.keep_cursor_visible();
    }
}
