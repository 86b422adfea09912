//! Redaction: every occurrence of a scope's values, and of the encoded forms the leak scan
//! knows (`crate::scan`: base64 at any alignment in both alphabets, URL-encoded,
//! JSON-escaped), replaced by `[devvault:KEY]` in a byte stream (`run --redact`, the MCP
//! server's `run` tool; a transcript sweep can run whole files through [`Redactor::redact`]).
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

use crate::error::{Error, Result};
use crate::scan::forms;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use zeroize::Zeroizing;

/// Values shorter than this are not redacted (as the leak scan ignores them): too short to
/// tell apart from ordinary output.
pub const MIN_LENGTH: usize = crate::scan::DEFAULT_MIN_LENGTH;

/// Up to this many patterns the automaton is a full DFA: about three times the speed of the
/// default NFA on text without matches (the relay's whole cost), for a table of at most a
/// few MB (a scope of 70 or so values).
const DFA_PATTERNS: usize = 1000;

/// The automaton over every value's forms, with the label each one becomes.
pub struct Redactor {
    ac: Option<AhoCorasick>,
    /// For each pattern: the index of its label.
    label_of: Vec<usize>,
    /// `[devvault:KEY]`, one per key.
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
        let mut pats: Vec<Zeroizing<Vec<u8>>> = Vec::new();
        let (mut label_of, mut labels, mut short) = (Vec::new(), Vec::new(), Vec::new());
        for (key, value) in values {
            if value.len() < min_len {
                short.push(key.to_string());
                continue;
            }
            let label = labels.len();
            labels.push(format!("[devvault:{key}]").into_bytes());
            for (p, _) in forms(value) {
                let p = Zeroizing::new(p.as_bytes().to_vec());
                if p.len() >= min_len && !pats.iter().any(|q| **q == *p) {
                    pats.push(p);
                    label_of.push(label);
                }
            }
        }
        let ac = match pats.is_empty() {
            true => None,
            false => Some(
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::LeftmostLongest)
                    .kind((pats.len() <= DFA_PATTERNS).then_some(AhoCorasickKind::DFA))
                    .build(pats.iter().map(|p| p.as_slice()))
                    .map_err(|e| Error::invalid("the redaction patterns", e.to_string()))?,
            ),
        };
        let longest = pats.iter().map(|p| p.len()).max().unwrap_or(0);
        let mut sorted = pats;
        sorted.sort_by(|a, b| a.as_slice().cmp(b.as_slice()));
        Ok(Redactor {
            ac,
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
    fn emit(&self, data: &[u8], last: bool, out: &mut Vec<u8>) -> usize {
        let Some(ac) = &self.ac else {
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
        for m in ac.find_iter(data) {
            if hold(pos) <= m.start() {
                break;
            }
            out.extend_from_slice(&data[pos..m.start()]);
            out.extend_from_slice(&self.labels[self.label_of[m.pattern().as_usize()]]);
            pos = m.end();
        }
        let cut = hold(pos);
        out.extend_from_slice(&data[pos..cut]);
        cut
    }
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
            let cut = self.r.emit(chunk, false, out);
            self.pending.extend_from_slice(&chunk[cut..]);
            return;
        }
        self.pending.extend_from_slice(chunk);
        let cut = self.r.emit(&self.pending, false, out);
        self.pending.drain(..cut);
    }

    /// Appends what was held back, redacted: the input has ended.
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        self.r.emit(&self.pending, true, out);
        self.pending.clear();
    }

    /// How many bytes are held back.
    pub fn held(&self) -> usize {
        self.pending.len()
    }
}

#[cfg(test)]
mod tests;
