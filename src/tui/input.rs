//! Text fields for the TUI's forms: a plain [`TextInput`] for names and paths, and a
//! [`SecretInput`] for passphrases and values whose buffer is allocated once at full size,
//! never reallocates (so no stale copy is left on the heap) and is zeroized on drop.

use crate::{Passphrase, SecretValue};
use zeroize::Zeroizing;

/// An edit to a field, from the keymap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// Insert a character at the cursor.
    Char(char),
    /// Insert pasted text at the cursor.
    Paste(String),
    /// Delete the character before the cursor.
    Backspace,
    /// Delete the character at the cursor.
    Delete,
    /// Move left.
    Left,
    /// Move right.
    Right,
    /// Move to the start.
    Home,
    /// Move to the end.
    End,
    /// Delete everything before the cursor (Ctrl-U).
    Clear,
}

/// A single-line text field (names, paths, numbers). Not for secrets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextInput {
    text: String,
    /// Cursor position in characters.
    cursor: usize,
}

impl TextInput {
    /// A field holding `text`, cursor at the end.
    pub fn new(text: &str) -> Self {
        TextInput {
            text: text.to_string(),
            cursor: text.chars().count(),
        }
    }

    /// The text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The cursor position in characters.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Applies an edit; newlines and control characters are dropped.
    pub fn apply(&mut self, edit: &Edit) {
        let mut chars: Vec<char> = self.text.chars().collect();
        apply_chars(&mut chars, &mut self.cursor, edit, usize::MAX, false);
        self.text = chars.into_iter().collect();
    }
}

/// A masked field for a passphrase or a value. The buffer is allocated once with room for
/// `capacity` bytes; input beyond it is refused, so it never moves, and it is zeroized on
/// drop and after [`SecretInput::take_value`].
pub struct SecretInput {
    buf: Zeroizing<String>,
    capacity: usize,
    /// Cursor position in characters.
    cursor: usize,
    multiline: bool,
}

impl SecretInput {
    /// Room for a passphrase.
    pub const PASSPHRASE: usize = 1024;
    /// Room for a value (a certificate or a key file fits).
    pub const VALUE: usize = 64 * 1024;

    /// An empty field with room for `capacity` bytes; `multiline` keeps pasted newlines.
    pub fn new(capacity: usize, multiline: bool) -> Self {
        SecretInput {
            buf: Zeroizing::new(String::with_capacity(capacity)),
            capacity,
            cursor: 0,
            multiline,
        }
    }

    /// A field holding `value` (for editing an existing secret).
    pub fn with_value(capacity: usize, value: &SecretValue) -> Self {
        let mut input = SecretInput::new(capacity.max(value.len()), true);
        input.buf.push_str(value.expose_secret());
        input.cursor = value.expose_secret().chars().count();
        input
    }

    /// Applies an edit in place; returns false when it would not fit (nothing changes).
    pub fn apply(&mut self, edit: &Edit) -> bool {
        let extra = match edit {
            Edit::Char(c) => c.len_utf8(),
            Edit::Paste(s) => s.len(),
            _ => 0,
        };
        if self.buf.len() + extra > self.capacity {
            return false;
        }
        let before = self.buf.as_ptr();
        let byte_at = |s: &str, n: usize| s.char_indices().nth(n).map_or(s.len(), |(i, _)| i);
        match edit {
            Edit::Char(c) if !c.is_control() => {
                let at = byte_at(&self.buf, self.cursor);
                self.buf.insert(at, *c);
                self.cursor += 1;
            }
            Edit::Paste(s) => {
                let text = newlines(s);
                for c in text.chars().filter(|&c| self.multiline || c != '\n') {
                    if c.is_control() && c != '\n' && c != '\t' {
                        continue;
                    }
                    let at = byte_at(&self.buf, self.cursor);
                    self.buf.insert(at, c);
                    self.cursor += 1;
                }
            }
            Edit::Backspace if self.cursor > 0 => {
                self.cursor -= 1;
                let at = byte_at(&self.buf, self.cursor);
                self.buf.remove(at);
            }
            Edit::Delete if self.cursor < self.chars() => {
                let at = byte_at(&self.buf, self.cursor);
                self.buf.remove(at);
            }
            Edit::Left => self.cursor = self.cursor.saturating_sub(1),
            Edit::Right => self.cursor = (self.cursor + 1).min(self.chars()),
            Edit::Home => self.cursor = 0,
            Edit::End => self.cursor = self.chars(),
            Edit::Clear => {
                let at = byte_at(&self.buf, self.cursor);
                self.buf.replace_range(..at, "");
                self.cursor = 0;
            }
            _ => {}
        }
        debug_assert_eq!(before, self.buf.as_ptr(), "the secret buffer moved");
        true
    }

    /// Length in characters (what the mask shows).
    pub fn chars(&self) -> usize {
        self.buf.chars().count()
    }

    /// The cursor position in characters.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Whether the field is empty.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// The text, for a view that shows it on purpose (the reveal toggle) and for checks.
    pub fn expose(&self) -> &str {
        &self.buf
    }

