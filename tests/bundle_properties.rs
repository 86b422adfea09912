//! Bundle import never panics (security.md, test 13): every truncation, bit flips across a
//! valid bundle (binary and armored), random bytes, and arbitrary payload text all end in
//! an error (or, for an untouched bundle, the original contents), never a panic. A private
//! key given as a recipient is refused without being echoed.

use devvault::bundle::{self, Bundle, BundleSecret, Key, Lock, Recipient};
use devvault::{KeyName, Scope, SecretValue};
use proptest::prelude::*;

fn sample() -> Bundle {
    let secret = |k: &str, v: &str| BundleSecret {
        key: KeyName::new(k).unwrap(),
        value: SecretValue::from(v),
        comment: Some("a note".into()),
        url: None,
        created: 1,
        updated: 2,
        version: 3,
        rotated_at: None,
        max_age: Some(86400),
        template: Some(false),
    };
    Bundle {
        created: 5,
        scopes: vec![(
            Scope::parse("app/dev").unwrap(),
            vec![
                secret("A", "value-a"),
                secret("B", "multi\nline \"quoted\""),
            ],
        )],
    }
}

fn open(data: &[u8], ids: &[Box<dyn age::Identity>]) -> devvault::Result<Bundle> {
    let plain = bundle::decrypt(data, Key::Identities(ids), "fuzz.age")?;
    bundle::decode(&plain, "fuzz.age")
}

#[test]
fn truncations_and_flips_of_a_bundle_are_errors() {
    let id = age::x25519::Identity::generate();
    let ids: Vec<Box<dyn age::Identity>> = vec![Box::new(id.clone())];
    let to = [Recipient::parse(&id.to_public().to_string()).unwrap()];
    let plain = bundle::encode(&sample()).unwrap();
    for armor in [false, true] {
        let good = bundle::encrypt(&plain, Lock::Recipients(&to), armor).unwrap();
        let back = open(&good, &ids).unwrap();
        assert_eq!(
            back.scopes[0].1[1].value.expose_secret(),
            "multi\nline \"quoted\""
        );
        for len in 0..good.len() {
            match open(&good[..len], &ids) {
                // Armor without its final newline is still the whole file.
                Ok(b) if armor && len + 1 == good.len() => {
                    assert_eq!(b.scopes[0].1[0].value.expose_secret(), "value-a")
                }
                r => assert!(r.is_err(), "truncated to {len}"),
            }
        }
        for pos in 0..good.len() {
            for bit in [0x01u8, 0x80] {
                let mut bad = good.clone();
                bad[pos] ^= bit;
                // Armor tolerates some whitespace changes; anything that opens must be intact.
                if let Ok(b) = open(&bad, &ids) {
                    assert_eq!(b.scopes[0].1[0].value.expose_secret(), "value-a", "{pos}");
                }
            }
        }
    }
}

#[test]
fn a_private_key_given_as_a_recipient_is_refused_without_echoing_it() {
    use age::secrecy::ExposeSecret;
    let secret = age::x25519::Identity::generate().to_string();
    let e = Recipient::parse(secret.expose_secret())
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("private key"), "{e}");
    assert!(!e.contains(&secret.expose_secret()[16..40]), "{e}");
    let e = Recipient::parse("ecdsa-sha2-nistp256 AAAAE2VjZHNh host")
        .err()
        .unwrap()
        .to_string();
    assert!(
        e.contains("`ecdsa-sha2-nistp256`") && !e.contains("AAAA"),
        "{e}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn random_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..600)) {
        let ids: Vec<Box<dyn age::Identity>> = vec![Box::new(age::x25519::Identity::generate())];
        prop_assert!(open(&data, &ids).is_err());
        let _ = bundle::is_passphrase(&data, "fuzz.age");
    }

    #[test]
    fn arbitrary_payloads_never_panic(text in "\\PC{0,200}", n in 0u32..4) {
        let _ = bundle::decode(text.as_bytes(), "fuzz.age");
        let shaped = format!(r#"{{"devvault_bundle":{n},"scopes":[{{"scope":"{text}","secrets":[{{"key":"{text}","value":"{text}"}}]}}]}}"#);
        let _ = bundle::decode(shaped.as_bytes(), "fuzz.age");
    }
}
