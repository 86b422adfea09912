//! The keymap: one table from key presses (never releases) to [`Msg`]s, read in the mode
//! the app is in. The help overlay and the footer are drawn from the same table, so what
//! they say is what works.

use super::app::{Action, Mode, Msg};
use super::input::Edit;
use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};

mod bindings;

pub use bindings::{BINDINGS, Binding, Key, help_rows};

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
        Mode::Detail => Some(Msg::Act(detail(k.code, ctrl))),
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

/// Keys over the detail pane: moves scroll, `c`/`y` copy, `q`/Ctrl-C quit, `L` locks,
/// any other key closes it.
fn detail(code: KeyCode, ctrl: bool) -> Action {
    match code {
        KeyCode::Char('c') if ctrl => Action::Quit,
        KeyCode::Up | KeyCode::Char('k') => Action::Up,
        KeyCode::Down | KeyCode::Char('j') => Action::Down,
        KeyCode::PageUp => Action::PageUp,
        KeyCode::PageDown => Action::PageDown,
        KeyCode::Home | KeyCode::Char('g') => Action::Top,
        KeyCode::End | KeyCode::Char('G') => Action::Bottom,
        KeyCode::Char('c') => Action::Copy,
        KeyCode::Char('y') => Action::CopyName,
        KeyCode::Char('q') => Action::Quit,
        KeyCode::Char('L') => Action::Lock,
        _ => Action::Back,
    }
}

/// Whether a key press is Ctrl-Z (suspend to the shell), in any mode.
pub fn is_suspend(ev: &Event) -> bool {
    matches!(ev, Event::Key(k) if k.kind != KeyEventKind::Release
        && k.code == KeyCode::Char('z')
        && k.modifiers.contains(KeyModifiers::CONTROL))
}

/// The main-screen action for a key press, from [`BINDINGS`]: an exact match first (Ctrl-C
/// is quit, `c` is copy); with Ctrl held and no Ctrl binding, the plain key's action.
fn normal(code: KeyCode, ctrl: bool) -> Option<Action> {
    let find = |want: Key| {
        BINDINGS
            .iter()
            .find(|b| b.codes.contains(&want))
            .map(|b| b.action)
    };
    find(Key { code, ctrl }).or_else(|| {
        if ctrl {
            find(Key { code, ctrl: false })
        } else {
            None
        }
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
    fn every_binding_is_reachable_by_its_own_keys() {
        // Each key of each row maps back to that row's action: no key is bound twice.
        for b in BINDINGS {
            assert!(!b.codes.is_empty(), "{} has no key", b.keys);
            for key in b.codes {
                assert_eq!(normal(key.code, key.ctrl), Some(b.action), "{}", b.keys);
            }
        }
        assert_eq!(normal(KeyCode::Char('k'), true), Some(Action::Up));
        assert_eq!(normal(KeyCode::Char('z'), false), None);
    }
}