    /// The buffer's address, for the test that it never moves.
    #[cfg(test)]
    pub fn buffer_address(&self) -> *const u8 {
        self.buf.as_ptr()
    }

    /// Moves the text out as a value and wipes the field.
    pub fn take_value(&mut self) -> SecretValue {
        let value = SecretValue::new(self.buf.as_str().to_string());
        self.wipe();
        value
    }

    /// Moves the text out as a passphrase and wipes the field.
    pub fn take_passphrase(&mut self) -> Passphrase {
        let pass = Passphrase::new(self.buf.as_str().to_string());
        self.wipe();
        pass
    }

    /// Zeroes the text in place, keeping the allocation.
    pub fn wipe(&mut self) {
        zeroize::Zeroize::zeroize(&mut *self.buf);
        self.buf.reserve(self.capacity);
        self.cursor = 0;
    }
}

impl std::fmt::Debug for SecretInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretInput({} chars, ***)", self.chars())
    }
}

/// Pasted text with its line ends as LF: terminals send CR (or CRLF) for each newline of a
/// paste, and a lone CR is a newline too.
pub fn newlines(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains('\r') {
        std::borrow::Cow::Owned(s.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

fn apply_chars(chars: &mut Vec<char>, cursor: &mut usize, edit: &Edit, max: usize, nl: bool) {
    let keep = |c: &char| !c.is_control() || (nl && *c == '\n');
    match edit {
        Edit::Char(c) if keep(c) && chars.len() < max => {
            chars.insert(*cursor, *c);
            *cursor += 1;
        }
        Edit::Paste(s) => {
            for c in s.chars().filter(keep) {
                if chars.len() >= max {
                    break;
                }
                chars.insert(*cursor, c);
                *cursor += 1;
            }
        }
        Edit::Backspace if *cursor > 0 => {
            *cursor -= 1;
            chars.remove(*cursor);
        }
        Edit::Delete if *cursor < chars.len() => {
            chars.remove(*cursor);
        }
        Edit::Left => *cursor = cursor.saturating_sub(1),
        Edit::Right => *cursor = (*cursor + 1).min(chars.len()),
        Edit::Home => *cursor = 0,
        Edit::End => *cursor = chars.len(),
        Edit::Clear => {
            chars.drain(..*cursor);
            *cursor = 0;
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_input_never_moves_and_refuses_overflow() {
        let mut s = SecretInput::new(16, false);
        let addr = s.buffer_address();
        for c in "correct horse ba".chars() {
            assert!(s.apply(&Edit::Char(c)));
        }
        assert!(
            !s.apply(&Edit::Char('x')),
            "input beyond the capacity is refused"
        );
        assert!(!s.apply(&Edit::Paste("more".into())));
        assert_eq!(s.expose(), "correct horse ba");
        assert_eq!(s.buffer_address(), addr);
        let pass = s.take_passphrase();
        assert_eq!(pass.expose_secret(), "correct horse ba");
        assert!(s.is_empty());
        assert_eq!(s.buffer_address(), addr, "wiping keeps the allocation");
    }

    #[test]
    fn editing_in_the_middle_with_unicode() {
        let mut s = SecretInput::new(64, false);
        s.apply(&Edit::Paste("pässwörd".into()));
        s.apply(&Edit::Home);
        s.apply(&Edit::Right);
        s.apply(&Edit::Delete);
        s.apply(&Edit::Char('a'));
        assert_eq!(s.expose(), "passwörd");
        s.apply(&Edit::End);
        s.apply(&Edit::Backspace);
        assert_eq!(s.expose(), "passwör");
        s.apply(&Edit::Left);
        s.apply(&Edit::Clear);
        assert_eq!(s.expose(), "r");
    }

    #[test]
    fn pasted_newlines_only_in_multiline_fields() {
        let mut one = SecretInput::new(64, false);
        one.apply(&Edit::Paste("a\r\nb".into()));
        assert_eq!(one.expose(), "ab");
        let mut many = SecretInput::new(64, true);
        many.apply(&Edit::Paste("a\r\nb".into()));
        assert_eq!(many.expose(), "a\nb");
    }

    #[test]
    fn a_paste_keeps_every_line_with_cr_crlf_or_lf_ends() {
        // tmux, VTE and xterm send CR for each newline of a paste.
        let mut many = SecretInput::new(256, true);
        many.apply(&Edit::Paste("line1\rline2\r\nline3\nline4\r".into()));
        assert_eq!(many.expose(), "line1\nline2\nline3\nline4\n");
        let mut one = SecretInput::new(64, false);
        one.apply(&Edit::Paste("line1\rline2".into()));
        assert_eq!(
            one.expose(),
            "line1line2",
            "a one-line field drops line ends"
        );
    }

    #[test]
    fn text_input_edits() {
        let mut t = TextInput::new("myap");
        t.apply(&Edit::Char('p'));
        t.apply(&Edit::Char('\u{7}'));
        assert_eq!(t.text(), "myapp");
        t.apply(&Edit::Home);
        t.apply(&Edit::Delete);
        assert_eq!((t.text(), t.cursor()), ("yapp", 0));
    }
}
