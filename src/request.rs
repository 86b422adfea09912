//! The access request of `devvault onboard --request` and `devvault grant`: a newcomer's
//! signed list of the keys a scope lacks. Pure: text in, a checked [`Request`] out; no file,
//! terminal or vault access.
//!
//! The format (documented in the README), version 1: ASCII armor around the standard base64
//! (64 characters a line) of a JSON object,
//!
//! ```text
//! -----BEGIN DEVVAULT ACCESS REQUEST-----
//! eyJkZXZ2YXVsdF9yZXF1ZXN0IjoxLCJzaWduZWQiOnsiY3JlYXRlZCI6MTc2NDUxMz...
//! -----END DEVVAULT ACCESS REQUEST-----
//! ```
//!
//! `{"devvault_request":1,"signed":{"created":T,"from":"age1... devvault-sign:...",
//! "scope":"myapp/dev","keys":["API_KEY","DB_URL"]},"signature":"<base64 Ed25519 signature
//! of the exact bytes of the signed object>"}`. The signature is made by the newcomer's
//! vault signing key (the one in `from`) under its own context (`devvault access request
//! v1\0`), so a bundle's signature never checks out as a request's. A request holds no
//! secret: names only. It is at most [`MAX_BYTES`] long and lists at most [`MAX_KEYS`] keys.

use crate::error::{BundleFailure, Error, Result};
use crate::model::{KeyName, Scope};
use crate::signing::{PublicIdentity, SigningSecret};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

/// The format version written and read.
pub const VERSION: u32 = 1;
/// The armor's first line.
pub const BEGIN: &str = "-----BEGIN DEVVAULT ACCESS REQUEST-----";
/// The armor's last line.
pub const END: &str = "-----END DEVVAULT ACCESS REQUEST-----";
/// The largest request file read (64 KiB).
pub const MAX_BYTES: usize = 64 << 10;
/// The most keys one request may ask for.
pub const MAX_KEYS: usize = 1000;
/// What the signature covers before the signed bytes (domain separation).
const CONTEXT: &[u8] = b"devvault access request v1\0";

/// A request, as made or as checked: only [`decode`] makes one from outside, after its
/// signature checked out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// When it was made (Unix seconds).
    pub created: i64,
    /// Who asks: their age recipient (the grant is encrypted to it) and signing key.
    pub from: PublicIdentity,
    /// The scope the keys are for.
    pub scope: Scope,
    /// The keys asked for, in order, without repeats.
    pub keys: Vec<KeyName>,
}

#[derive(Serialize, Deserialize)]
struct SignedWire {
    created: i64,
    from: String,
    scope: String,
    keys: Vec<String>,
}

#[derive(Deserialize)]
struct Envelope<'a> {
    devvault_request: u32,
    #[serde(borrow)]
    signed: &'a serde_json::value::RawValue,
    signature: String,
}

