//! The TUI's model and its `update`: [`App`] holds everything on screen, [`Msg`] is what
//! happened (a key, a tick, a vault result), [`Effect`] is what the driver should do next
//! (a vault call, the clipboard, quit). `update` does no I/O and reads no clock: time comes
//! in with [`Msg::Tick`], so every behaviour here is tested by feeding messages.

use super::catalog::Catalog;
use super::dialog::{Dialog, Form, FormKind};
use super::filter::Filter;
use super::gate::{Unlock, Welcome};
use super::input::{SecretInput, TextInput};
use crate::{Scope, SecretValue};
use std::path::PathBuf;
use std::time::{Duration, Instant};

mod actions;
mod detail;
#[cfg(test)]
mod detail_tests;
mod dialog_keys;
mod gate_screen;
#[cfg(test)]
mod lists_tests;
mod load;
mod main_screen;
mod scopes;
#[cfg(test)]
mod scopes_tests;
#[cfg(test)]
mod tests;

pub use super::msg::{Action, Effect, Msg, RotateHow, SaveKind};

/// Settings fixed for the session.
#[derive(Debug, Clone)]
pub struct Config {
    /// The vault file, as shown in the header.
    pub vault_path: String,
    /// A `.env` in the working directory to offer for import after creating a vault.
    pub env_file: Option<PathBuf>,
    /// Where that import goes (the linked scope, or one named after the directory).
    pub import_scope: Option<Scope>,
    /// The scope the working directory is linked to (`.devvault.toml`, with
    /// `.devvault.local.toml` or `DEVVAULT_ENV`): the TUI opens on it.
    pub open_scope: Option<Scope>,
    /// Idle time before the vault locks itself.
    pub lock_after: Duration,
    /// How long a copied value stays on the clipboard.
    pub clear_after: Duration,
    /// How long a revealed value stays visible.
    pub reveal_for: Duration,
    /// Colors on (off under `NO_COLOR`).
    pub color: bool,
}

/// Which screen is up.
#[derive(Debug)]
pub enum Screen {
    /// No vault yet: create one.
    Welcome(Welcome),
    /// The vault is locked.
    Unlock(Unlock),
    /// Browsing.
    Main,
}

/// Which pane has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// Projects and environments.
    Scopes,
    /// The secrets table.
    Secrets,
}

/// A value on screen, and when it hides again.
#[derive(Debug)]
pub struct Revealed {
    /// Index into the catalog's secrets.
    pub secret: usize,
    /// The value.
    pub value: SecretValue,
    /// When it is hidden again.
    pub until: Instant,
    /// The current version's note, once read.
    pub note: Option<String>,
    /// The first line of the value drawn (the detail pane scrolls).
    pub scroll: usize,
}

/// A value on the clipboard, and when it is cleared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clip {
    /// The key copied (for the footer).
    pub key: String,
    /// When the clipboard is cleared.
    pub until: Instant,
}

/// A one-line message in the footer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// The text.
    pub text: String,
    /// Shown as an error.
    pub error: bool,
    /// When it goes away.
    pub until: Instant,
}

/// The `/` filter: its query field and matches.
#[derive(Debug, Default)]
pub struct FilterState {
    /// The query being typed.
    pub input: TextInput,
    /// Typing goes to the query (until Enter).
    pub editing: bool,
}

/// The model: everything the view draws.
#[derive(Debug)]
pub struct App {
    /// Settings.
    pub cfg: Config,
    /// The screen.
    pub screen: Screen,
    /// Scopes and key names (empty while locked).
    pub catalog: Catalog,
    /// The focused pane.
    pub focus: Focus,
    /// The selected scope.
    pub scope_sel: usize,
    /// The selected row of the table.
    pub cursor: usize,
    /// The first row drawn.
    pub offset: usize,
    /// The filter, when one is active.
    pub filter: Option<FilterState>,
    /// The filter's matcher and index, kept between filters until the catalog changes.
    pub finder: Filter,
    /// The revealed value, if any.
    pub revealed: Option<Revealed>,
    /// The clipboard countdown, if any.
    pub clip: Option<Clip>,
    /// The dialog over the main screen.
    pub dialog: Option<Dialog>,
    /// The footer message.
    pub status: Option<Status>,
    /// Terminal size (columns, rows).
    pub size: (u16, u16),
    /// The time of the last tick.
    pub now: Instant,
    /// Unix time of the last tick (for ages).
    pub unix_now: i64,
    /// The last key press or click (for auto-lock).
    pub last_activity: Instant,
    /// Set when the app should exit.
    pub quit: bool,
    /// The order of a scope's keys in the table.
    pub sort: super::sort::SortBy,
    /// The sorted rows of the selected scope, computed when first drawn.
    pub sorted: super::sort::Cache,
    /// Questions waiting, the scope last used, whether the first listing came.
    pub scopes: super::offer::ScopeState,
}

