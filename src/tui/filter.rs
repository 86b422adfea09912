//! The `/` filter: fuzzy matching (nucleo-matcher, the fzf algorithm) of a query against
//! `project/env KEY` for every secret in every project. The haystacks are built once per
//! catalog generation; a query that extends the previous one only rescans the previous hits,
//! so each keystroke stays well under a frame at 100,000 secrets.

use super::catalog::Catalog;
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

/// The filter's query, its cached haystacks and its current hits.
pub struct Filter {
    matcher: Matcher,
    /// `project/env KEY` for each secret (names are ASCII), for `generation`.
    haystacks: Vec<Box<str>>,
    generation: Option<u64>,
    query: String,
    /// Indices into the catalog's secrets, best match first.
    hits: Vec<u32>,
    /// Unsorted hits of `query` (what a longer query rescans).
    candidates: Vec<u32>,
}

impl Default for Filter {
    fn default() -> Self {
        Filter {
            matcher: Matcher::new(Config::DEFAULT),
            haystacks: Vec::new(),
            generation: None,
            query: String::new(),
            hits: Vec::new(),
            candidates: Vec::new(),
        }
    }
}

impl std::fmt::Debug for Filter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Filter")
            .field("query", &self.query)
            .field("hits", &self.hits.len())
            .finish_non_exhaustive()
    }
}

impl Filter {
    /// The current query.
    pub fn query(&self) -> &str {
        &self.query
    }

    /// Matching secrets (indices into the catalog), best first.
    pub fn hits(&self) -> &[u32] {
        &self.hits
    }

    /// Sets the query and recomputes the hits against `cat`.
    pub fn set_query(&mut self, query: &str, cat: &Catalog) {
        let fresh = self.generation != Some(cat.generation);
        if fresh {
            self.haystacks = cat
                .secrets
                .iter()
                .map(|s| {
                    let scope = &cat.scopes[s.scope as usize].scope;
                    format!("{scope} {}", s.meta.key).into_boxed_str()
                })
                .collect();
            self.generation = Some(cat.generation);
        }
        // Extending a query only narrows its hits, except under a `!` (negated) atom.
        let narrowing = !fresh
            && !self.query.is_empty()
            && query.starts_with(&self.query)
            && !query.contains('!');
        self.query = query.to_string();
        if query.trim().is_empty() {
            self.candidates = (0..self.haystacks.len() as u32).collect();
            self.hits = self.candidates.clone();
            return;
        }
        let pattern = Pattern::parse(query, CaseMatching::Smart, Normalization::Smart);
        // A query of one plain word is one fuzzy atom: a haystack must hold its characters
        // in order, which a byte scan checks far faster than the scorer rejects it.
        let plain = query
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-./".contains(&b));
        let fold = !query.bytes().any(|b| b.is_ascii_uppercase());
        let pool: Vec<u32> = if narrowing {
            std::mem::take(&mut self.candidates)
        } else {
            (0..self.haystacks.len() as u32).collect()
        };
        let mut scored: Vec<(u32, u32)> = Vec::with_capacity(pool.len().min(16_384));
        for i in pool {
            let hay = self.haystacks[i as usize].as_bytes();
            if plain && !in_order(hay, query.as_bytes(), fold) {
                continue;
            }
            // Scope and key names are ASCII (checked when they are made).
            if let Some(score) = pattern.score(Utf32Str::Ascii(hay), &mut self.matcher) {
                scored.push((score, i));
            }
        }
        self.candidates = scored.iter().map(|&(_, i)| i).collect();
        // Best score first; ties keep catalog order (scope, then key).
        scored.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        self.hits = scored.into_iter().map(|(_, i)| i).collect();
    }
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
mod tests {
    use super::*;
    use devvault::{KeyName, Scope, SecretMeta};

    fn catalog() -> Catalog {
        let meta = |k: &str| SecretMeta {
            key: KeyName::new(k).unwrap(),
            created: 0,
            updated: 0,
            version: 1,
            rotated_at: None,
            url: None,
            max_age: 90 * 86_400,
            overdue_days: None,
        };
        Catalog::new(vec![
            (
                Scope::parse("shop/prod").unwrap(),
                vec![meta("STRIPE_KEY"), meta("DATABASE_URL")],
            ),
            (
                Scope::parse("blog/dev").unwrap(),
                vec![meta("SMTP_PASSWORD"), meta("STRIPE_WEBHOOK")],
            ),
        ])
    }

    fn keys(f: &Filter, cat: &Catalog) -> Vec<String> {
        let name = |&i: &u32| cat.secrets[i as usize].meta.key.to_string();
        f.hits().iter().map(name).collect()
    }

    #[test]
    fn fuzzy_across_projects_and_narrowing() {
        let cat = catalog();
        let mut f = Filter::default();
        f.set_query("strp", &cat);
        let mut got = keys(&f, &cat);
        got.sort();
        assert_eq!(got, ["STRIPE_KEY", "STRIPE_WEBHOOK"]);
        f.set_query("strpkey", &cat);
        assert_eq!(keys(&f, &cat), ["STRIPE_KEY"]);
        f.set_query("strp", &cat);
        assert_eq!(f.hits().len(), 2, "a shorter query rescans everything");
        f.set_query("blog", &cat);
        let mut got = keys(&f, &cat);
        got.sort();
        assert_eq!(
            got,
            ["SMTP_PASSWORD", "STRIPE_WEBHOOK"],
            "scope names match too"
        );
        f.set_query("zzz", &cat);
        assert!(f.hits().is_empty());
        f.set_query("", &cat);
        assert_eq!(f.hits().len(), 4);
    }
}
