//! Unit tests of the value generator: lengths, alphabets, word lists, the weak-spec refusal
//! and that values differ.

use super::*;

fn value(g: &Generator) -> String {
    g.generate().unwrap().expose_secret().to_string()
}

#[test]
fn charsets_parse_and_unknown_ones_are_named() {
    assert_eq!(Charset::parse("alnum").unwrap(), Charset::Alnum);
    assert_eq!(Charset::parse("hex").unwrap(), Charset::Hex);
    assert_eq!(
        Charset::parse("custom:abca").unwrap(),
        Charset::Custom(vec!['a', 'b', 'c'])
    );
    let e = Charset::parse("ascii").unwrap_err().to_string();
    assert!(e.contains("`ascii`") && e.contains("custom:CHARS"), "{e}");
    assert!(Charset::parse("custom:aaaa").is_err());
    assert!(Charset::parse("custom:").is_err());
    assert!(Charset::parse("custom:a\tb").is_err());
}

#[test]
fn values_have_the_length_and_alphabet_asked_for() {
    for (cs, alphabet) in [
        (Charset::Alnum, ALNUM),
        (Charset::Base64, BASE64),
        (Charset::Hex, HEX),
        (Charset::Custom(vec!['x', 'y', 'é']), "xyé"),
    ] {
        let g = Generator::new(cs, Some(40));
        let v = value(&g);
        assert_eq!(v.chars().count(), 40, "{v}");
        assert!(v.chars().all(|c| alphabet.contains(c)), "{v}");
    }
    let v = value(&Generator::new(Charset::Words, None));
    let words: Vec<&str> = v.split('-').collect();
    assert_eq!(words.len(), 8, "{v}");
    assert!(words.iter().all(|w| WORDS.lines().any(|l| l == *w)), "{v}");
    assert_eq!(value(&Generator::new(Charset::Alnum, None)).len(), 32);
}

#[test]
fn every_symbol_appears_and_values_differ() {
    let g = Generator::new(Charset::Hex, Some(4096));
    let v = value(&g);
    assert!(HEX.chars().all(|c| v.contains(c)));
    assert_ne!(value(&g), v);
    // Roughly uniform: each of 16 digits near 256 of 4096.
    for c in HEX.chars() {
        let n = v.chars().filter(|&d| d == c).count();
        assert!((150..370).contains(&n), "{c}: {n}");
    }
}

#[test]
fn weak_specs_are_refused_unless_allowed() {
    let short = Generator::new(Charset::Alnum, Some(15));
    let e = short.check(false).unwrap_err().to_string();
    assert!(
        e.contains("15 characters") && e.contains("--allow-weak"),
        "{e}"
    );
    assert!(short.check(true).is_ok());
    assert!(
        Generator::new(Charset::Alnum, Some(16))
            .check(false)
            .is_ok()
    );
    // Long enough but too few bits: 20 characters of two symbols.
    let binary = Generator::new(Charset::Custom(vec!['0', '1']), Some(20));
    assert!(binary.check(false).is_err());
    assert!(Generator::new(Charset::Hex, Some(16)).check(false).is_ok());
    assert!(
        Generator::new(Charset::Words, Some(6))
            .check(false)
            .is_err()
    );
    assert!(Generator::new(Charset::Words, Some(7)).check(false).is_ok());
    assert!(Generator::new(Charset::Alnum, Some(0)).check(true).is_err());
    assert!(
        Generator::new(Charset::Alnum, Some(5000))
            .check(true)
            .is_err()
    );
}

#[test]
fn the_word_list_is_distinct_lowercase_words() {
    let words: Vec<&str> = WORDS.lines().collect();
    let mut sorted = words.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), words.len());
    assert!(words.len() >= 700);
    assert!(
        words
            .iter()
            .all(|w| w.chars().all(|c| c.is_ascii_lowercase()))
    );
}
