//! Finding the vault's own values where they should not be: one Aho-Corasick automaton over
//! every value and its base64 (standard and URL-safe, at any alignment), URL-encoded and
//! JSON-escaped forms. A finding names the file, line, key and scope, never the value.
//! Walking a directory lives in `walk.rs`, git history and the index in `git.rs`.
//!
//! The automaton necessarily holds the values (and their encodings) in memory while it
//! lives; callers build it just before a scan and drop it right after.

mod decode;
pub mod filter;
mod git;
pub mod sweep;
mod walk;

pub use decode::as_text;
pub use git::{git_command, scan_history, scan_staged};
pub use walk::{each_file, files_under, scan_path, scan_tree};

use crate::error::{Error, Result};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use serde::Serialize;
use zeroize::Zeroizing;

/// Values shorter than this are ignored unless asked (`--min-length`).
pub const DEFAULT_MIN_LENGTH: usize = 8;

/// Files whose first 8 KiB hold a NUL byte are binary (and skipped) unless they are
/// UTF-16 or UTF-32 text ([`as_text`]).
pub const BINARY_PROBE: usize = decode::PROBE;

/// How a value appeared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Form {
    /// As is.
    Raw,
    /// Base64 (standard or URL-safe alphabet).
    Base64,
    /// Percent-encoded.
    UrlEncoded,
    /// Escaped as in a JSON string.
    JsonEscaped,
}

/// One value to look for: where it lives in the vault (never the value itself).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Owner {
    /// The key name.
    pub key: String,
    /// `project/env`.
    pub scope: String,
}

/// One place a value was found.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Finding {
    /// The commit that introduced the blob (history scans only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// The file.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// The key whose value it is.
    pub key: String,
    /// Its scope.
    pub scope: String,
    /// How it appeared.
    pub form: Form,
}

/// The automaton over every value and its encoded forms.
pub struct Matcher {
    ac: Option<AhoCorasick>,
    /// For each pattern: the owner index and the form.
    patterns: Vec<(usize, Form)>,
    owners: Vec<Owner>,
    /// Values left out for being shorter than the minimum length.
    short: usize,
    /// Leftmost-longest, non-overlapping matches (what [`Matcher::redact`] replaces) instead
    /// of every overlapping one.
    longest: bool,
}

/// One match: its line, whose value it is, and in which form.
pub type Hit<'a> = (usize, &'a Owner, Form);

/// Which matches a [`Matcher`] reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overlap {
    /// Every match, overlapping ones too (a value inside another is named as well).
    All,
    /// The longest match at the leftmost place, then on after it: what can be replaced.
    Longest,
}

impl std::fmt::Debug for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Matcher({} patterns)", self.patterns.len())
    }
}

/// The forms of `value` to look for: itself, base64 at three alignments in both
/// alphabets, percent-encoded and JSON-escaped (the encoded ones only when they differ).
fn forms(value: &str) -> Vec<(Zeroizing<String>, Form)> {
    let mut out = vec![(Zeroizing::new(value.to_string()), Form::Raw)];
    let bytes = value.as_bytes();
    out.push((Zeroizing::new(STANDARD.encode(bytes)), Form::Base64));
    for k in 0..3usize {
        let mut prefixed = Zeroizing::new(vec![0u8; k]);
        prefixed.extend_from_slice(bytes);
        let skip = [0, 2, 3][k];
        let cut_end = usize::from(!(k + bytes.len()).is_multiple_of(3));
        for engine in [&STANDARD_NO_PAD, &URL_SAFE_NO_PAD] {
            let enc = Zeroizing::new(engine.encode(&prefixed[..]));
            if enc.len() > skip + cut_end {
                let core = &enc[skip..enc.len() - cut_end];
                out.push((Zeroizing::new(core.to_string()), Form::Base64));
            }
        }
    }
    let mut url = Zeroizing::new(String::new());
    for b in bytes {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                url.push(*b as char)
            }
            _ => url.push_str(&format!("%{b:02X}")),
        }
    }
    if url.as_str() != value {
        out.push((Zeroizing::new(url.to_lowercase_hex()), Form::UrlEncoded));
        out.push((url, Form::UrlEncoded));
    }
    if let Ok(json) = serde_json::to_string(value) {
        let json = Zeroizing::new(json);
        let inner = &json[1..json.len() - 1];
        if inner != value {
            out.push((Zeroizing::new(inner.to_string()), Form::JsonEscaped));
        }
    }
    out
}

