//! Tests of the redactor: random chunkings against a whole-input reference (no value or
//! encoded form leaks, other bytes unchanged), prompts not held back, bounded memory,
//! short values listed, every encoded form labelled.

use super::*;
use proptest::prelude::*;

/// The obvious reference: at each position, the longest pattern starting there (leftmost
/// first), over the whole input at once.
fn reference(pats: &[(Vec<u8>, String)], data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < data.len() {
        let best = pats
            .iter()
            .filter(|(p, _)| data[i..].starts_with(p))
            .max_by_key(|(p, _)| p.len());
        match best {
            Some((p, key)) => {
                out.extend_from_slice(format!("[devvault:{key}]").as_bytes());
                i += p.len();
            }
            None => {
                out.push(data[i]);
                i += 1;
            }
        }
    }
    out
}

/// Every (form, key) the redactor looks for, first key first, as `Redactor::new` keeps them.
fn patterns(values: &[(String, String)]) -> Vec<(Vec<u8>, String)> {
    let mut out: Vec<(Vec<u8>, String)> = Vec::new();
    for (k, v) in values {
        if v.len() < MIN_LENGTH {
            continue;
        }
        for (p, _) in forms(v) {
            let p = p.as_bytes().to_vec();
            if p.len() >= MIN_LENGTH && !out.iter().any(|(q, _)| *q == p) {
                out.push((p, k.clone()));
            }
        }
    }
    out
}

fn chunked(r: &Redactor, data: &[u8], cuts: &[usize]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut s = r.stream();
    let mut at = 0;
    for &c in cuts {
        let c = c.min(data.len()).max(at);
        s.feed(&data[at..c], &mut out);
        assert!(s.held() < r.longest.max(1), "held {} bytes", s.held());
        at = c;
    }
    s.feed(&data[at..], &mut out);
    s.finish(&mut out);
    out
}

fn value() -> impl Strategy<Value = String> {
    // Letters that collide often, plus characters every encoding changes; no `[`, `]`, `:`.
    proptest::string::string_regex("[ab/+\"\\\\ é=%-]{8,20}").unwrap()
}

/// Input assembled from pieces: values, their encoded forms, prefixes of both, and other
/// bytes (invalid UTF-8 included).
fn pieces(n: usize) -> impl Strategy<Value = Vec<(u8, usize, Vec<u8>)>> {
    proptest::collection::vec(
        (
            0u8..4,
            0usize..64,
            proptest::collection::vec(
                prop_oneof![Just(b'a'), Just(b'b'), Just(0xFF), Just(b'\n'), any::<u8>()],
                0..6,
            ),
        ),
        0..n,
    )
}

fn assemble(
    pats: &[(Vec<u8>, String)],
    values: &[(String, String)],
    p: &[(u8, usize, Vec<u8>)],
) -> Vec<u8> {
    let mut data = Vec::new();
    for (kind, pick, bytes) in p {
        match kind {
            0 if !values.is_empty() => {
                data.extend_from_slice(values[pick % values.len()].1.as_bytes())
            }
            1 if !pats.is_empty() => data.extend_from_slice(&pats[pick % pats.len()].0),
            2 if !pats.is_empty() => {
                let pat = &pats[pick % pats.len()].0;
                data.extend_from_slice(&pat[..pick % pat.len()]);
            }
            _ => data.extend_from_slice(bytes),
        }
    }
    data
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn any_chunking_redacts_every_value_and_keeps_every_other_byte(
        vals in proptest::collection::vec(value(), 1..4),
        superstring in any::<bool>(),
        p in pieces(24),
        cuts in proptest::collection::vec(0usize..400, 0..12),
    ) {
        let mut values: Vec<(String, String)> = vals
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("K{i}"), v.clone()))
            .collect();
        if superstring {
            // A value that is a substring of another.
            let inner = values[0].1.clone();
            values.push(("OUTER".into(), format!("xy{inner}zw")));
        }
        let r = Redactor::new(values.iter().map(|(k, v)| (k.as_str(), v.as_str())), MIN_LENGTH).unwrap();
        let pats = patterns(&values);
        let data = assemble(&pats, &values, &p);
        let mut cuts = cuts;
        cuts.sort();
        let out = chunked(&r, &data, &cuts);
        prop_assert_eq!(&out, &reference(&pats, &data));
        prop_assert_eq!(&out, &r.redact(&data));
        let whole = r.redact_found(&data).map_or_else(|| data.clone(), |(o, _)| o);
        prop_assert_eq!(&out, &whole);
        for (pat, _) in &pats {
            prop_assert!(!out.windows(pat.len()).any(|w| w == pat.as_slice()));
        }
    }

    #[test]
    fn one_byte_at_a_time_is_the_same(
        vals in proptest::collection::vec(value(), 1..3),
        p in pieces(16),
    ) {
        let values: Vec<(String, String)> = vals.iter().enumerate().map(|(i, v)| (format!("K{i}"), v.clone())).collect();
        let r = Redactor::new(values.iter().map(|(k, v)| (k.as_str(), v.as_str())), MIN_LENGTH).unwrap();
        let pats = patterns(&values);
        let data = assemble(&pats, &values, &p);
        let cuts: Vec<usize> = (0..data.len()).collect();
        prop_assert_eq!(chunked(&r, &data, &cuts), reference(&pats, &data));
    }
}