/// The armored text of `req`, signed by `secret` (which must be `req.from`'s key).
pub fn encode(req: &Request, secret: &SigningSecret) -> Result<String> {
    if secret.public() != req.from.key {
        return Err(Error::invalid(
            "the request's identity is not the signing key's",
            "sign a request with the vault whose identity it carries",
        ));
    }
    check_keys(&req.keys)?;
    let wire = SignedWire {
        created: req.created,
        from: req.from.to_string(),
        scope: req.scope.to_string(),
        keys: req.keys.iter().map(ToString::to_string).collect(),
    };
    let failed = |_| Error::invalid("a request", "it could not be encoded");
    let body = serde_json::to_vec(&wire).map_err(failed)?;
    let sig = STANDARD.encode(secret.sign_in(CONTEXT, &body));
    let mut json = format!("{{\"devvault_request\":{VERSION},\"signed\":").into_bytes();
    json.extend_from_slice(&body);
    json.extend_from_slice(format!(",\"signature\":\"{sig}\"}}").as_bytes());
    let b64 = STANDARD.encode(&json);
    let mut out = format!("{BEGIN}\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str(END);
    out.push('\n');
    Ok(out)
}

/// Reads and checks a request; `file` names it in errors. Too large or not a request at
/// all: invalid input (exit 1). Altered, truncated or forged (a broken armor, base64, JSON
/// or signature): an integrity failure (exit 5) naming `file`.
pub fn decode(data: &[u8], file: &str) -> Result<Request> {
    if data.len() > MAX_BYTES {
        return Err(Error::invalid(
            format!("{file} is larger than 64 KiB: not a devvault access request"),
            "give the file `devvault onboard --request` wrote",
        ));
    }
    let text = String::from_utf8_lossy(data);
    if !text.contains(BEGIN) {
        return Err(Error::invalid(
            format!("{file} is not a devvault access request (no `{BEGIN}` line)"),
            "give the file `devvault onboard --request` wrote",
        ));
    }
    let json = unarmor(&text).ok_or_else(|| corrupt(file, "its armor or base64 is broken"))?;
    let env: Envelope<'_> =
        serde_json::from_slice(&json).map_err(|_| corrupt(file, "it is not a request's JSON"))?;
    if env.devvault_request != VERSION {
        return Err(Error::Bundle {
            kind: BundleFailure::UnknownVersion,
            what: format!(
                "{file} is an access request of format version {}; this devvault reads version {VERSION}",
                env.devvault_request
            ),
            fix: "upgrade devvault, or ask for a request made with a matching version".into(),
        });
    }
    let body = env.signed.get().as_bytes();
    let wire: SignedWire =
        serde_json::from_slice(body).map_err(|_| corrupt(file, "its signed part is malformed"))?;
    let from = PublicIdentity::parse(&wire.from)
        .map_err(|_| corrupt(file, "the identity in it is malformed"))?;
    let sig = STANDARD
        .decode(env.signature.as_bytes())
        .unwrap_or_default();
    if !from.key.verify_in(CONTEXT, body, &sig) {
        let fp = from.key.fingerprint();
        return Err(Error::Bundle {
            kind: BundleFailure::BadSignature,
            what: format!(
                "{file} claims to come from {fp} but its signature does not match: it was changed after it was signed (the scope, the keys, the identity or the time), or forged"
            ),
            fix: "nothing was granted; ask the newcomer to make the request again and send it as it is".into(),
        });
    }
    to_request(wire, from, file)
}

fn to_request(wire: SignedWire, from: PublicIdentity, file: &str) -> Result<Request> {
    let scope = Scope::parse(&wire.scope)
        .map_err(|e| corrupt(file, &format!("its scope is not usable ({e})")))?;
    let mut keys: Vec<KeyName> = Vec::with_capacity(wire.keys.len().min(MAX_KEYS));
    // A set for the repeats: a hostile 64 KiB request lists some 10,000 names.
    let mut seen = std::collections::HashSet::new();
    for k in &wire.keys {
        let key =
            KeyName::new(k).map_err(|e| corrupt(file, &format!("a key is not usable ({e})")))?;
        if seen.insert(k.as_str()) {
            keys.push(key);
        }
    }
    check_keys(&keys).map_err(|e| corrupt(file, &e.to_string()))?;
    Ok(Request {
        created: wire.created,
        from,
        scope,
        keys,
    })
}

fn check_keys(keys: &[KeyName]) -> Result<()> {
    match keys.len() {
        0 => Err(Error::invalid(
            "a request for no key",
            "ask for at least one key",
        )),
        n if n > MAX_KEYS => Err(Error::invalid(
            format!("a request for {n} keys"),
            format!("ask for at most {MAX_KEYS} keys at a time"),
        )),
        _ => Ok(()),
    }
}

/// The bytes between the armor lines, base64-decoded (whitespace ignored).
fn unarmor(text: &str) -> Option<Vec<u8>> {
    let (_, rest) = text.split_once(BEGIN)?;
    let (inner, _) = rest.split_once(END)?;
    let b64: String = inner.chars().filter(|c| !c.is_whitespace()).collect();
    STANDARD.decode(b64.as_bytes()).ok()
}

fn corrupt(file: &str, why: &str) -> Error {
    Error::Bundle {
        kind: BundleFailure::Corrupt,
        what: format!(
            "{file} is not a valid devvault access request: {why}; it was changed after it was made, truncated, or forged"
        ),
        fix: "nothing was granted; ask the newcomer to make the request again and send it as it is"
            .into(),
    }
}

#[cfg(test)]
mod tests;