trait LowerHex {
    fn to_lowercase_hex(&self) -> String;
}

impl LowerHex for String {
    /// `%2F` -> `%2f`: both spellings are valid percent-encoding.
    fn to_lowercase_hex(&self) -> String {
        let mut out = String::with_capacity(self.len());
        let mut rest = 0;
        for c in self.chars() {
            if c == '%' {
                rest = 2;
                out.push(c);
            } else if rest > 0 {
                rest -= 1;
                out.push(c.to_ascii_lowercase());
            } else {
                out.push(c);
            }
        }
        out
    }
}

impl Matcher {
    /// Builds one automaton over `values` (owner, value), skipping values shorter than
    /// `min_len` bytes and encoded forms shorter than that.
    pub fn new<'a>(
        values: impl IntoIterator<Item = (Owner, &'a str)>,
        min_len: usize,
    ) -> Result<Matcher> {
        Matcher::with_overlap(values, min_len, Overlap::All)
    }

    /// [`Matcher::new`] reporting the matches `overlap` says.
    pub fn with_overlap<'a>(
        values: impl IntoIterator<Item = (Owner, &'a str)>,
        min_len: usize,
        overlap: Overlap,
    ) -> Result<Matcher> {
        let mut pats: Vec<Zeroizing<String>> = Vec::new();
        let mut patterns = Vec::new();
        let mut owners = Vec::new();
        let mut short = 0;
        for (owner, value) in values {
            if value.len() < min_len.max(1) {
                short += usize::from(!value.is_empty());
                continue;
            }
            let i = owners.len();
            owners.push(owner);
            for (p, form) in forms(value) {
                if p.len() >= min_len.max(1) && !pats.iter().any(|q| q.as_str() == p.as_str()) {
                    pats.push(p);
                    patterns.push((i, form));
                }
            }
        }
        let ac = if pats.is_empty() {
            None
        } else {
            let kind = match overlap {
                Overlap::All => MatchKind::Standard,
                Overlap::Longest => MatchKind::LeftmostLongest,
            };
            let ac = AhoCorasickBuilder::new()
                .match_kind(kind)
                .build(pats.iter().map(|p| p.as_bytes()))
                .map_err(|e| Error::invalid("the scan patterns", e.to_string()))?;
            Some(ac)
        };
        Ok(Matcher {
            ac,
            patterns,
            owners,
            short,
            longest: overlap == Overlap::Longest,
        })
    }

    /// How many values are searched for.
    pub fn values(&self) -> usize {
        self.owners.len()
    }

    /// How many (non-empty) values are not searched for: shorter than the minimum length.
    pub fn short_values(&self) -> usize {
        self.short
    }

    /// Every match in `data` as (start, end, owner index, form), in order.
    fn spans(&self, ac: &AhoCorasick, data: &[u8]) -> Vec<(usize, usize, usize, Form)> {
        let one = |m: aho_corasick::Match| {
            let (owner, form) = self.patterns[m.pattern().as_usize()];
            (m.start(), m.end(), owner, form)
        };
        if self.longest {
            ac.find_iter(data).map(one).collect()
        } else {
            ac.find_overlapping_iter(data).map(one).collect()
        }
    }

