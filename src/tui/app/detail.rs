//! `update` while a revealed value's detail pane is open (its scroll, copy, close), and the
//! small actions beside it: copying a key's name, the table's order, and saying why a key
//! that needs a selected secret did nothing. Part of [`App`]; no I/O.

use super::super::layout;
use super::{Action, App, Effect};
use crate::KeyName;

impl App {
    /// Keys over the detail pane: moves scroll the value, `c`/`y` copy, `q` quits, any
    /// other key closes the pane.
    pub(super) fn detail_key(&mut self, a: Action) -> Vec<Effect> {
        match a {
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom => {
                self.scroll_detail(a);
                vec![]
            }
            Action::Copy | Action::CopyName | Action::Quit | Action::Lock => self.act(a),
            _ => {
                self.revealed = None;
                vec![]
            }
        }
    }

    fn scroll_detail(&mut self, a: Action) {
        let area = layout::detail_value(self.size);
        let page = usize::from(area.height.max(1));
        let Some(r) = self.revealed.as_mut() else {
            return;
        };
        let lines = layout::wrapped_lines(r.value.expose_secret(), area.width);
        let last = lines.saturating_sub(page);
        r.scroll = match a {
            Action::Up => r.scroll.saturating_sub(1),
            Action::Down => r.scroll + 1,
            Action::PageUp => r.scroll.saturating_sub(page),
            Action::PageDown => r.scroll + page,
            Action::Top => 0,
            _ => last,
        }
        .min(last);
    }

    /// The revealed value's note arrived.
    pub(super) fn note(&mut self, note: Option<String>) -> Vec<Effect> {
        if let Some(r) = self.revealed.as_mut() {
            r.note = note;
        }
        vec![]
    }

    /// `y`: the selected key's name to the clipboard.
    pub(super) fn copy_name(&mut self) -> Vec<Effect> {
        match self.selected() {
            Some((_, k)) => vec![Effect::CopyName(k)],
            None => self.nothing_selected(),
        }
    }

    /// A name replaced our value on the clipboard: nothing of ours is left to clear.
    pub(super) fn name_copied(&mut self, key: KeyName) -> Vec<Effect> {
        self.clip = None;
        self.say(format!("copied the name {key}"), false)
    }

    /// `s`: the next order of the table (name, age, rotation due).
    pub(super) fn cycle_sort(&mut self) -> Vec<Effect> {
        let selected = self.view_secret(self.cursor);
        self.sort = self.sort.next();
        self.sorted.clear();
        // The same key stays selected.
        if let Some(at) = selected
            .and_then(|want| (0..self.view_len()).find(|&row| self.view_secret(row) == Some(want)))
        {
            self.cursor = at;
        }
        self.keep_cursor_visible();
        let by = self.sort.label();
        self.say(format!("sorted by {by}"), false)
    }

    /// SIGTERM or SIGHUP: quit from any screen or dialog, clearing the clipboard as `q` does.
    pub fn stop(&mut self) -> Vec<Effect> {
        self.dialog = None;
        self.revealed = None;
        self.act(Action::Quit)
    }

    /// Why a key that acts on the selected secret did nothing.
    pub(super) fn nothing_selected(&mut self) -> Vec<Effect> {
        let why = if self.current_scope().is_none() && self.filter.is_none() {
            "nothing selected: no project yet; press n to start one"
        } else {
            "nothing selected: this list is empty"
        };
        self.say(why.into(), true)
    }
}
