//! The `/` filter: fuzzy matching (nucleo-matcher, the fzf algorithm) of a query against
//! `project/env KEY` for every secret in every project, kept under one frame per keystroke
//! at a million secrets:
//! - the haystacks live in one arena with a 64-bit mask of the characters each holds, built
//!   as the scan first reaches them and extended (not rebuilt) when scopes are appended;
//! - a query that extends the previous one only rescans the previous hits;
//! - a byte prefilter (the mask, then the characters in order) rejects most haystacks
//!   before the scorer sees them;
//! - only the best [`TOP`] hits are ordered by score (the rest follow in catalog order);
//! - a scan stops after [`BUDGET`] and carries on at the next [`Filter::step`], so a long
//!   scan is spread over frames instead of freezing one.

use super::catalog::Catalog;
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::{Duration, Instant};

/// How many hits are ordered by score; the others follow in catalog order.
pub const TOP: usize = 1_000;
/// The work one step may do before it yields to the next frame.
pub const BUDGET: Duration = Duration::from_millis(8);
/// The clock is read once per this many haystacks (a small catalog never splits).
const CHECK_EVERY: usize = 4_096;

/// A hit's rank: higher score first, then catalog order (scope, then key).
type Rank = (u32, Reverse<(u32, u32)>);

/// The filter's query, its cached haystacks and its current (or partial) hits.
pub struct Filter {
    matcher: Matcher,
    /// `project/env KEY` of every indexed secret, end to end; `ends[i]` closes secret i.
    arena: String,
    ends: Vec<u32>,
    masks: Vec<u64>,
    generation: Option<u64>,
    query: String,
    pattern: Option<Pattern>,
    /// The secrets the running scan looks at (ascending), how far it got, and how many of
    /// the catalog's secrets the pool was made from.
    pool: Vec<u32>,
    pos: usize,
    upto: u32,
    /// Hits found so far, ascending, and the best [`TOP`] of them.
    found: Vec<u32>,
    best: BinaryHeap<Reverse<(Rank, u32)>>,
    /// Indices into the catalog's secrets: best first, then catalog order.
    hits: Vec<u32>,
    /// A step's time and how often it reads the clock ([`BUDGET`], [`CHECK_EVERY`]).
    budget: Duration,
    every: usize,
}

impl Default for Filter {
    fn default() -> Self {
        Filter {
            matcher: Matcher::new(Config::DEFAULT),
            arena: String::new(),
            ends: Vec::new(),
            masks: Vec::new(),
            generation: None,
            query: String::new(),
            pattern: None,
            pool: Vec::new(),
            pos: 0,
            upto: 0,
            found: Vec::new(),
            best: BinaryHeap::new(),
            hits: Vec::new(),
            budget: BUDGET,
            every: CHECK_EVERY,
        }
    }
}

impl std::fmt::Debug for Filter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Filter")
            .field("query", &self.query)
            .field("hits", &self.hits.len())
            .field("done", &self.done())
            .finish_non_exhaustive()
    }
}

impl Filter {
    /// The current query.
    pub fn query(&self) -> &str {
        &self.query
    }

    /// Matching secrets (indices into the catalog), best first; while a scan runs, the
    /// best of those found so far.
    pub fn hits(&self) -> &[u32] {
        &self.hits
    }

    /// Whether the last query has been matched against every secret.
    pub fn done(&self) -> bool {
        self.pos >= self.pool.len()
    }

    /// A filter whose steps stop every `every` haystacks once `budget` is spent.
    #[cfg(test)]
    pub fn chunked(budget: Duration, every: usize) -> Filter {
        Filter {
            budget,
            every,
            ..Filter::default()
        }
    }

    /// Sets the query and runs the first step of its scan against `cat`.
    pub fn set_query(&mut self, query: &str, cat: &Catalog) {
        let fresh = self.generation != Some(cat.generation);
        if fresh {
            self.arena.clear();
            self.ends.clear();
            self.masks.clear();
            self.generation = Some(cat.generation);
        }
        // Extending a query only narrows its hits, except under a `!` (negated) atom.
        let narrowing = !fresh
            && !self.query.is_empty()
            && query.starts_with(&self.query)
            && !query.contains('!');
        // The previous hits, what the previous scan had not reached yet, and the secrets
        // appended since (scopes loaded in the background).
        let (mut pool, covered) = if narrowing {
            let mut p = std::mem::take(&mut self.found);
            p.extend_from_slice(&self.pool[self.pos.min(self.pool.len())..]);
            (p, self.upto)
        } else {
            (Vec::new(), 0)
        };
        pool.extend(covered..cat.secrets.len() as u32);
        self.upto = cat.secrets.len() as u32;
        self.query = query.to_string();
        self.pattern = (!query.trim().is_empty())
            .then(|| Pattern::parse(query, CaseMatching::Smart, Normalization::Smart));
        self.pos = 0;
        self.found.clear();
        self.best.clear();
        if self.pattern.is_none() {
            // No query: everything matches, in catalog order, with nothing to scan.
            self.found = pool.clone();
            self.pos = pool.len();
        }
        self.pool = pool;
        self.step(cat);
    }

