//! The request format: round trip, every tampering refused with exit 5, the bounds.

use super::*;

fn identity(secret: &SigningSecret) -> PublicIdentity {
    PublicIdentity {
        age: age::x25519::Identity::generate().to_public().to_string(),
        key: secret.public(),
    }
}

fn request(secret: &SigningSecret, keys: &[&str]) -> Request {
    Request {
        created: 1_764_500_000,
        from: identity(secret),
        scope: Scope::parse("myapp/dev").unwrap(),
        keys: keys.iter().map(|k| KeyName::new(k).unwrap()).collect(),
    }
}

/// The JSON inside the armor of `text`.
fn inner(text: &str) -> String {
    String::from_utf8(unarmor(text).unwrap()).unwrap()
}

fn armor(json: &str) -> String {
    format!("{BEGIN}\n{}\n{END}\n", STANDARD.encode(json))
}

fn code(r: Result<Request>) -> i32 {
    r.unwrap_err().exit_code()
}

#[test]
fn round_trip_is_armored_and_signed() {
    let s = SigningSecret::generate().unwrap();
    let req = request(&s, &["API_KEY", "DB_URL"]);
    let text = encode(&req, &s).unwrap();
    assert!(text.starts_with(&format!("{BEGIN}\n")), "{text}");
    assert!(text.ends_with(&format!("{END}\n")), "{text}");
    assert!(
        text.lines()
            .all(|l| l.len() <= 64 || l == BEGIN || l == END)
    );
    assert_eq!(decode(text.as_bytes(), "req").unwrap(), req);
    let json = inner(&text);
    assert!(json.starts_with("{\"devvault_request\":1,\"signed\":{\"created\":1764500000,"));
    assert!(json.contains("\"scope\":\"myapp/dev\",\"keys\":[\"API_KEY\",\"DB_URL\"]"));
    // Lines re-wrapped or indented by a mailer still read.
    let rewrapped = text.replace('\n', "\n  ");
    assert_eq!(decode(rewrapped.as_bytes(), "req").unwrap(), req);
}

#[test]
fn altered_requests_are_refused_with_exit_5_naming_the_file() {
    let s = SigningSecret::generate().unwrap();
    let text = encode(&request(&s, &["API_KEY"]), &s).unwrap();
    let json = inner(&text);
    for (from, to) in [
        ("\"API_KEY\"", "\"API_KEZ\""),
        ("myapp/dev", "myapp/prd"),
        ("1764500000", "1764500001"),
    ] {
        let e = decode(armor(&json.replace(from, to)).as_bytes(), "req.devvault").unwrap_err();
        assert_eq!(e.exit_code(), 5, "{e}");
        let msg = e.to_string();
        assert!(
            msg.contains("req.devvault") && msg.contains("signature"),
            "{msg}"
        );
    }
    // A key added to the list, and another identity put in: still the signature.
    let more = json.replace("[\"API_KEY\"]", "[\"API_KEY\",\"PROD_DB\"]");
    assert_eq!(code(decode(armor(&more).as_bytes(), "r")), 5);
    let other = SigningSecret::generate().unwrap();
    let id = identity(&other).to_string();
    let start = json.find("age1").unwrap();
    let end = json[start..].find('"').unwrap() + start;
    let swapped = format!("{}{id}{}", &json[..start], &json[end..]);
    assert_eq!(code(decode(armor(&swapped).as_bytes(), "r")), 5);
    // Every character of the base64 body changed, one at a time: never accepted.
    let body_start = BEGIN.len() + 1;
    for i in (body_start..text.len() - END.len() - 2).step_by(7) {
        let mut bytes = text.clone().into_bytes();
        if bytes[i] == b'\n' {
            continue;
        }
        bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
        assert_eq!(code(decode(&bytes, "r")), 5, "position {i}");
    }
    // Truncated: the end line gone, or half the body.
    let cut = &text[..text.len() / 2];
    assert_eq!(code(decode(cut.as_bytes(), "r")), 5);
}

#[test]
fn a_bundle_signature_is_not_a_request_signature() {
    let s = SigningSecret::generate().unwrap();
    let text = encode(&request(&s, &["API_KEY"]), &s).unwrap();
    let json = inner(&text);
    let (head, _) = json.split_once(",\"signature\":").unwrap();
    let body = &head["{\"devvault_request\":1,\"signed\":".len()..];
    let bundle_sig = STANDARD.encode(s.sign(body.as_bytes()));
    let resigned = format!("{head},\"signature\":\"{bundle_sig}\"}}");
    assert_eq!(code(decode(armor(&resigned).as_bytes(), "r")), 5);
}

#[test]
fn bounds_and_versions() {
    let s = SigningSecret::generate().unwrap();
    // Not a request at all, or too large: exit 1, naming the file.
    let e = decode(b"hello", "notes.txt").unwrap_err();
    assert_eq!(e.exit_code(), 1);
    assert!(e.to_string().contains("notes.txt"), "{e}");
    let big = vec![b'A'; MAX_BYTES + 1];
    assert_eq!(code(decode(&big, "big")), 1);
    // No key, or too many: refused when made.
    assert!(encode(&request(&s, &[]), &s).is_err());
    let many: Vec<String> = (0..=MAX_KEYS).map(|i| format!("K{i}")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    assert!(encode(&request(&s, &many), &s).is_err());
    // Signed by another key than the identity's: refused when made.
    let other = SigningSecret::generate().unwrap();
    assert!(encode(&request(&other, &["A"]), &s).is_err());
    // Another version: exit 1, saying which.
    let text = encode(&request(&s, &["A"]), &s).unwrap();
    let v2 = inner(&text).replacen("\"devvault_request\":1", "\"devvault_request\":2", 1);
    let e = decode(armor(&v2).as_bytes(), "r").unwrap_err();
    assert_eq!(e.exit_code(), 1);
    assert!(e.to_string().contains("version 2"), "{e}");
    // Repeated keys are read once.
    let twice = encode(&request(&s, &["A", "B", "A"]), &s).unwrap();
    assert_eq!(decode(twice.as_bytes(), "r").unwrap().keys.len(), 2);
}
