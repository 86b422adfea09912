//! Finding the vault's own values where they should not be: one Aho-Corasick automaton over
//! every value and its base64 (standard and URL-safe, at any alignment), URL-encoded and
//! JSON-escaped forms (`crate::redact`'s forms). A finding names the file, line, key and
//! scope, never the value. A matcher that replaces (leftmost-longest, the sweep's) is the
//! redactor itself ([`crate::redact::Redactor`]): one piece of code for both.
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

pub use crate::redact::Form;

use crate::error::{Error, Result};
use crate::redact::{Redactor, forms};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use serde::Serialize;
use zeroize::Zeroizing;

/// Values shorter than this are ignored unless asked (`--min-length`): the redactor's.
pub const DEFAULT_MIN_LENGTH: usize = crate::redact::MIN_LENGTH;

/// Files whose first 8 KiB hold a NUL byte are binary (and skipped) unless they are
/// UTF-16 or UTF-32 text ([`as_text`]).
pub const BINARY_PROBE: usize = decode::PROBE;

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
    engine: Engine,
    owners: Vec<Owner>,
    /// Values left out for being shorter than the minimum length.
    short: usize,
}

/// How a [`Matcher`] searches.
enum Engine {
    /// Every overlapping match; for each pattern, the owner index and the form.
    All(Option<AhoCorasick>, Vec<(usize, Form)>),
    /// Leftmost-longest matches: the redactor (its value indexes are the owners').
    Longest(Redactor),
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
        write!(f, "Matcher({} values)", self.owners.len())
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
        let mut kept: Vec<(Owner, &str)> = Vec::new();
        let mut short = 0;
        for (owner, value) in values {
            if value.len() < min_len.max(1) {
                short += usize::from(!value.is_empty());
            } else {
                kept.push((owner, value));
            }
        }
        let engine = match overlap {
            Overlap::All => all_engine(&kept, min_len)?,
            Overlap::Longest => Engine::Longest(Redactor::new(
                kept.iter().map(|(o, v)| (o.key.as_str(), *v)),
                min_len,
            )?),
        };
        Ok(Matcher {
            engine,
            owners: kept.into_iter().map(|(o, _)| o).collect(),
            short,
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
    fn spans(&self, data: &[u8]) -> Vec<(usize, usize, usize, Form)> {
        match &self.engine {
            Engine::All(None, _) => Vec::new(),
            Engine::All(Some(ac), patterns) => ac
                .find_overlapping_iter(data)
                .map(|m| {
                    let (owner, form) = patterns[m.pattern().as_usize()];
                    (m.start(), m.end(), owner, form)
                })
                .collect(),
            Engine::Longest(r) => r.matches(data),
        }
    }

    /// `data` with every match replaced by `[devvault:KEY]`, and each replacement as (line,
    /// owner, form); None when nothing matched. Only a matcher built with
    /// [`Overlap::Longest`] replaces (it is the redactor, [`Redactor::redact_found`]);
    /// another one gives None.
    pub fn redact(&self, data: &[u8]) -> Option<(Vec<u8>, Vec<Hit<'_>>)> {
        let Engine::Longest(r) = &self.engine else {
            return None;
        };
        let (out, found) = r.redact_found(data)?;
        let hits = found
            .into_iter()
            .map(|(line, owner, form)| (line, &self.owners[owner], form))
            .collect();
        Some((out, hits))
    }

    /// Every (line, owner, form) found in `data`, each at most once per line.
    pub fn find(&self, data: &[u8]) -> Vec<Hit<'_>> {
        let mut out: Vec<(usize, usize, Form)> = Vec::new();
        let (mut line, mut counted) = (1usize, 0usize);
        for (start, _, owner, form) in self.spans(data) {
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

/// The automaton of every overlapping match over the forms of `values` (each at least
/// `min_len` bytes long), each pattern with its first owner.
fn all_engine(values: &[(Owner, &str)], min_len: usize) -> Result<Engine> {
    let mut pats: Vec<Zeroizing<String>> = Vec::new();
    let mut patterns = Vec::new();
    for (i, (_, value)) in values.iter().enumerate() {
        for (p, form) in forms(value) {
            if p.len() >= min_len.max(1) && !pats.iter().any(|q| q.as_str() == p.as_str()) {
                pats.push(p);
                patterns.push((i, form));
            }
        }
    }
    if pats.is_empty() {
        return Ok(Engine::All(None, patterns));
    }
    let ac = AhoCorasickBuilder::new()
        .match_kind(MatchKind::Standard)
        .build(pats.iter().map(|p| p.as_bytes()))
        .map_err(|e| Error::invalid("the scan patterns", e.to_string()))?;
    Ok(Engine::All(Some(ac), patterns))
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
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;

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
