//! Free text that is not a secret: notes, URLs, comments, a server's error messages. One
//! check for text coming in ([`check`]: length and the characters a terminal or a `.env`
//! reader acts on), one escape for text going out ([`Escaped`]), and one cut for text a
//! server sends ([`server_text`]). Pure: no I/O, never sees a value.

use crate::error::{Error, Result};
use std::fmt;

/// The longest note or URL kept with a version (2 KiB).
pub const MAX_TEXT: usize = 2048;

/// The most characters of a server's error text shown.
pub const MAX_SERVER_TEXT: usize = 300;

/// Whether `c` is invisible or acts on a terminal or a line-based reader: Unicode's Cc
/// (C0, DEL, C1), Zl and Zp (U+2028, U+2029), and Cf (format characters: bidi controls
/// U+202A..U+202E and U+2066..U+2069, marks U+200E/U+200F/U+061C, zero-width U+200B..U+200D,
/// U+2060..U+2064, U+FEFF, U+00AD and the rest of Cf as listed in Unicode 15's
/// `DerivedGeneralCategory.txt`).
pub fn is_hostile(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}'
                | '\u{2029}'
                | '\u{ad}'
                | '\u{600}'..='\u{605}'
                | '\u{61c}'
                | '\u{6dd}'
                | '\u{70f}'
                | '\u{890}'..='\u{891}'
                | '\u{8e2}'
                | '\u{180e}'
                | '\u{200b}'..='\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{206f}'
                | '\u{feff}'
                | '\u{fff9}'..='\u{fffb}'
                | '\u{110bd}'
                | '\u{110cd}'
                | '\u{13430}'..='\u{1343f}'
                | '\u{1bca0}'..='\u{1bca3}'
                | '\u{1d173}'..='\u{1d17a}'
                | '\u{e0001}'
                | '\u{e0020}'..='\u{e007f}'
        )
}

/// Checks a note or URL (`what`) wherever it comes from: at most [`MAX_TEXT`] bytes, one
/// line, no control, line-separator or invisible format character. The error names `what`
/// (which should name the key) and shows the first bad character escaped.
pub fn check(what: &str, text: &str) -> Result<()> {
    if text.len() > MAX_TEXT {
        return Err(Error::invalid(
            format!("the {what} is {} bytes, longer than {MAX_TEXT}", text.len()),
            format!("give a shorter {what}"),
        ));
    }
    if let Some(c) = text.chars().find(|&c| is_hostile(c)) {
        return Err(Error::invalid(
            format!(
                "the {what} holds a control or invisible character ({})",
                c.escape_unicode()
            ),
            format!("give the {what} on one line of visible text"),
        ));
    }
    Ok(())
}

/// Text made safe for a terminal: every character [`is_hostile`] holds is written as
/// `\n`, `\r`, `\t` or `\u{..}`, so no escape sequence, line break or bidi control reaches
/// the screen. `keep_newlines` keeps `\n` (for multi-line messages devvault wrote itself).
pub struct Escaped<'a> {
    text: &'a str,
    keep_newlines: bool,
}

impl<'a> Escaped<'a> {
    /// Escapes every hostile character, newlines too: for one field on one line.
    pub fn line(text: &'a str) -> Self {
        Escaped {
            text,
            keep_newlines: false,
        }
    }

    /// Escapes every hostile character except `\n`: for whole messages.
    pub fn message(text: &'a str) -> Self {
        Escaped {
            text,
            keep_newlines: true,
        }
    }
}

impl Escaped<'_> {
    fn write(&self, out: &mut dyn fmt::Write) -> fmt::Result {
        let mut start = 0;
        for (i, c) in self.text.char_indices() {
            if !is_hostile(c) || (self.keep_newlines && c == '\n') {
                continue;
            }
            out.write_str(&self.text[start..i])?;
            match c {
                '\n' => out.write_str("\\n")?,
                '\r' => out.write_str("\\r")?,
                '\t' => out.write_str("\\t")?,
                _ => write!(out, "{}", c.escape_unicode())?,
            }
            start = i + c.len_utf8();
        }
        out.write_str(&self.text[start..])
    }
}

/// Honours width and alignment (`{:20}`), so escaped text can fill a column.
impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.width().is_none() && f.precision().is_none() {
            return self.write(f);
        }
        let mut s = String::new();
        self.write(&mut s)?;
        f.pad(&s)
    }
}

