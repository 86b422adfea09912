//! Redaction: every occurrence of a scope's values, and of their encoded forms
//! ([`forms`]: base64 at any alignment in both alphabets, URL-encoded, JSON-escaped; the
//! leak scan looks for the same), replaced by `[devvault:KEY]`: in a byte stream (`run
//! --redact`, the MCP server's `run` tool) and in whole files (the transcript sweep,
//! `crate::scan::sweep`, through [`Redactor::redact_found`], which also says where each
//! replacement was). One automaton and one replacement loop serve both; the search is
//! `finder.rs` (a sampled prefilter in front of Aho-Corasick).
//!
//! Pure: bytes in, bytes out; no I/O. Binary-safe: everything but a match passes byte for
//! byte. The stream ([`Stream`]) catches a match split across any chunking, and holds back
//! only the longest tail of the input that could still become a match, so output appears as
//! soon as it is written and memory stays bounded (below the longest pattern) whatever the
//! input, newlines or not. Overlapping values: the leftmost match wins and, among those
//! starting there, the longest (a value that is a substring of another is replaced by the
//! longer one where the longer one occurs).
//!
//! The automaton necessarily holds the values (and their encodings) in memory while it
//! lives; callers build it just before use and drop it right after.

mod finder;
mod forms;

pub use forms::Form;
pub(crate) use forms::forms;

use crate::error::{Error, Result};
use aho_corasick::{AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use finder::Finder;
use zeroize::Zeroizing;

/// Values shorter than this are not redacted (nor looked for by the leak scan unless
/// asked): too short to tell apart from ordinary output.
pub const MIN_LENGTH: usize = 8;

/// Up to this many patterns the automaton is a full DFA: about three times the speed of the
/// default NFA on text without matches, for a table of at most a few MB (a scope of 70 or
/// so values). Above it the prefilter ([`finder`]) does most of the work.
const DFA_PATTERNS: usize = 1000;

/// One replacement in a whole buffer: its 1-based line, the index of its value (among the
/// values redacted, in the order given) and the form it had.
pub type Replaced = (usize, usize, Form);

/// The automaton over every value's forms, with the label each one becomes.
pub struct Redactor {
    finder: Option<Finder>,
    /// For each pattern: the index of its label (its value) and its form.
    label_of: Vec<(usize, Form)>,
    /// `[devvault:KEY]`, one per value.
    labels: Vec<Vec<u8>>,
    /// Every pattern, sorted: whether a tail can still grow into one.
    sorted: Vec<Zeroizing<Vec<u8>>>,
    /// The longest pattern's length.
    longest: usize,
    /// The keys whose values are too short to redact.
    short: Vec<String>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Redactor({} patterns)", self.label_of.len())
    }
}

