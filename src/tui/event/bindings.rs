//! The main screen's keymap as data: [`BINDINGS`], one row per action with its keys and
//! the words the `?` help and the footer show. Matching a key against it is
//! `event.rs`'s job; this module only holds the table (no matching, no drawing).

use super::super::app::Action;
use ratatui::crossterm::event::KeyCode;

/// A key press as the keymap matches it: a key code, with or without Ctrl.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key {
    /// The key.
    pub code: KeyCode,
    /// Ctrl held.
    pub ctrl: bool,
}

const fn k(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: false,
    }
}

const fn code(code: KeyCode) -> Key {
    Key { code, ctrl: false }
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: true,
    }
}

/// A main-screen binding: the keys that trigger it, the action, and how help and the
/// footer describe it. Key matching, the `?` help and the footer all read [`BINDINGS`].
pub struct Binding {
    /// The keys, as help shows them; empty for a binding help lists with the row above
    /// (e.g. Down with Up).
    pub keys: &'static str,
    /// The key presses that trigger it.
    pub codes: &'static [Key],
    /// The action.
    pub action: Action,
    /// What it does (help).
    pub help: &'static str,
    /// Shown in the footer too.
    pub footer: Option<&'static str>,
}

const fn b(
    keys: &'static str,
    codes: &'static [Key],
    action: Action,
    help: &'static str,
    footer: Option<&'static str>,
) -> Binding {
    Binding {
        keys,
        codes,
        action,
        help,
        footer,
    }
}

/// A binding help lists with the row above it.
const fn also(codes: &'static [Key], action: Action) -> Binding {
    b("", codes, action, "", None)
}

/// Every main-screen binding, in help order: the one keymap of the main screen.
pub const BINDINGS: &[Binding] = &[
    b(
        "↑ ↓ / k j",
        &[code(KeyCode::Up), k('k')],
        Action::Up,
        "move (Down: j)",
        Some("↑↓ move"),
    ),
    also(&[code(KeyCode::Down), k('j')], Action::Down),
    b(
        "PgUp PgDn",
        &[code(KeyCode::PageUp)],
        Action::PageUp,
        "move a page",
        None,
    ),
    also(&[code(KeyCode::PageDown)], Action::PageDown),
    b(
        "g G / Home End",
        &[code(KeyCode::Home), k('g')],
        Action::Top,
        "first / last row",
        None,
    ),
    also(&[code(KeyCode::End), k('G')], Action::Bottom),
    b(
        "Tab ← →",
        &[code(KeyCode::Tab), code(KeyCode::BackTab)],
        Action::SwitchPane,
        "switch pane",
        Some("Tab pane"),
    ),
    also(&[code(KeyCode::Left)], Action::Left),
    also(&[code(KeyCode::Right)], Action::Right),
    b(
        "Enter / Space",
        &[code(KeyCode::Enter), k(' ')],
        Action::Reveal,
        "show the whole value and its details (30 s)",
        Some("⏎ reveal"),
    ),
    b(
        "c",
        &[k('c')],
        Action::Copy,
        "copy the value (clipboard clears itself)",
        Some("c copy"),
    ),
    b(
        "y",
        &[k('y')],
        Action::CopyName,
        "copy the key's name",
        None,
    ),
    b(
        "s",
        &[k('s')],
        Action::Sort,
        "sort by name, age or rotation due",
        None,
    ),
    b(
        "/",
        &[k('/')],
        Action::Filter,
        "fuzzy filter across every project",
        Some("/ filter"),
    ),
    b(
        "a",
        &[k('a')],
        Action::Add,
        "add a key to this scope",
        Some("a add"),
    ),
    b(
        "e",
        &[k('e')],
        Action::Edit,
        "edit the value",
        Some("e edit"),
    ),
    b(
        "r",
        &[k('r')],
        Action::Rotate,
        "rotate: generate or paste a new value",
        Some("r rotate"),
    ),
    b(
        "h",
        &[k('h')],
        Action::History,
        "history: versions, reveal (Enter), roll back (b)",
        Some("h hist"),
    ),
    b(
        "A",
        &[k('A')],
        Action::Audit,
        "the audit log (last 30 days)",
        None,
    ),
    b(
        "R / F5",
        &[k('R'), code(KeyCode::F(5))],
        Action::Reload,
        "read the vault again (changes made elsewhere)",
        None,
    ),
    b(
        "d",
        &[k('d')],
        Action::Delete,
        "delete the key (kept in history)",
        Some("d del"),
    ),
    b(
        "x",
        &[k('x')],
        Action::Export,
        "export this scope to a file (0600)",
        Some("x export"),
    ),
    b(
        "n",
        &[k('n')],
        Action::New,
        "new project or environment",
        Some("n new"),
    ),
    b(
        "S",
        &[k('S')],
        Action::ScopeOps,
        "scope: remove, purge, rename, copy, diff",
        None,
    ),
    b(
        "i",
        &[k('i')],
        Action::Import,
        "import a .env file into this scope",
        None,
    ),
    b(
        "T",
        &[k('T')],
        Action::Trash,
        "trash: removed keys, restorable",
        None,
    ),
    b(
        "L",
        &[k('L')],
        Action::Lock,
        "lock now (forget the key)",
        Some("L lock"),
    ),
    b("?", &[k('?')], Action::Help, "this help", Some("? help")),
    b(
        "Esc",
        &[code(KeyCode::Esc)],
        Action::Back,
        "hide the value, close the filter",
        None,
    ),
    b(
        "q",
        &[k('q'), ctrl('c')],
        Action::Quit,
        "quit (clears the clipboard)",
        Some("q quit"),
    ),
];

/// The rows help lists (each with its keys shown).
pub fn help_rows() -> impl Iterator<Item = &'static Binding> {
    BINDINGS.iter().filter(|b| !b.keys.is_empty())
}
