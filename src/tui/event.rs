//! The keymap: one table from key presses (never releases) to [`Msg`]s, read in the mode
//! the app is in. The help overlay and the footer are drawn from the same table, so what
//! they say is what works.

use super::app::{Action, Mode, Msg};
use super::input::Edit;
use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};

/// A main-screen binding: keys, the action, and how help describes it.
pub struct Binding {
    /// The keys, as shown.
    pub keys: &'static str,
    /// The action (the keymap test checks that each one has a key).
    #[cfg_attr(not(test), allow(dead_code))]
    pub action: Action,
    /// What it does.
    pub help: &'static str,
    /// Shown in the footer too.
    pub footer: Option<&'static str>,
}

const fn b(
    keys: &'static str,
    action: Action,
    help: &'static str,
    footer: Option<&'static str>,
) -> Binding {
    Binding {
        keys,
        action,
        help,
        footer,
    }
}

/// Every main-screen binding, in help order.
pub const BINDINGS: &[Binding] = &[
    b("↑ ↓ / k j", Action::Up, "move (Down: j)", Some("↑↓ move")),
    b("PgUp PgDn", Action::PageUp, "move a page", None),
    b("g G / Home End", Action::Top, "first / last row", None),
    b(
        "Tab ← →",
        Action::SwitchPane,
        "switch pane",
        Some("Tab pane"),
    ),
    b(
        "Enter / Space",
        Action::Reveal,
        "reveal or hide the value (30 s)",
        Some("⏎ reveal"),
    ),
    b(
        "c",
        Action::Copy,
        "copy the value (clipboard clears itself)",
        Some("c copy"),
    ),
    b(
        "/",
        Action::Filter,
        "fuzzy filter across every project",
        Some("/ filter"),
    ),
    b("a", Action::Add, "add a key to this scope", Some("a add")),
    b("e", Action::Edit, "edit the value", Some("e edit")),
    b(
        "r",
        Action::Rotate,
        "rotate: generate or paste a new value",
        Some("r rotate"),
    ),
    b(
        "h",
        Action::History,
        "history: versions, reveal (Enter), roll back (b)",
        Some("h hist"),
    ),
    b("A", Action::Audit, "the audit log (last 30 days)", None),
    b(
        "R / F5",
        Action::Reload,
        "read the vault again (changes made elsewhere)",
        None,
    ),
    b(
        "d",
        Action::Delete,
        "delete the key (kept in history)",
        Some("d del"),
    ),
    b(
        "x",
        Action::Export,
        "export this scope to a file (0600)",
        Some("x export"),
    ),
    b(
        "n",
        Action::New,
        "new project or environment",
        Some("n new"),
    ),
    b(
        "L",
        Action::Lock,
        "lock now (forget the key)",
        Some("L lock"),
    ),
    b("?", Action::Help, "this help", Some("? help")),
    b(
        "Esc",
        Action::Back,
        "hide the value, close the filter",
        None,
    ),
    b(
        "q",
        Action::Quit,
        "quit (clears the clipboard)",
        Some("q quit"),
    ),
];

/// The message for a terminal event in `mode`, if it means anything there.
pub fn to_msg(mode: Mode, ev: Event) -> Option<Msg> {
    match ev {
        Event::Key(k) if k.kind != KeyEventKind::Release => key(mode, k),
        Event::Paste(s) if matches!(mode, Mode::Text | Mode::Filter) => {
            Some(Msg::Input(Edit::Paste(s)))
        }
        Event::Resize(w, h) => Some(Msg::Resize(w, h)),
        Event::Mouse(m) => match m.kind {
            MouseEventKind::ScrollDown => Some(Msg::Scroll(m.column, m.row, true)),
            MouseEventKind::ScrollUp => Some(Msg::Scroll(m.column, m.row, false)),
            MouseEventKind::Down(MouseButton::Left) => Some(Msg::Click(m.column, m.row)),
            _ => None,
        },
        _ => None,
    }
}

