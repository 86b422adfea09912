//! The leftmost-longest search over many patterns, fast where most of the text matches
//! nothing: a sampled q-gram prefilter in front of the Aho-Corasick automaton.
//!
//! Every pattern is at least `m` bytes long, so any occurrence of one covers a position
//! that is a multiple of `k = m - Q + 1`, where the `Q` bytes at that position are one of
//! the pattern's first `k` q-grams. The search reads only those positions (one in `k`),
//! looks each q-gram up in a bit set of every pattern's first `k` q-grams, and runs the
//! automaton only around a hit, over the few bytes a match through it can span. The
//! matches are exactly those of `AhoCorasick::find_iter` (leftmost, then longest,
//! non-overlapping): the unit tests check it against the automaton alone. Pure.

use aho_corasick::{AhoCorasick, Input, Match};
use zeroize::Zeroizing;

/// The q-gram length (bytes read at each sampled position).
const Q: usize = 4;

/// The bit set's size: at most 2^22 bits (512 KiB, within a core's L2 cache), else about
/// 64 bits per q-gram (a false hit at about one sampled position in 64).
const MAX_BITS: u32 = 22;
const MIN_BITS: u32 = 12;

/// The sampled q-grams of every pattern.
struct Grams {
    /// One position in `step` is read.
    step: usize,
    /// log2 of the bit set's size.
    bits: u32,
    /// Derived from the values (as the automaton is): wiped when dropped.
    set: Zeroizing<Vec<u64>>,
}

impl Grams {
    /// None when the shortest pattern is shorter than a q-gram.
    fn new<P: AsRef<[u8]>>(patterns: &[P]) -> Option<Grams> {
        let shortest = patterns.iter().map(|p| p.as_ref().len()).min()?;
        let step = (shortest + 1).checked_sub(Q).filter(|&s| s > 0)?;
        let grams = patterns.len() * step;
        let bits = (usize::BITS - (grams * 64).leading_zeros()).clamp(MIN_BITS, MAX_BITS);
        let mut g = Grams {
            step,
            bits,
            set: Zeroizing::new(vec![0; 1 << (bits - 6)]),
        };
        for p in patterns {
            for w in p.as_ref().windows(Q).take(step) {
                let i = g.slot(w);
                g.set[i >> 6] |= 1 << (i & 63);
            }
        }
        Some(g)
    }

    /// The bit of the q-gram starting `w` (which holds at least `Q` bytes).
    #[inline]
    fn slot(&self, w: &[u8]) -> usize {
        let x = u32::from_le_bytes([w[0], w[1], w[2], w[3]]);
        (x.wrapping_mul(0x9E37_79B1) >> (32 - self.bits)) as usize
    }

    #[inline]
    fn hit(&self, w: &[u8]) -> bool {
        let i = self.slot(w);
        self.set[i >> 6] & (1 << (i & 63)) != 0
    }
}

/// The automaton (built leftmost-longest) with its prefilter.
pub(super) struct Finder {
    ac: AhoCorasick,
    grams: Option<Grams>,
    longest: usize,
}

impl Finder {
    /// `ac` must be built from `patterns`, leftmost-longest.
    pub(super) fn new<P: AsRef<[u8]>>(ac: AhoCorasick, patterns: &[P]) -> Finder {
        let longest = patterns.iter().map(|p| p.as_ref().len()).max().unwrap_or(0);
        Finder {
            ac,
            grams: Grams::new(patterns),
            longest,
        }
    }

    /// The leftmost-longest non-overlapping matches in `data`, in order.
    pub(super) fn find_iter<'a>(&'a self, data: &'a [u8]) -> Box<dyn Iterator<Item = Match> + 'a> {
        match &self.grams {
            None => Box::new(self.ac.find_iter(data)),
            Some(g) => Box::new(Sampled {
                f: self,
                g,
                data,
                at: 0,
                from: 0,
            }),
        }
    }
}

