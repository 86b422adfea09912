//! `.env` files: parse what python-dotenv accepts (plus npm dotenv's backtick quotes) and
//! render values so that python-dotenv and as many other readers as the value allows (npm
//! dotenv, node, direnv, Ruby dotenv, shell sourcing; see [`Reader`]) read back the same bytes.
//!
//! Pure: text in, values out. No I/O, no `${VAR}` interpolation (values are stored raw), and
//! never a value in an error message: errors say `file:line: what is wrong` and how to fix it.

use crate::error::{Error, Result};
use crate::model::KeyName;
use crate::secret::SecretValue;
use std::collections::HashMap;
use zeroize::Zeroizing;

mod readers;
mod render;
pub use readers::{Outcome, Reader};
#[cfg(test)]
pub(crate) use render::GUARD;
pub use render::render_value;
pub(crate) use render::{after, choose, warning, write_form};

/// One binding read from a `.env` file.
#[derive(Debug)]
pub struct Entry {
    /// The key, checked against the key-name grammar.
    pub key: KeyName,
    /// The value, unescaped.
    pub value: SecretValue,
    /// 1-based line where the binding (its key) starts.
    pub line: usize,
    /// The key was bound more than once in the file (the last binding won).
    pub repeated: bool,
}

/// Parses a `.env` file with python-dotenv's grammar plus npm dotenv's backtick quotes.
///
/// `origin` is the file name used in error messages (`file:line: what is wrong`). Duplicate
/// keys: the last binding wins and the key is returned once, where it first appeared.
/// `${VAR}` is kept as written. Fails on lines python-dotenv cannot parse (unterminated
/// quote, text after a closing quote, no key), on a key with no `=`, and on a key outside
/// the key-name grammar; the error quotes the key only when it is followed by `=`.
pub fn parse(src: &str, origin: &str) -> Result<Vec<Entry>> {
    let text = normalize(src);
    let mut cur = Cursor {
        s: &text,
        pos: 0,
        line: 1,
        origin,
    };
    let mut entries: Vec<Entry> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    while let Some((key, value, line)) = cur.binding()? {
        match index.get(key.as_str()) {
            Some(&i) => {
                entries[i].value = value;
                entries[i].line = line;
                entries[i].repeated = true;
            }
            None => {
                index.insert(key.as_str().to_string(), entries.len());
                entries.push(Entry {
                    key,
                    value,
                    line,
                    repeated: false,
                });
            }
        }
    }
    Ok(entries)
}

/// Whether python's `str.isspace` / regex `\s` holds (Unicode White_Space plus U+001C..U+001F).
pub(crate) fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// What python reads from a file opened in text mode: BOM dropped, CRLF and CR turned to LF.
fn normalize(src: &str) -> Zeroizing<String> {
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    let mut out = Zeroizing::new(String::with_capacity(src.len()));
    let mut chars = src.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            chars.next_if_eq(&'\n');
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    out
}

struct Cursor<'a> {
    s: &'a str,
    pos: usize,
    line: usize,
    origin: &'a str,
}