fn key(mode: Mode, k: KeyEvent) -> Option<Msg> {
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    match mode {
        Mode::Normal => normal(k.code, ctrl).map(Msg::Act),
        Mode::Overlay => Some(Msg::Cancel),
        Mode::List => match k.code {
            KeyCode::Up | KeyCode::Char('k') => Some(Msg::Act(Action::Up)),
            KeyCode::Down | KeyCode::Char('j') => Some(Msg::Act(Action::Down)),
            KeyCode::PageUp => Some(Msg::Act(Action::PageUp)),
            KeyCode::PageDown => Some(Msg::Act(Action::PageDown)),
            KeyCode::Home | KeyCode::Char('g') => Some(Msg::Act(Action::Top)),
            KeyCode::End | KeyCode::Char('G') => Some(Msg::Act(Action::Bottom)),
            KeyCode::Enter | KeyCode::Char(' ') => Some(Msg::Act(Action::Reveal)),
            KeyCode::Char('b') => Some(Msg::Act(Action::Rollback)),
            _ => Some(Msg::Cancel),
        },
        Mode::Confirm => match k.code {
            KeyCode::Char('y' | 'Y') => Some(Msg::Yes),
            KeyCode::Char('n' | 'N' | 'q') | KeyCode::Esc => Some(Msg::Cancel),
            KeyCode::Char('c') if ctrl => Some(Msg::Cancel),
            _ => None,
        },
        Mode::Filter => match k.code {
            KeyCode::Up => Some(Msg::Act(Action::Up)),
            KeyCode::Down => Some(Msg::Act(Action::Down)),
            KeyCode::PageUp => Some(Msg::Act(Action::PageUp)),
            KeyCode::PageDown => Some(Msg::Act(Action::PageDown)),
            KeyCode::Enter => Some(Msg::Submit),
            KeyCode::Esc => Some(Msg::Cancel),
            _ => edit(k.code, ctrl).map(Msg::Input),
        },
        Mode::Text => match k.code {
            KeyCode::Enter => Some(Msg::Submit),
            KeyCode::Esc => Some(Msg::Cancel),
            KeyCode::Char('c') if ctrl => Some(Msg::Cancel),
            KeyCode::Char('t') if ctrl => Some(Msg::ToggleMask),
            KeyCode::Tab | KeyCode::Down => Some(Msg::NextField(1)),
            KeyCode::BackTab | KeyCode::Up => Some(Msg::NextField(-1)),
            _ => edit(k.code, ctrl).map(Msg::Input),
        },
    }
}

fn normal(code: KeyCode, ctrl: bool) -> Option<Action> {
    use Action::*;
    Some(match code {
        KeyCode::Char('c') if ctrl => Quit,
        KeyCode::Up | KeyCode::Char('k') => Up,
        KeyCode::Down | KeyCode::Char('j') => Down,
        KeyCode::PageUp => PageUp,
        KeyCode::PageDown => PageDown,
        KeyCode::Home | KeyCode::Char('g') => Top,
        KeyCode::End | KeyCode::Char('G') => Bottom,
        KeyCode::Tab | KeyCode::BackTab => SwitchPane,
        KeyCode::Left => Left,
        KeyCode::Right => Right,
        KeyCode::Enter | KeyCode::Char(' ') => Reveal,
        KeyCode::Char('c') => Copy,
        KeyCode::Char('/') => Filter,
        KeyCode::Char('a') => Add,
        KeyCode::Char('e') => Edit,
        KeyCode::Char('r') => Rotate,
        KeyCode::Char('h') => History,
        KeyCode::Char('A') => Audit,
        KeyCode::Char('R') | KeyCode::F(5) => Reload,
        KeyCode::Char('d') => Delete,
        KeyCode::Char('x') => Export,
        KeyCode::Char('n') => New,
        KeyCode::Char('L') => Lock,
        KeyCode::Char('?') => Help,
        KeyCode::Esc => Back,
        KeyCode::Char('q') => Quit,
        _ => return None,
    })
}

fn edit(code: KeyCode, ctrl: bool) -> Option<Edit> {
    Some(match code {
        KeyCode::Char('u') if ctrl => Edit::Clear,
        KeyCode::Char('a') if ctrl => Edit::Home,
        KeyCode::Char('e') if ctrl => Edit::End,
        KeyCode::Char(_) if ctrl => return None,
        KeyCode::Char(c) => Edit::Char(c),
        KeyCode::Backspace => Edit::Backspace,
        KeyCode::Delete => Edit::Delete,
        KeyCode::Left => Edit::Left,
        KeyCode::Right => Edit::Right,
        KeyCode::Home => Edit::Home,
        KeyCode::End => Edit::End,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode) -> Event {
        Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    #[test]
    fn the_same_key_means_different_things_per_mode() {
        let q = press(KeyCode::Char('q'));
        assert!(matches!(
            to_msg(Mode::Normal, q.clone()),
            Some(Msg::Act(Action::Quit))
        ));
        assert!(matches!(
            to_msg(Mode::Text, q.clone()),
            Some(Msg::Input(Edit::Char('q')))
        ));
        assert!(matches!(
            to_msg(Mode::Filter, q),
            Some(Msg::Input(Edit::Char('q')))
        ));
        let mut release = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
        release.kind = KeyEventKind::Release;
        assert!(to_msg(Mode::Normal, Event::Key(release)).is_none());
    }

    #[test]
    fn every_binding_is_reachable() {
        // Each action the help lists has a key in the normal keymap.
        for b in BINDINGS {
            let reachable = [
                KeyCode::Up,
                KeyCode::PageUp,
                KeyCode::Home,
                KeyCode::Tab,
                KeyCode::Enter,
                KeyCode::Esc,
            ]
            .into_iter()
            .chain("c/aerhARdxnL?q".chars().map(KeyCode::Char))
            .any(|code| normal(code, false) == Some(b.action));
            assert!(reachable, "{} has no key", b.keys);
        }
    }
}