/// Escapes `text` for one line of a terminal (see [`Escaped::line`]).
pub fn escape(text: &str) -> String {
    Escaped::line(text).to_string()
}

/// A `# comment` line for a `.env.example`: escaped, so no line end of any `.env` reader
/// (`\r`, U+2028, U+0085, ...) inside `text` can start a live `KEY=value` line.
pub fn comment_line(text: &str) -> String {
    format!("# {}", Escaped::line(text))
}

/// A server's text (an error body, a message) ready to show: whitespace runs folded to one
/// space, then [`shown`] at [`MAX_SERVER_TEXT`] characters.
pub fn server_text(text: &str) -> String {
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    shown(&folded, MAX_SERVER_TEXT)
}

/// The one way text from elsewhere (a note, a URL, a name, a server's words) is shown on a
/// line: cut to `max` characters (marked with `...`), then escaped ([`Escaped::line`]).
pub fn shown(text: &str, max: usize) -> String {
    let cut: String = text.chars().take(max).collect();
    let more = if text.chars().nth(max).is_some() {
        "..."
    } else {
        ""
    };
    format!("{}{more}", Escaped::line(&cut))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_refuses_controls_separators_and_invisible_characters() {
        for bad in [
            "a\x1b]52;c;ZWNobw==\x07",
            "a\x1b]0;title\x07",
            "a\x1b[2J",
            "a\rAPI_BASE=x",
            "a\nb",
            "a\u{2028}API_BASE=x",
            "a\u{2029}b",
            "a\u{85}b",
            "a\u{202e}b",
            "a\u{2066}b",
            "a\u{200b}b",
            "a\u{feff}b",
            "a\u{e0041}b",
        ] {
            let e = check("note of `K`", bad).unwrap_err().to_string();
            assert!(e.contains("note of `K`"), "{e}");
            assert!(!e.contains('\x1b') && !e.contains('\r'), "{e:?}");
        }
        assert!(check("note", &"x".repeat(MAX_TEXT)).is_ok());
        assert!(check("note", &"x".repeat(MAX_TEXT + 1)).is_err());
        assert!(check("URL", "https://example.com/a?b=c#d àé 😀 עברית").is_ok());
    }

    #[test]
    fn escape_leaves_nothing_a_terminal_acts_on() {
        let s = escape("a\x1b]52;c;x\x07\r\n\u{2028}\u{202e}\u{9b}b");
        assert_eq!(s, "a\\u{1b}]52;c;x\\u{7}\\r\\n\\u{2028}\\u{202e}\\u{9b}b");
        assert!(s.chars().all(|c| !is_hostile(c)));
        assert_eq!(Escaped::message("a\nb\rc").to_string(), "a\nb\\rc");
        assert_eq!(escape("plain àé"), "plain àé");
        assert_eq!(format!("{:5}|", Escaped::line("a\r")), "a\\r  |");
    }

    #[test]
    fn comment_lines_hold_no_line_end_of_any_reader() {
        for note in [
            "ok\rAPI_BASE=https://attacker.example",
            "ok\u{2028}API_BASE=x",
            "ok\u{2029}\u{85}\u{b}\u{c}\u{1c}\u{1d}\u{1e}\nAPI_BASE=x",
        ] {
            let line = comment_line(note);
            assert!(line.starts_with("# ok"), "{line}");
            assert!(!line.contains(|c: char| c.is_control() || "\u{2028}\u{2029}".contains(c)));
        }
    }

    #[test]
    fn server_text_is_folded_cut_and_escaped() {
        let long = format!("{}\x1b[31m", "é".repeat(400));
        let s = server_text(&long);
        assert_eq!(s.chars().count(), MAX_SERVER_TEXT + 3, "{s}");
        assert!(s.ends_with("..."), "{s}");
        assert_eq!(shown("abc", 3), "abc");
        assert_eq!(shown("abcd", 3), "abc...");
        assert_eq!(
            shown("a\u{2028}b", 10),
            crate::preview::printable("a\u{2028}b")
        );
        assert!(!s.contains('\x1b'));
        assert_eq!(server_text("a \n\t b\x1b]0;t\x07"), "a b\\u{1b}]0;t\\u{7}");
    }
}