impl Cursor<'_> {
    fn rest(&self) -> &str {
        &self.s[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn advance(&mut self, bytes: usize) {
        self.line += self.s[self.pos..self.pos + bytes].matches('\n').count();
        self.pos += bytes;
    }

    fn skip_while(&mut self, f: impl Fn(char) -> bool) -> usize {
        let n = self.rest().find(|c| !f(c)).unwrap_or(self.rest().len());
        self.advance(n);
        n
    }

    fn skip_inline_space(&mut self) -> usize {
        self.skip_while(|c| c != '\n' && is_py_space(c))
    }

    fn error(&self, line: usize, what: &str, fix: &str) -> Error {
        Error::invalid(format!("{}:{line}: {what}", self.origin), fix)
    }

    /// Reads one binding, skipping blank and comment lines; `None` at the end of the text.
    fn binding(&mut self) -> Result<Option<(KeyName, SecretValue, usize)>> {
        loop {
            self.skip_while(is_py_space);
            if self.peek().is_none() {
                return Ok(None);
            }
            let line = self.line;
            if let Some(after) = self.rest().strip_prefix("export")
                && after.starts_with(|c: char| c != '\n' && is_py_space(c))
            {
                self.advance("export".len());
                self.skip_inline_space();
            }
            let Some(key) = self.key(line)? else {
                self.end_of_line(line, "unexpected text", "start comments with `#`")?;
                continue;
            };
            self.skip_inline_space();
            if self.peek() != Some('=') {
                self.end_of_line(line, "expected `=` after the key", "write KEY=value")?;
                return Err(self.error(
                    line,
                    "a key with no `=`",
                    "write `KEY=` for an empty value, or `KEY=value`",
                ));
            }
            let key = KeyName::new(&key).map_err(|e| match e {
                Error::InvalidInput { what, fix } => {
                    Error::invalid(format!("{}:{line}: {what}", self.origin), fix)
                }
                other => other,
            })?;
            self.advance(1);
            let spaced = self.skip_inline_space() > 0;
            let value = if spaced && self.peek() == Some('#') {
                SecretValue::new(String::new())
            } else {
                self.value()?
            };
            self.end_of_line(
                self.line,
                "unexpected text after the closing quote",
                "quote the whole value, and start comments with ` #`",
            )?;
            return Ok(Some((key, value, line)));
        }
    }

    /// The key, or `None` for a comment. Single-quoted keys as python-dotenv allows.
    fn key(&mut self, line: usize) -> Result<Option<String>> {
        match self.peek() {
            Some('#') => Ok(None),
            Some('\'') => match self.rest()[1..].find('\'') {
                Some(n) if n > 0 => {
                    let key = self.rest()[1..1 + n].to_string();
                    self.advance(n + 2);
                    Ok(Some(key))
                }
                _ => Err(self.error(
                    line,
                    "a quoted key with no closing `'`",
                    "write the key unquoted: KEY=value",
                )),
            },
            _ => {
                let n = self.rest().find(|c| c == '=' || c == '#' || is_py_space(c));
                let n = n.unwrap_or(self.rest().len());
                if n == 0 {
                    return Err(self.error(line, "a line with no key", "write KEY=value"));
                }
                let key = self.rest()[..n].to_string();
                self.advance(n);
                Ok(Some(key))
            }
        }
    }

    /// Optional inline space and `#comment`, then the end of the line (consumed).
    fn end_of_line(&mut self, line: usize, what: &str, fix: &str) -> Result<()> {
        self.skip_inline_space();
        if self.peek() == Some('#') {
            let n = self.rest().find('\n').unwrap_or(self.rest().len());
            self.advance(n);
        }
        match self.peek() {
            None => Ok(()),
            Some('\n') => {
                self.advance(1);
                Ok(())
            }
            Some(_) => Err(self.error(line, what, fix)),
        }
    }

    fn value(&mut self) -> Result<SecretValue> {
        match self.peek() {
            Some(q @ ('\'' | '"')) => self.quoted(q),
            Some('`') => match self.backtick_end() {
                Some(end) => {
                    let v = self.rest()[1..end].to_string();
                    self.advance(end + 1);
                    Ok(SecretValue::new(v))
                }
                None => Ok(self.unquoted()),
            },
            None | Some('\n') => Ok(SecretValue::new(String::new())),
            Some(_) => Ok(self.unquoted()),
        }
    }

    /// A python-dotenv quoted value: `\` always takes the next character; only some pairs
    /// decode (`\\ \'` in single quotes; also `\" \a \b \f \n \r \t \v` in double quotes).
    fn quoted(&mut self, q: char) -> Result<SecretValue> {
        let body = &self.rest()[1..];
        let mut end = None;
        let mut chars = body.char_indices();
        while let Some((i, c)) = chars.next() {
            if c == q {
                end = Some(i);
                break;
            }
            if c == '\\' && chars.next().is_none() {
                break;
            }
        }
        let Some(end) = end else {
            return Err(self.error(
                self.line,
                &format!("the value's opening `{q}` has no closing `{q}`"),
                &format!("close the quote, or write a literal `{q}` inside as `\\{q}`"),
            ));
        };
        // Decoding only shortens, so this buffer never grows (no stray copies of the value).
        let mut out = String::with_capacity(end);
        let mut chars = body[..end].chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            // The scan above guarantees a character after every `\`.
            let next = chars.next().unwrap_or('\\');
            let decoded = match (q, next) {
                (_, '\\' | '\'') => next,
                ('"', '"') => '"',
                ('"', 'a') => '\x07',
                ('"', 'b') => '\x08',
                ('"', 'f') => '\x0c',
                ('"', 'n') => '\n',
                ('"', 'r') => '\r',
                ('"', 't') => '\t',
                ('"', 'v') => '\x0b',
                _ => {
                    out.push('\\');
                    next
                }
            };
            out.push(decoded);
        }
        self.advance(end + 2);
        Ok(SecretValue::new(out))
    }

    /// npm dotenv's backtick quotes (taken raw): the closing backtick is the last one, up to
    /// the first backtick not preceded by `\`, that only space or a comment follows. `None`
    /// when there is none (npm and python-dotenv then both read the line unquoted).
    fn backtick_end(&self) -> Option<usize> {
        let rest = self.rest();
        let mut best = None;
        let mut prev = '`';
        for (i, c) in rest.char_indices().skip(1) {
            if c == '`' {
                let tail = rest[i + 1..].trim_start_matches(|c| c != '\n' && is_py_space(c));
                if tail.is_empty() || tail.starts_with(['\n', '#']) {
                    best = Some(i);
                }
                if prev != '\\' {
                    break;
                }
            }
            prev = c;
        }
        best
    }

    /// To the end of the line; from the first whitespace run followed by `#`, a comment;
    /// trailing whitespace dropped (python-dotenv's rule).
    fn unquoted(&mut self) -> SecretValue {
        let n = self.rest().find('\n').unwrap_or(self.rest().len());
        let raw = &self.rest()[..n];
        let mut cut = raw.len();
        let mut run_start = None;
        for (i, c) in raw.char_indices() {
            if is_py_space(c) {
                run_start.get_or_insert(i);
            } else if c == '#' && run_start.is_some() {
                cut = run_start.unwrap_or(i);
                break;
            } else {
                run_start = None;
            }
        }
        let value = SecretValue::new(raw[..cut].trim_end_matches(is_py_space).to_string());
        self.advance(n);
        value
    }
}

#[cfg(test)]
mod tests;

/// The comment lines right above 1-based `line` of `src` (no blank line between), without
/// their `#`, in order: `.env.example`'s explanation of a key, or an imported key's note.
pub fn comments_above(src: &str, line: usize) -> Vec<String> {
    let lines: Vec<&str> = src.lines().take(line.saturating_sub(1)).collect();
    let mut out: Vec<String> = lines
        .iter()
        .rev()
        .map(|l| l.trim())
        .take_while(|l| l.starts_with('#'))
        .map(|l| l.trim_start_matches('#').trim().to_string())
        .collect();
    out.reverse();
    out
}
