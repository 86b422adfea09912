//! `update` for a main-screen [`Action`] from the keymap: one method per action (move,
//! reveal, copy, the filter, the forms and dialogs they open, lock, quit). Part of [`App`];
//! no I/O.

use super::super::dialog::{Confirm, Dialog, FormKind};
use super::main_screen::AUDIT_DAYS;
use super::{Action, App, Effect, FilterState, Focus};
use crate::{KeyName, Scope};

impl App {
    /// A main-screen action from the keymap: one method per action.
    pub(super) fn act(&mut self, a: Action) -> Vec<Effect> {
        use Action::*;
        match a {
            Up | Down | PageUp | PageDown | Top | Bottom => self.move_by(a),
            SwitchPane => self.switch_pane(),
            Left => self.set_focus(Focus::Scopes),
            Right => self.set_focus(Focus::Secrets),
            Reveal if self.focus == Focus::Scopes && self.filter.is_none() => self.enter_scope(),
            Reveal => self.reveal(),
            Copy => self.on_selected(Effect::Copy),
            CopyName => self.copy_name(),
            Sort => self.cycle_sort(),
            Filter => self.start_filter(),
            Add => self.add(),
            Edit => self.on_selected(Effect::FetchForEdit),
            Rotate => self.rotate(),
            History => self.on_selected(Effect::LoadHistory),
            Audit => vec![Effect::LoadAudit(AUDIT_DAYS)],
            Reload => self.reload_all(),
            Rollback => vec![],
            Delete => self.confirm_delete(),
            Export => self.export(),
            New => self.open_form_only(FormKind::NewScope),
            Lock => self.lock(Some("locked".into())),
            ScopeOps => self.scope_ops(),
            Import => self.import_form(),
            Trash => self.trash(),
            Help => self.open_dialog(Dialog::Help),
            Back => self.back(),
            Quit => self.quit(),
        }
    }

    /// The effect `make` builds for the selected key, or why nothing happens.
    pub(super) fn on_selected(&mut self, make: fn(Scope, KeyName) -> Effect) -> Vec<Effect> {
        match self.selected() {
            Some((s, k)) => vec![make(s, k)],
            None => self.nothing_selected(),
        }
    }

    fn switch_pane(&mut self) -> Vec<Effect> {
        self.focus = match self.focus {
            Focus::Scopes => Focus::Secrets,
            Focus::Secrets => Focus::Scopes,
        };
        vec![]
    }

    fn start_filter(&mut self) -> Vec<Effect> {
        let state = self.filter.get_or_insert_with(FilterState::default);
        state.editing = true;
        self.focus = Focus::Secrets;
        self.refilter();
        vec![]
    }

    fn add(&mut self) -> Vec<Effect> {
        match self.current_scope() {
            Some(scope) => self.open_form_only(FormKind::Add(scope)),
            None => self.say("no project yet: press n to start one".into(), true),
        }
    }

    fn rotate(&mut self) -> Vec<Effect> {
        match self.selected() {
            Some((s, k)) => self.open_form(FormKind::Rotate(s, k), None),
            None => return self.nothing_selected(),
        }
        vec![]
    }

    fn confirm_delete(&mut self) -> Vec<Effect> {
        let Some((scope, key)) = self.selected() else {
            return self.nothing_selected();
        };
        self.dialog = Some(Dialog::Confirm(Confirm {
            text: format!("Delete {key} from {scope}? Its value stays in history."),
            on_yes: Effect::Delete(scope, key),
        }));
        vec![]
    }

    fn export(&mut self) -> Vec<Effect> {
        match self.current_scope() {
            Some(scope) => self.open_form(FormKind::Export(scope), None),
            None => return self.say("no project yet: press n to start one".into(), true),
        }
        vec![]
    }

    fn open_form_only(&mut self, kind: FormKind) -> Vec<Effect> {
        self.open_form(kind, None);
        vec![]
    }

    fn back(&mut self) -> Vec<Effect> {
        self.revealed = None;
        self.close_filter();
        vec![]
    }

    fn quit(&mut self) -> Vec<Effect> {
        self.quit = true;
        let mut fx = self.remember();
        if self.clip.take().is_some() {
            fx.push(Effect::ClearClipboard);
        }
        fx.push(Effect::Quit);
        fx
    }
}
