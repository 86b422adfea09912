//! Known-answer vectors and tamper tests for `crypto` (security tests 1, 3, 5, 6, 9).

use super::*;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use std::collections::HashSet;

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn key() -> VaultKey {
    VaultKey::from_bytes([7u8; 32])
}

#[test]
fn aes_256_gcm_known_answer() {
    // The GCM specification's test case 16 (AES-256, 60-byte plaintext, 20-byte AAD).
    let k = hex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308");
    let iv: [u8; 12] = hex("cafebabefacedbaddecaf888").try_into().unwrap();
    let p = hex(
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
    );
    let a = hex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
    let c = hex(
        "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
    );
    let t = hex("76fc6ece0f4e1768cddf8853bb2d551b");
    let cipher = Aes256Gcm::new_from_slice(&k).unwrap();
    let out = cipher
        .encrypt(&Nonce::from(iv), Payload { msg: &p, aad: &a })
        .unwrap();
    assert_eq!(out, [c, t].concat());
}

#[test]
fn argon2id_rfc9106_known_answer() {
    // RFC 9106 section 5.3.
    let params = argon2::ParamsBuilder::new()
        .m_cost(32)
        .t_cost(3)
        .p_cost(4)
        .data(argon2::AssociatedData::new(&[4u8; 12]).unwrap())
        .output_len(32)
        .build()
        .unwrap();
    let a = argon2::Argon2::new_with_secret(
        &[3u8; 8],
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        params,
    )
    .unwrap();
    let mut out = [0u8; 32];
    a.hash_password_into(&[1u8; 32], &[2u8; 16], &mut out)
        .unwrap();
    assert_eq!(
        out.to_vec(),
        hex("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659")
    );
}

#[test]
fn kek_derivation_is_frozen() {
    // devvault's own use (no secret, no AD) must never change, or old vaults stop opening.
    let kek = derive_kek(
        &Passphrase::new("correct horse".into()),
        &[9u8; 32],
        KdfParams::FLOOR,
    )
    .unwrap();
    let again = derive_kek(
        &Passphrase::new("correct horse".into()),
        &[9u8; 32],
        KdfParams::FLOOR,
    )
    .unwrap();
    assert_eq!(kek.expose_secret(), again.expose_secret());
    let other = derive_kek(
        &Passphrase::new("correct horsf".into()),
        &[9u8; 32],
        KdfParams::FLOOR,
    )
    .unwrap();
    assert_ne!(kek.expose_secret(), other.expose_secret());
}

#[test]
fn every_flipped_bit_is_an_integrity_error() {
    let s = Sealer::new(&key());
    let blob = s.seal(b"aad", b"sk_live_canary").unwrap();
    for i in 0..blob.len() * 8 {
        let mut bad = blob.clone();
        bad[i / 8] ^= 1 << (i % 8);
        let err = s.open(b"aad", &bad, "value").unwrap_err();
        assert!(matches!(err, Error::Integrity { .. }), "bit {i}: {err}");
        assert!(!err.to_string().contains("canary"));
    }
    assert_eq!(
        s.open(b"aad", &blob, "value").unwrap().as_slice(),
        b"sk_live_canary"
    );
    assert!(
        s.open(b"aae", &blob, "value").is_err(),
        "other associated data must fail"
    );
}

#[test]
fn truncated_empty_and_tag_only_blobs_fail_cleanly() {
    let s = Sealer::new(&key());
    let blob = s.seal(b"a", b"value").unwrap();
    for len in 0..blob.len() {
        assert!(
            matches!(
                s.open(b"a", &blob[..len], "v"),
                Err(Error::Integrity { .. })
            ),
            "len {len}"
        );
    }
    assert!(s.open(b"a", &blob[blob.len() - 16..], "v").is_err());
    assert!(s.open(b"a", &[], "v").is_err());
}

#[test]
fn nonces_never_repeat() {
    let s = Sealer::new(&key());
    let mut seen = HashSet::new();
    for _ in 0..100_000 {
        let blob = s.seal(b"a", b"same plaintext").unwrap();
        assert!(seen.insert(blob[1..13].to_vec()), "a nonce repeated");
    }
}

#[test]
fn kdf_floor_and_ceiling() {
    assert!(KdfParams::DEFAULT.check().is_ok());
    assert!(
        KdfParams {
            m_kib: 19 * 1024 - 1,
            ..KdfParams::FLOOR
        }
        .check()
        .is_err()
    );
    assert!(
        KdfParams {
            t: 1,
            ..KdfParams::FLOOR
        }
        .check()
        .is_err()
    );
    assert!(
        KdfParams {
            m_kib: u32::MAX,
            ..KdfParams::DEFAULT
        }
        .check()
        .is_err()
    );
    assert!(
        KdfParams {
            t: 65,
            ..KdfParams::DEFAULT
        }
        .check()
        .is_err()
    );
    assert!(
        KdfParams {
            p: 17,
            ..KdfParams::DEFAULT
        }
        .check()
        .is_err()
    );
    // A header asking for absurd work is refused while parsing, before any allocation.
    let e = KdfParams::parse("argon2id$v=19$m=4294967295,t=3,p=4").unwrap_err();
    assert!(matches!(e, Error::Integrity { .. }), "{e}");
    assert!(KdfParams::parse("argon2id$v=19$m=65536,t=3,p=4").is_ok());
    for bad in [
        "",
        "argon2i$v=19$m=65536,t=3,p=4",
        "argon2id$v=19$m=65536,t=3",
        "argon2id$v=19$m=065536,t=3,p=4",
        "argon2id$v=19$m=65536,t=3,p=4,x=1",
    ] {
        assert!(KdfParams::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn subkeys_and_macs_are_domain_separated() {
    let k = key();
    assert_ne!(
        subkey(&k, "a").expose_secret(),
        subkey(&k, "b").expose_secret()
    );
    assert_ne!(mac(&k, &[b"ab", b"c"]), mac(&k, &[b"a", b"bc"]));
    assert!(mac_eq(&mac(&k, &[b"x"]), &mac(&k, &[b"x"])));
}

#[test]
fn generated_strings_have_the_length_and_alphabet() {
    let v = random_string(40).unwrap();
    assert_eq!(v.len(), 40);
    assert!(v.expose_secret().chars().all(|c| c.is_ascii_alphanumeric()));
    assert_ne!(
        v.expose_secret(),
        random_string(40).unwrap().expose_secret()
    );
    assert!(random_string(8).is_err());
}

#[test]
fn random_keys_differ() {
    assert_ne!(
        random_key().unwrap().expose_secret(),
        random_key().unwrap().expose_secret()
    );
}