    /// Secrets appended to `cat` (same generation) join the current scan.
    pub fn extend(&mut self, cat: &Catalog) {
        if self.generation != Some(cat.generation) {
            return self.set_query(&self.query.clone(), cat);
        }
        self.pool.extend(self.upto..cat.secrets.len() as u32);
        self.upto = cat.secrets.len() as u32;
        self.step(cat);
    }

    /// Scans for up to [`BUDGET`], then publishes the hits found so far.
    pub fn step(&mut self, cat: &Catalog) {
        let start = Instant::now();
        let query = self.query.clone();
        let plain = query
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-./".contains(&b));
        let fold = !query.bytes().any(|b| b.is_ascii_uppercase());
        // A negated atom's characters need not be there.
        let want = if query.contains('!') {
            0
        } else {
            mask(query.as_bytes())
        };
        let mut n = 0;
        while self.pos < self.pool.len() {
            n += 1;
            if n % self.every == 0 && start.elapsed() >= self.budget {
                break;
            }
            let i = self.pool[self.pos];
            self.pos += 1;
            self.index_up_to(i as usize, cat);
            let Some(pattern) = &self.pattern else {
                self.found.push(i);
                continue;
            };
            if self.masks[i as usize] & want != want {
                continue;
            }
            let hay = haystack(&self.arena, &self.ends, i as usize).as_bytes();
            // A plain word is one fuzzy atom: its characters must appear in order.
            if plain && !in_order(hay, query.as_bytes(), fold) {
                continue;
            }
            // Scope and key names are ASCII (checked when they are made).
            if let Some(score) = pattern.score(Utf32Str::Ascii(hay), &mut self.matcher) {
                self.found.push(i);
                let scope = cat.secrets[i as usize].scope;
                let entry = Reverse(((score, Reverse((scope, i))), i));
                if self.best.len() < TOP {
                    self.best.push(entry);
                } else if self.best.peek().is_some_and(|w| entry < *w) {
                    self.best.pop();
                    self.best.push(entry);
                }
            }
        }
        self.publish();
    }

    /// Orders the best hits by rank, then the other hits (only once the scan is done).
    fn publish(&mut self) {
        let mut top: Vec<(Rank, u32)> = self.best.iter().map(|r| r.0).collect();
        top.sort_unstable_by(|a, b| b.cmp(a));
        self.hits = top.iter().map(|&(_, i)| i).collect();
        if self.pattern.is_none() {
            self.hits = self.found.clone();
        } else if self.done() && self.found.len() > self.hits.len() {
            let mut chosen: Vec<u32> = self.hits.clone();
            chosen.sort_unstable();
            // Both ascending: one merge walk leaves out the ones already ranked.
            let mut skip = chosen.iter().peekable();
            for &i in &self.found {
                if skip.peek() == Some(&&i) {
                    skip.next();
                } else {
                    self.hits.push(i);
                }
            }
        }
    }

    /// Builds the haystacks of every secret up to `i`.
    fn index_up_to(&mut self, i: usize, cat: &Catalog) {
        while self.ends.len() <= i {
            let s = &cat.secrets[self.ends.len()];
            let scope = &cat.scopes[s.scope as usize].scope;
            let start = self.arena.len();
            use std::fmt::Write;
            let _ = write!(self.arena, "{scope} {}", s.meta.key);
            self.masks.push(mask(&self.arena.as_bytes()[start..]));
            self.ends.push(self.arena.len() as u32);
        }
    }
}

/// Haystack `i` of the arena.
fn haystack<'a>(arena: &'a str, ends: &[u32], i: usize) -> &'a str {
    let start = if i == 0 { 0 } else { ends[i - 1] as usize };
    &arena[start..ends[i] as usize]
}

/// One bit per letter (case folded), digit and `_-./` present in `text`.
fn mask(text: &[u8]) -> u64 {
    text.iter().fold(0, |m, &b| {
        let bit = match b.to_ascii_lowercase() {
            c @ b'a'..=b'z' => c - b'a',
            c @ b'0'..=b'9' => 26 + c - b'0',
            b'_' => 36,
            b'-' => 37,
            b'.' => 38,
            b'/' => 39,
            _ => return m,
        };
        m | 1 << bit
    })
}

/// Whether `needle`'s bytes occur in `hay` in order (ASCII case folded when `fold`).
fn in_order(hay: &[u8], needle: &[u8], fold: bool) -> bool {
    let mut want = needle.iter();
    let mut next = want.next();
    for &b in hay {
        let Some(&w) = next else { return true };
        let b = if fold { b.to_ascii_lowercase() } else { b };
        if b == w {
            next = want.next();
        }
    }
    next.is_none()
}

#[cfg(test)]
mod tests;
