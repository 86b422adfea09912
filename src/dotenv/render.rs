//! Rendering one value for a `.env` file so that python-dotenv and npm `dotenv` read back the
//! same bytes, choosing the simplest form that is exact for both. Pure; part of `dotenv`.

use super::is_py_space;

/// Renders one value for a dotenv file: the text after `KEY=`, and whether every common
/// parser (python-dotenv AND npm dotenv) reads it back as the same bytes.
///
/// When it returns `false`, the text is python-dotenv's double-quoted form (exact for
/// python-dotenv, not for npm dotenv). The text holds the secret: zeroize it after use.
pub fn render_value(value: &str) -> (String, bool) {
    let mut len = 0;
    write_value(value, &mut |s| len += s.len());
    let mut out = String::with_capacity(len);
    let portable = write_value(value, &mut |s| out.push_str(s));
    (out, portable)
}

/// How a value is written; see [`write_value`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Form {
    /// `'value'`: no `'`, no CR, no `\\`, no trailing `\`.
    Single,
    /// `"value"` with CR as `\r`: no `"`, and no `\` that either parser would decode.
    Double,
    /// `value`: one line, no `#`, no edge whitespace, no leading quote character.
    Bare,
    /// python-dotenv's `"..."` with `\\`, `\"`, `\r`, `\n` escaped: npm reads it differently.
    Python,
}

fn form(v: &str) -> Form {
    if !v.contains(['\'', '\r']) && !v.contains("\\\\") && !v.ends_with('\\') {
        Form::Single
    } else if !v.contains('"') && backslashes_are_literal(v) {
        Form::Double
    } else if bare_ok(v) {
        Form::Bare
    } else {
        Form::Python
    }
}

/// Inside double quotes python-dotenv decodes `\` + one of `\'"abfnrtv` and npm dotenv
/// decodes `\n` and `\r`; any other `\` is read literally by both. CR is written as `\r`.
fn backslashes_are_literal(v: &str) -> bool {
    let mut chars = v.chars();
    while let Some(c) = chars.next() {
        if c == '\\'
            && matches!(
                chars.clone().next(),
                None | Some('\\' | '\'' | '"' | 'a' | 'b' | 'f' | 'n' | 'r' | 't' | 'v' | '\r')
            )
        {
            return false;
        }
    }
    true
}

/// Whitespace that python-dotenv strips from an unquoted value or JavaScript's `trim()` does.
fn is_edge_space(c: char) -> bool {
    is_py_space(c) || c == '\u{feff}'
}

fn bare_ok(v: &str) -> bool {
    let (Some(first), Some(last)) = (v.chars().next(), v.chars().next_back()) else {
        return false;
    };
    // U+2028/U+2029 are line ends for npm's multi-line `^`/`$`.
    !v.contains(['\n', '\r', '#', '\u{2028}', '\u{2029}'])
        && !matches!(first, '\'' | '"' | '`')
        && !is_edge_space(first)
        && !is_edge_space(last)
}

/// The line written after a value whose closing quote follows a `\\` (python-dotenv's form
/// of a value ending in `\\`). npm dotenv reads that quote as escaped and looks further for
/// one that ends a line; this comment holds a `"` that stops the search (it is not preceded
/// by `\\` and does not end a line), so npm can neither end the value inside the next binding
/// (e.g. before a U+2028 that starts its value) nor find a key there.
pub(crate) const GUARD: &str =
    "#\" (a stop for npm dotenv: the value above is python-dotenv's form)\n";

/// Whether the rendering of `value` ends with a quote npm dotenv reads as escaped; then
/// [`GUARD`] must follow it.
pub(crate) fn needs_guard(value: &str) -> bool {
    value.ends_with('\\') && form(value) == Form::Python
}

/// Writes the rendering of `value` piece by piece into `out` (so callers can write into a
/// pre-sized buffer) and returns whether it is portable; see [`render_value`].
pub(crate) fn write_value(value: &str, out: &mut dyn FnMut(&str)) -> bool {
    let f = form(value);
    match f {
        Form::Single => {
            out("'");
            out(value);
            out("'");
        }
        Form::Bare => out(value),
        Form::Double | Form::Python => {
            out("\"");
            let mut start = 0;
            for (i, c) in value.char_indices() {
                let esc = match c {
                    '\r' => "\\r",
                    '\n' if f == Form::Python => "\\n",
                    '\\' if f == Form::Python => "\\\\",
                    '"' if f == Form::Python => "\\\"",
                    _ => continue,
                };
                out(&value[start..i]);
                out(esc);
                start = i + c.len_utf8();
            }
            out(&value[start..]);
            out("\"");
        }
    }
    f != Form::Python
}