    /// `data` with every match replaced by `[devvault:KEY]` (a [`Overlap::Longest`] matcher
    /// replaces whole values; an [`Overlap::All`] one, the leftmost of overlapping matches),
    /// and each replacement as (line, owner, form); None when nothing matched.
    pub fn redact(&self, data: &[u8]) -> Option<(Vec<u8>, Vec<Hit<'_>>)> {
        let ac = self.ac.as_ref()?;
        let spans = self.spans(ac, data);
        if spans.is_empty() {
            return None;
        }
        let mut out = Vec::with_capacity(data.len());
        let mut done = Vec::new();
        let (mut at, mut line, mut counted) = (0usize, 1usize, 0usize);
        for (start, end, owner, form) in spans {
            if start < at {
                continue;
            }
            line += bytecount(&data[counted..start]);
            counted = start;
            out.extend_from_slice(&data[at..start]);
            out.extend_from_slice(format!("[devvault:{}]", self.owners[owner].key).as_bytes());
            at = end;
            done.push((line, &self.owners[owner], form));
        }
        out.extend_from_slice(&data[at..]);
        Some((out, done))
    }

    /// Every (line, owner, form) found in `data`, each at most once per line.
    pub fn find(&self, data: &[u8]) -> Vec<Hit<'_>> {
        let Some(ac) = &self.ac else {
            return Vec::new();
        };
        let mut out: Vec<(usize, usize, Form)> = Vec::new();
        let (mut line, mut counted) = (1usize, 0usize);
        for (start, _, owner, form) in self.spans(ac, data) {
            line += bytecount(&data[counted..start]);
            counted = start;
            if !out.iter().any(|&(l, o, _)| l == line && o == owner) {
                out.push((line, owner, form));
            }
        }
        out.into_iter()
            .map(|(l, o, f)| (l, &self.owners[o], f))
            .collect()
    }

    /// The findings of one file's contents, named `path` (and `commit` for history),
    /// decoded from UTF-16 or UTF-32 when it is in one (none for a binary file); a line
    /// marked `devvault:allow` is left out.
    pub fn findings(&self, data: &[u8], path: &str, commit: Option<&str>) -> Vec<Finding> {
        let Some(text) = as_text(data) else {
            return Vec::new();
        };
        self.find(&text)
            .into_iter()
            .filter(|(line, _, _)| !filter::line_allowed(data, *line))
            .map(|(line, o, form)| Finding {
                commit: commit.map(str::to_string),
                path: path.to_string(),
                line,
                key: o.key.clone(),
                scope: o.scope.clone(),
                form,
            })
            .collect()
    }
}

/// How many line feeds `data` holds.
fn bytecount(data: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', data).count()
}

/// Whether `data` is binary: not text in UTF-8, UTF-16 or UTF-32 ([`as_text`]).
pub fn is_binary(data: &[u8]) -> bool {
    as_text(data).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owner(k: &str) -> Owner {
        Owner {
            key: k.into(),
            scope: "app/dev".into(),
        }
    }

    #[test]
    fn finds_every_form_on_its_line() {
        let v = "s3cr3t/value+x";
        let m = Matcher::new([(owner("K"), v)], 8).unwrap();
        let b64 = STANDARD.encode(format!("API_KEY={v}\n"));
        let url = "s3cr3t%2Fvalue%2Bx";
        let text = format!("a\n{v}\nb\nenc: {b64}\nurl={url}\njson=\"s3cr3t\\/value\"\n");
        let lines: Vec<_> = m.find(text.as_bytes()).iter().map(|f| (f.0, f.2)).collect();
        assert!(lines.contains(&(2, Form::Raw)), "{lines:?}");
        assert!(lines.contains(&(4, Form::Base64)), "{lines:?}");
        assert!(lines.contains(&(5, Form::UrlEncoded)), "{lines:?}");
    }

    #[test]
    fn short_values_are_ignored_unless_asked() {
        let m = Matcher::new([(owner("K"), "short")], 8).unwrap();
        assert!(m.find(b"short").is_empty());
        let m = Matcher::new([(owner("K"), "short")], 4).unwrap();
        assert_eq!(m.find(b"x short").len(), 1);
    }

    #[test]
    fn json_escaped_form() {
        let v = "line\"quote\\back";
        let m = Matcher::new([(owner("K"), v)], 8).unwrap();
        let f = m.find(br#"{"k": "line\"quote\\back"}"#);
        assert_eq!(f[0].2, Form::JsonEscaped);
    }
}