impl Redactor {
    /// One automaton over `values` (key, value) and their encoded forms; values (and
    /// forms) shorter than `min_len` bytes are left out, their keys listed by
    /// [`Redactor::too_short`]. A value held by two keys is labelled with the first.
    pub fn new<'a>(
        values: impl IntoIterator<Item = (&'a str, &'a str)>,
        min_len: usize,
    ) -> Result<Redactor> {
        let min_len = min_len.max(1);
        let mut all: Vec<Pattern> = Vec::new();
        let (mut labels, mut short) = (Vec::new(), Vec::new());
        for (key, value) in values {
            if value.len() < min_len {
                short.push(key.to_string());
                continue;
            }
            let label = labels.len();
            labels.push(format!("[devvault:{key}]").into_bytes());
            for (p, form) in forms(value) {
                if p.len() >= min_len {
                    all.push((Zeroizing::new(p.as_bytes().to_vec()), label, form));
                }
            }
        }
        let (pats, label_of) = first_of_each(all);
        let finder = match pats.is_empty() {
            true => None,
            false => Some(Finder::new(
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::LeftmostLongest)
                    .kind((pats.len() <= DFA_PATTERNS).then_some(AhoCorasickKind::DFA))
                    .build(pats.iter().map(|p| p.as_slice()))
                    .map_err(|e| Error::invalid("the redaction patterns", e.to_string()))?,
                &pats,
            )),
        };
        let longest = pats.iter().map(|p| p.len()).max().unwrap_or(0);
        let mut sorted = pats;
        sorted.sort_by(|a, b| a.as_slice().cmp(b.as_slice()));
        Ok(Redactor {
            finder,
            label_of,
            labels,
            sorted,
            longest,
            short,
        })
    }

    /// The keys whose values are shorter than the minimum and are not redacted.
    pub fn too_short(&self) -> &[String] {
        &self.short
    }

    /// How many values are redacted.
    pub fn values(&self) -> usize {
        self.labels.len()
    }

    /// The longest pattern's length (a stream holds back less than this).
    pub fn longest(&self) -> usize {
        self.longest
    }

    /// A stream over this automaton: feed it chunks in order, then finish it.
    pub fn stream(&self) -> Stream<'_> {
        Stream {
            r: self,
            pending: Zeroizing::new(Vec::new()),
        }
    }

    /// The whole of `data`, redacted.
    pub fn redact(&self, data: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(data.len());
        let mut s = self.stream();
        s.feed(data, &mut out);
        s.finish(&mut out);
        out
    }

    /// The whole of `data` redacted, with each replacement's line, value and form; None
    /// when nothing matched. The same replacements as [`Redactor::redact`].
    pub fn redact_found(&self, data: &[u8]) -> Option<(Vec<u8>, Vec<Replaced>)> {
        // Most files hold nothing: find the first match before copying anything.
        let first = self.finder.as_ref()?.find_iter(data).next()?.start();
        let mut out = Vec::with_capacity(data.len());
        out.extend_from_slice(&data[..first]);
        let mut starts = Vec::new();
        self.emit(&data[first..], true, &mut out, Some(&mut starts));
        let (mut line, mut counted) = (1usize, 0usize);
        let found = starts
            .into_iter()
            .map(|(start, pattern)| {
                let start = first + start;
                line += memchr::memchr_iter(b'\n', &data[counted..start]).count();
                counted = start;
                let (label, form) = self.label_of[pattern];
                (line, label, form)
            })
            .collect();
        Some((out, found))
    }

    /// Every match in `data` as (start, end, value index, form), leftmost-longest and not
    /// overlapping, in order: what [`Redactor::redact`] replaces.
    pub fn matches(&self, data: &[u8]) -> Vec<(usize, usize, usize, Form)> {
        let Some(finder) = &self.finder else {
            return Vec::new();
        };
        finder
            .find_iter(data)
            .map(|m| {
                let (label, form) = self.label_of[m.pattern().as_usize()];
                (m.start(), m.end(), label, form)
            })
            .collect()
    }

    /// Whether `tail` is a proper prefix of some pattern (it could still grow into one).
    fn may_grow(&self, tail: &[u8]) -> bool {
        let i = self.sorted.partition_point(|p| p.as_slice() <= tail);
        self.sorted.get(i).is_some_and(|p| p.starts_with(tail))
    }

    /// The positions at or after `from` in `data` whose rest could still grow into a
    /// pattern, ascending (only the last `longest - 1` bytes can).
    fn growing(&self, data: &[u8], from: usize) -> Vec<usize> {
        let start = data.len().saturating_sub(self.longest.saturating_sub(1));
        (start.max(from)..data.len())
            .filter(|&s| self.may_grow(&data[s..]))
            .collect()
    }

    /// Appends `data` redacted to `out`, up to the first position at or after which a match
    /// could still change with more input (all of it when `last`); returns that position.
    /// Each replacement's (start, pattern) goes to `found` when given.
    fn emit(
        &self,
        data: &[u8],
        last: bool,
        out: &mut Vec<u8>,
        mut found: Option<&mut Vec<(usize, usize)>>,
    ) -> usize {
        let Some(finder) = &self.finder else {
            out.extend_from_slice(data);
            return data.len();
        };
        let growing = match last {
            true => Vec::new(),
            false => self.growing(data, 0),
        };
        let hold = |pos: usize| {
            growing
                .iter()
                .copied()
                .find(|&s| s >= pos)
                .unwrap_or(data.len())
        };
        let mut pos = 0;
        for m in finder.find_iter(data) {
            if hold(pos) <= m.start() {
                break;
            }
            out.extend_from_slice(&data[pos..m.start()]);
            out.extend_from_slice(&self.labels[self.label_of[m.pattern().as_usize()].0]);
            if let Some(found) = found.as_deref_mut() {
                found.push((m.start(), m.pattern().as_usize()));
            }
            pos = m.end();
        }
        let cut = hold(pos);
        out.extend_from_slice(&data[pos..cut]);
        cut
    }
}

/// A pattern (one form of a value) with its label's index and its form.
type Pattern = (Zeroizing<Vec<u8>>, usize, Form);

/// The patterns and, for each, its (label, form); each pattern kept once: with its first
/// label.
type Patterns = (Vec<Zeroizing<Vec<u8>>>, Vec<(usize, Form)>);

/// Every pattern once (see [`Patterns`]).
fn first_of_each(all: Vec<Pattern>) -> Patterns {
    let mut order: Vec<usize> = (0..all.len()).collect();
    order.sort_by(|&a, &b| all[a].0.as_slice().cmp(all[b].0.as_slice()).then(a.cmp(&b)));
    let mut keep = vec![true; all.len()];
    for w in order.windows(2) {
        if all[w[0]].0 == all[w[1]].0 {
            keep[w[1]] = false;
        }
    }
    let mut pats = Vec::with_capacity(all.len());
    let mut label_of = Vec::with_capacity(all.len());
    for ((p, label, form), keep) in all.into_iter().zip(keep) {
        if keep {
            pats.push(p);
            label_of.push((label, form));
        }
    }
    (pats, label_of)
}

/// A redacting stream: [`Stream::feed`] each chunk as it comes, [`Stream::finish`] at the
/// end. Holds back at most the longest pattern's length less one byte.
pub struct Stream<'r> {
    r: &'r Redactor,
    /// The tail of the input seen that could still become a match.
    pending: Zeroizing<Vec<u8>>,
}

impl Stream<'_> {
    /// Appends to `out` the redacted bytes of `chunk` (after what was held back) that no
    /// later input can change.
    pub fn feed(&mut self, chunk: &[u8], out: &mut Vec<u8>) {
        if self.pending.is_empty() {
            let cut = self.r.emit(chunk, false, out, None);
            self.pending.extend_from_slice(&chunk[cut..]);
            return;
        }
        self.pending.extend_from_slice(chunk);
        let cut = self.r.emit(&self.pending, false, out, None);
        self.pending.drain(..cut);
    }

    /// Appends what was held back, redacted: the input has ended.
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        self.r.emit(&self.pending, true, out, None);
        self.pending.clear();
    }

    /// How many bytes are held back.
    pub fn held(&self) -> usize {
        self.pending.len()
    }
}

#[cfg(test)]
mod tests;