/// The matches found from sampled positions.
struct Sampled<'a> {
    f: &'a Finder,
    g: &'a Grams,
    data: &'a [u8],
    /// The next sampled position (a multiple of the step).
    at: usize,
    /// Where the next match may start (the end of the last one).
    from: usize,
}

impl Iterator for Sampled<'_> {
    type Item = Match;

    fn next(&mut self) -> Option<Match> {
        let (data, step) = (self.data, self.g.step);
        let end = data.len().saturating_sub(Q - 1);
        while self.at < end {
            let j = self.at;
            self.at += step;
            if !self.g.hit(&data[j..j + Q]) {
                continue;
            }
            // A match through j starts within the step before it and ends within the
            // longest pattern after its start.
            let start = (j + 1).saturating_sub(step).max(self.from);
            let stop = (j + self.f.longest).min(data.len());
            let found = self.f.ac.find(Input::new(data).span(start..stop));
            if let Some(m) = found.filter(|m| m.start() <= j) {
                self.from = m.end();
                self.at = m.end().div_ceil(step) * step;
                return Some(m);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::{AhoCorasickBuilder, MatchKind};
    use proptest::prelude::*;

    fn both(pats: &[Vec<u8>], data: &[u8]) -> (Vec<Match>, Vec<Match>) {
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(pats)
            .unwrap();
        let plain: Vec<Match> = ac.find_iter(data).collect();
        let f = Finder::new(ac, pats);
        (f.find_iter(data).collect(), plain)
    }

    #[test]
    fn the_prefilter_is_used_from_a_q_gram_up() {
        assert!(Grams::new(&[b"abc".to_vec()]).is_none());
        assert_eq!(Grams::new(&[b"abcd".to_vec()]).unwrap().step, 1);
        assert_eq!(
            Grams::new(&[b"abcdefgh".to_vec(), b"x".repeat(30)])
                .unwrap()
                .step,
            5
        );
    }

    #[test]
    fn matches_at_the_edges_and_back_to_back() {
        let pats = vec![
            b"abcdefgh".to_vec(),
            b"abcdefghij".to_vec(),
            b"ghijklmn".to_vec(),
        ];
        for data in [
            &b"abcdefgh"[..],
            b"abcdefghij",
            b"xabcdefghijklmnabcdefgh",
            b"abcdefghabcdefghabcdefg",
            b"zzzzzzzzzzzzghijklmn",
        ] {
            let (got, want) = both(&pats, data);
            assert_eq!(got, want, "{}", String::from_utf8_lossy(data));
        }
    }

    /// Text made of whole patterns, their prefixes and other bytes.
    fn assemble(pats: &[Vec<u8>], pieces: &[(u8, usize, Vec<u8>)]) -> Vec<u8> {
        let mut data = Vec::new();
        for (kind, pick, bytes) in pieces {
            let p = &pats[pick % pats.len()];
            match kind {
                0 => data.extend_from_slice(p),
                1 => data.extend_from_slice(&p[..pick % p.len()]),
                _ => data.extend_from_slice(bytes),
            }
        }
        data
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        /// Patterns of any lengths (some shorter than a q-gram: no prefilter) over a small
        /// alphabet, so that they overlap, nest and repeat.
        #[test]
        fn the_same_matches_as_the_automaton_alone(
            pats in proptest::collection::vec(proptest::collection::vec(b'a'..b'e', 1..14), 1..6),
            pieces in proptest::collection::vec(
                (0u8..3, any::<usize>(), proptest::collection::vec(b'a'..b'f', 0..6)),
                0..40,
            ),
            min in 1usize..10,
        ) {
            let pats: Vec<Vec<u8>> = pats.into_iter().filter(|p| p.len() >= min).collect();
            prop_assume!(!pats.is_empty());
            let data = assemble(&pats, &pieces);
            let (got, want) = both(&pats, &data);
            prop_assert_eq!(got, want);
        }
    }
}
