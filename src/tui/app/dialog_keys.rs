//! `update` for keys while a list or question is open over the main screen (history,
//! audit, help, confirmations) and for the mouse. Part of [`App`]; no I/O.

use super::super::dialog::{Confirm, Dialog};
use super::super::layout;
use super::super::lists::step;
use super::{Action, App, Effect, Focus};

impl App {
    /// Keys while a dialog is open: lists move; help and questions close.
    pub(super) fn dialog_key(&mut self, a: Action) -> Vec<Effect> {
        if matches!(self.dialog, Some(Dialog::Trash(_) | Dialog::Diff(_))) {
            return self.scope_view_key(a);
        }
        let delta = self.delta(a);
        match &mut self.dialog {
            Some(Dialog::History(h)) => {
                if delta != 0 {
                    h.sel = step(h.sel, delta, h.versions.len());
                    h.revealed = None;
                    return vec![];
                }
                let Some(v) = h.selected() else { return vec![] };
                let (scope, key, version, current) =
                    (h.scope.clone(), h.key.clone(), v.version, v.current);
                match a {
                    Action::Reveal if h.revealed.as_ref().is_some_and(|r| r.0 == version) => {
                        h.revealed = None;
                        vec![]
                    }
                    Action::Reveal => vec![Effect::RevealVersion(scope, key, version)],
                    Action::Rollback if current => {
                        self.say(format!("v{version} is already the current value"), true)
                    }
                    Action::Rollback => {
                        self.dialog = Some(Dialog::Confirm(Confirm {
                            text: format!(
                                "Roll {key} back to v{version}? Its value becomes a new version."
                            ),
                            on_yes: Effect::Rollback(scope, key, version),
                        }));
                        vec![]
                    }
                    _ => vec![],
                }
            }
            Some(Dialog::Audit(v)) => {
                v.sel = step(v.sel, delta, v.events.len());
                vec![]
            }
            Some(Dialog::Help | Dialog::Confirm(_)) => {
                self.dialog = None;
                vec![]
            }
            _ => vec![],
        }
    }

    pub(super) fn click(&mut self, col: u16, row: u16) -> Vec<Effect> {
        if self.dialog.is_some() {
            return vec![];
        }
        let areas = layout::main(self.size, self.filter.is_some());
        if areas.scopes.contains((col, row).into()) && self.filter.is_none() {
            self.focus = super::Focus::Scopes;
            let tree = self.catalog.tree();
            let first = layout::tree_offset(self.catalog.tree_row(self.scope_sel), areas.scopes);
            let line = first + (row.saturating_sub(areas.scopes.y + 1)) as usize;
            if let Some(super::super::catalog::TreeRow::Env(i)) = tree.get(line)
                && *i != self.scope_sel
            {
                self.scope_sel = *i;
                self.cursor = 0;
                self.offset = 0;
                self.revealed = None;
            }
        } else if areas.table.contains((col, row).into()) {
            self.focus = super::Focus::Secrets;
            let body_top = areas.table.y + 2;
            if row >= body_top {
                let at = self.offset + (row - body_top) as usize;
                if at < self.view_len() && at != self.cursor {
                    self.cursor = at;
                    self.revealed = None;
                }
            }
        }
        vec![]
    }

    pub(super) fn scroll(&mut self, col: u16, row: u16, down: bool) -> Vec<Effect> {
        let areas = layout::main(self.size, self.filter.is_some());
        let focus = if areas.scopes.contains((col, row).into()) {
            Focus::Scopes
        } else {
            Focus::Secrets
        };
        let saved = self.focus;
        self.focus = focus;
        let fx = self.move_by(if down { Action::Down } else { Action::Up });
        self.focus = saved;
        fx
    }
}