impl App {
    /// A new app on `screen`, at time `now`.
    pub fn new(cfg: Config, screen: Screen, now: Instant, unix_now: i64) -> App {
        App {
            cfg,
            screen,
            catalog: Catalog::default(),
            focus: Focus::Secrets,
            scope_sel: 0,
            cursor: 0,
            offset: 0,
            filter: None,
            finder: Filter::default(),
            revealed: None,
            clip: None,
            dialog: None,
            status: None,
            size: (80, 24),
            now,
            unix_now,
            last_activity: now,
            quit: false,
            sort: super::sort::SortBy::Name,
            sorted: super::sort::Cache::default(),
            scopes: Default::default(),
        }
    }

    /// Whether keys go to a text field (so letters are typed, not commands).
    pub fn mode(&self) -> Mode {
        match (&self.screen, &self.dialog) {
            (Screen::Welcome(_) | Screen::Unlock(_), _) => Mode::Text,
            (Screen::Main, Some(Dialog::Form(f))) if f.confirm_empty => Mode::Confirm,
            (Screen::Main, Some(Dialog::Form(_))) => Mode::Text,
            (Screen::Main, Some(Dialog::Confirm(_) | Dialog::Offer(_))) => Mode::Confirm,
            (Screen::Main, Some(Dialog::Help)) => Mode::Overlay,
            (
                Screen::Main,
                Some(Dialog::History(_) | Dialog::Audit(_) | Dialog::Trash(_) | Dialog::Diff(_)),
            ) => Mode::List,
            (Screen::Main, None) if self.revealed.is_some() => Mode::Detail,
            (Screen::Main, None) if self.filter.as_ref().is_some_and(|f| f.editing) => Mode::Filter,
            (Screen::Main, None) => Mode::Normal,
        }
    }

    /// Handles one message; returns what the driver should do.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        if matches!(
            msg,
            Msg::Act(_)
                | Msg::Input(_)
                | Msg::Submit
                | Msg::Cancel
                | Msg::Click(..)
                | Msg::Scroll(..)
        ) {
            self.last_activity = self.now;
        }
        match msg {
            Msg::Tick(now, unix) => self.tick(now, unix),
            Msg::Resize(w, h) => {
                self.size = (w, h);
                self.keep_cursor_visible();
                vec![]
            }
            Msg::Created => self.created(),
            Msg::Unlocked => {
                self.screen = Screen::Main;
                vec![Effect::LoadAll]
            }
            Msg::UnlockFailed(e) => self.unlock_failed(e),
            Msg::Info(text) => self.say(text, false),
            Msg::Failed(text) => self.say(text, true),
            msg => match self.screen {
                Screen::Welcome(_) | Screen::Unlock(_) => self.gate(msg),
                Screen::Main => self.main(msg),
            },
        }
    }

    fn tick(&mut self, now: Instant, unix: i64) -> Vec<Effect> {
        self.now = now;
        self.unix_now = unix;
        let mut fx = vec![];
        if self.revealed.as_ref().is_some_and(|r| now >= r.until) {
            self.revealed = None;
        }
        if self.status.as_ref().is_some_and(|s| now >= s.until) {
            self.status = None;
        }
        if self.clip.as_ref().is_some_and(|c| now >= c.until) {
            self.clip = None;
            fx.push(Effect::ClearClipboard);
        }
        let idle = now.saturating_duration_since(self.last_activity);
        if matches!(self.screen, Screen::Main) && idle >= self.cfg.lock_after {
            let note = format!("locked after {} idle", human(self.cfg.lock_after));
            fx.extend(self.lock(Some(note)));
        }
        fx
    }

    /// Drops every name and value and shows the unlock screen; clears the clipboard when it
    /// still holds a value copied from here.
    pub fn lock(&mut self, note: Option<String>) -> Vec<Effect> {
        let mut fx = self.remember();
        if self.clip.take().is_some() {
            fx.push(Effect::ClearClipboard);
        }
        self.catalog = Catalog::default();
        self.revealed = None;
        self.filter = None;
        self.finder = Filter::default();
        self.dialog = None;
        self.cursor = 0;
        self.offset = 0;
        self.screen = Screen::Unlock(Unlock::new(note));
        self.scopes = Default::default();
        fx.push(Effect::Lock);
        fx
    }

    /// Shows a message in the footer for a few seconds.
    pub fn say(&mut self, text: String, error: bool) -> Vec<Effect> {
        let until = self.now + Duration::from_secs(if error { 10 } else { 5 });
        self.status = Some(Status { text, error, until });
        vec![]
    }

    /// Opens a form.
    pub fn open_form(&mut self, kind: FormKind, value: Option<SecretInput>) {
        self.dialog = Some(Dialog::Form(Form::new(kind, value)));
    }
}

/// How keys are read right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Commands.
    Normal,
    /// Typing the filter query.
    Filter,
    /// Typing into a field.
    Text,
    /// A yes/no question.
    Confirm,
    /// An overlay any key closes.
    Overlay,
    /// A list over the main screen (history, audit).
    List,
    /// The detail pane of a revealed value.
    Detail,
}

/// `5 min`, `30 s`: a duration as the footer and notes show it.
pub fn human(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 3600 && s.is_multiple_of(3600) {
        format!("{} h", s / 3600)
    } else if s >= 60 && s.is_multiple_of(60) {
        format!("{} min", s / 60)
    } else {
        format!("{s} s")
    }
}