#[test]
fn every_encoded_form_is_labelled() {
    let v = "s3cr3t/value+x\"q";
    let r = Redactor::new([("API_KEY", v)], MIN_LENGTH).unwrap();
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(format!("x={v}"));
    let text =
        format!("raw {v}\nb64 {b64}\nurl s3cr3t%2Fvalue%2Bx%22q\njson s3cr3t/value+x\\\"q\n");
    let out = String::from_utf8(r.redact(text.as_bytes())).unwrap();
    assert_eq!(out.matches("[devvault:API_KEY]").count(), 4, "{out}");
    assert!(!out.contains("s3cr3t"), "{out}");
}

#[test]
fn short_values_are_listed_not_redacted() {
    let r = Redactor::new([("PORT", "5432"), ("TOKEN", "tok_0123456789")], MIN_LENGTH).unwrap();
    assert_eq!(r.too_short(), ["PORT".to_string()]);
    assert_eq!(r.values(), 1);
    assert_eq!(r.redact(b"5432 tok_0123456789"), b"5432 [devvault:TOKEN]");
}

#[test]
fn a_prompt_is_not_held_back() {
    let r = Redactor::new([("TOKEN", "tok_0123456789")], MIN_LENGTH).unwrap();
    let mut s = r.stream();
    let mut out = Vec::new();
    s.feed(b"Password: ", &mut out);
    assert_eq!(out, b"Password: ");
    s.feed(b"the tok_01", &mut out);
    assert_eq!(out, b"Password: the ");
    assert_eq!(s.held(), 6);
    s.feed(b"23456789!", &mut out);
    assert_eq!(out, b"Password: the [devvault:TOKEN]!");
}

#[test]
fn megabytes_without_a_newline_hold_nothing_back() {
    let r = Redactor::new([("TOKEN", "tok_0123456789")], MIN_LENGTH).unwrap();
    let mut s = r.stream();
    let chunk = vec![b'x'; 1 << 16];
    let mut out = Vec::new();
    for _ in 0..64 {
        out.clear();
        s.feed(&chunk, &mut out);
        assert_eq!(out.len(), chunk.len());
        assert_eq!(s.held(), 0);
    }
}

#[test]
fn no_values_passes_everything() {
    let r = Redactor::new(std::iter::empty(), MIN_LENGTH).unwrap();
    assert_eq!(r.redact(b"\xFF\x00any"), b"\xFF\x00any");
}

/// The whole-buffer redaction (the sweep's): the same bytes as the stream, each
/// replacement's line, value and form.
#[test]
fn a_whole_buffer_says_where_each_replacement_was() {
    let (short, long) = ("abcdefgh", "abcdefgh-ijkl\"m");
    let r = Redactor::new([("SHORT", short), ("LONG", long)], MIN_LENGTH).unwrap();
    let text = "x\nuse abcdefgh-ijkl\\\"m and\nabcdefgh\n\nYWJjZGVmZ2g= end".as_bytes();
    let (out, found) = r.redact_found(text).unwrap();
    assert_eq!(out, r.redact(text));
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "x\nuse [devvault:LONG] and\n[devvault:SHORT]\n\n[devvault:SHORT] end"
    );
    assert_eq!(
        found,
        [
            (2, 1, Form::JsonEscaped),
            (3, 0, Form::Raw),
            (5, 0, Form::Base64)
        ]
    );
    assert!(r.redact_found(b"nothing here\n").is_none());
    assert!(
        Redactor::new(std::iter::empty(), MIN_LENGTH)
            .unwrap()
            .redact_found(b"x")
            .is_none()
    );
}

/// Above `DFA_PATTERNS` patterns the automaton is an NFA: the same replacements.
#[test]
fn many_values_are_redacted_as_few() {
    let values: Vec<(String, String)> = (0..200)
        .map(|i| {
            (
                format!("K{i}"),
                format!("sk_{i:04}_{}", "q/x+".repeat(i % 5 + 2)),
            )
        })
        .collect();
    let r = Redactor::new(
        values.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        MIN_LENGTH,
    )
    .unwrap();
    assert!(r.label_of.len() > DFA_PATTERNS);
    let pats = patterns(&values);
    let mut data = Vec::new();
    for (i, (p, _)) in pats.iter().enumerate().step_by(7) {
        data.extend_from_slice(format!("line {i} ").as_bytes());
        data.extend_from_slice(p);
        data.extend_from_slice(&p[..p.len() / 2]);
        data.push(b'\n');
    }
    let want = reference(&pats, &data);
    assert_eq!(r.redact(&data), want);
    assert_eq!(r.redact_found(&data).unwrap().0, want);
    assert_eq!(chunked(&r, &data, &[5, 100, 101, 333, 1000]), want);
}
