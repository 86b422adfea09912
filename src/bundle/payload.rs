//! The JSON payload of a bundle, before encryption: version 2 (signed, what `share`
//! writes) and version 1 (unsigned, read for bundles made with the `age` CLI). Pure.

use super::{Bundle, BundleSecret};
use crate::error::{BundleFailure, Error, Result};
use crate::model::{KeyName, Scope};
use crate::secret::SecretValue;
use crate::signing::{PublicIdentity, SigningSecret};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;
/// The payload format version `share` writes (signed); version 1 (unsigned) is read too.
pub const FORMAT: u32 = 2;

#[derive(Serialize, Deserialize)]
struct Wire {
    devvault_bundle: u32,
    #[serde(default)]
    created: i64,
    #[serde(default)]
    scopes: Vec<WireScope>,
}

#[derive(Serialize, Deserialize)]
struct WireScope {
    scope: String,
    secrets: Vec<WireSecret>,
}

#[derive(Serialize, Deserialize)]
struct WireSecret {
    key: String,
    value: String,
    #[serde(default)]
    comment: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    created: i64,
    #[serde(default)]
    updated: i64,
    #[serde(default)]
    version: u32,
    #[serde(default)]
    rotated_at: Option<i64>,
    #[serde(default)]
    max_age: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    template: Option<bool>,
}

impl Drop for WireSecret {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.value);
    }
}

/// Who signed a bundle and for whom; only made by [`decode_signed`] after the signature
/// checked out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedBy {
    /// The sender's identity (age recipient and signing key).
    pub from: PublicIdentity,
    /// The recipients the sender encrypted to (`age1...`, SSH keys, or a passphrase binding
    /// from [`crate::signing::passphrase_binding`]).
    pub recipients: Vec<String>,
}

/// Encodes `bundle` as the unsigned version 1 payload (zeroized on drop), as the `age` CLI
/// user would write it by hand.
pub fn encode(bundle: &Bundle) -> Result<Zeroizing<Vec<u8>>> {
    let mut out = Zeroizing::new(Vec::new());
    out.extend_from_slice(b"{\"devvault_bundle\":1");
    out.extend_from_slice(format!(",\"created\":{},\"scopes\":", bundle.created).as_bytes());
    write_scopes(&mut out, bundle)?;
    out.push(b'}');
    Ok(out)
}

/// Encodes `bundle` as the signed version 2 payload: signed by `secret` (whose public
/// identity is `from`) for `recipients`, its creation time and every scope, key, value and
/// piece of metadata.
pub fn encode_signed(
    bundle: &Bundle,
    secret: &SigningSecret,
    from: &PublicIdentity,
    recipients: &[String],
) -> Result<Zeroizing<Vec<u8>>> {
    let mut body = Zeroizing::new(Vec::new());
    body.extend_from_slice(format!("{{\"created\":{},\"from\":", bundle.created).as_bytes());
    serde_json::to_writer(&mut *body, &from.to_string()).map_err(|_| encode_failed())?;
    body.extend_from_slice(b",\"recipients\":");
    serde_json::to_writer(&mut *body, recipients).map_err(|_| encode_failed())?;
    body.extend_from_slice(b",\"scopes\":");
    write_scopes(&mut body, bundle)?;
    body.push(b'}');
    let sig = STANDARD.encode(secret.sign(&body));
    let mut out = Zeroizing::new(Vec::with_capacity(body.len() + 160));
    out.extend_from_slice(b"{\"devvault_bundle\":2,\"signed\":");
    out.extend_from_slice(&body);
    out.extend_from_slice(format!(",\"signature\":\"{sig}\"}}").as_bytes());
    Ok(out)
}

/// Writes `[{"scope":..,"secrets":[..]},..]`.
fn write_scopes(out: &mut Vec<u8>, bundle: &Bundle) -> Result<()> {
    out.push(b'[');
    for (i, (scope, secrets)) in bundle.scopes.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(format!("{{\"scope\":\"{scope}\",\"secrets\":[").as_bytes());
        for (j, s) in secrets.iter().enumerate() {
            if j > 0 {
                out.push(b',');
            }
            let wire = WireSecret {
                key: s.key.to_string(),
                value: s.value.expose_secret().to_string(),
                comment: s.comment.clone(),
                url: s.url.clone(),
                created: s.created,
                updated: s.updated,
                version: s.version,
                rotated_at: s.rotated_at,
                max_age: s.max_age,
                template: s.template,
            };
            serde_json::to_writer(&mut *out, &wire).map_err(|_| encode_failed())?;
        }
        out.extend_from_slice(b"]}");
    }
    out.push(b']');
    Ok(())
}

fn encode_failed() -> Error {
    Error::invalid("a bundle", "it could not be encoded")
}

/// Decodes a JSON payload of either version; `file` names the bundle in errors. A signed
/// (version 2) payload's signature is checked; who signed it is dropped (see
/// [`decode_signed`]).
pub fn decode(plain: &[u8], file: &str) -> Result<Bundle> {
    decode_signed(plain, file).map(|(b, _)| b)
}

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    signed: &'a serde_json::value::RawValue,
    signature: String,
}

#[derive(Deserialize)]
struct SignedWire {
    #[serde(default)]
    created: i64,
    from: String,
    recipients: Vec<String>,
    #[serde(default)]
    scopes: Vec<WireScope>,
}

/// Decodes a JSON payload and, when it is signed (version 2), checks the signature and says
/// who signed it for whom. A broken signature is an error naming the claimed signer.
pub fn decode_signed(plain: &[u8], file: &str) -> Result<(Bundle, Option<SignedBy>)> {
    #[derive(Deserialize)]
    struct Version {
        devvault_bundle: u32,
    }
    let corrupt = |what: &str| Error::Bundle {
        kind: BundleFailure::Corrupt,
        what: format!("{file} decrypted, but {what}"),
        fix: "ask the sender for a bundle made by `devvault share`; nothing was imported".into(),
    };
    let v: Version = serde_json::from_slice(plain)
        .map_err(|_| corrupt("it is not a devvault bundle payload"))?;
    match v.devvault_bundle {
        1 => {
            let mut wire: Wire = serde_json::from_slice(plain)
                .map_err(|_| corrupt("its payload does not have the format of version 1"))?;
            Ok((to_bundle(wire.created, &mut wire.scopes)?, None))
        }
        2 => {
            let env: Envelope<'_> = serde_json::from_slice(plain)
                .map_err(|_| corrupt("its payload does not have the format of version 2"))?;
            let body = env.signed.get().as_bytes();
            let mut wire: SignedWire = serde_json::from_slice(body)
                .map_err(|_| corrupt("its signed part does not have the format of version 2"))?;
            let from = PublicIdentity::parse(&wire.from)
                .map_err(|_| corrupt("the sender's identity in it is malformed"))?;
            let sig = STANDARD
                .decode(env.signature.as_bytes())
                .unwrap_or_default();
            if !from.key.verify(body, &sig) {
                return Err(Error::Bundle {
                    kind: BundleFailure::BadSignature,
                    what: format!(
                        "{file} claims to come from {} but its signature does not match: it was changed after it was signed (a value, a note, the recipients or the creation time), or forged",
                        from.key.fingerprint()
                    ),
                    fix: format!(
                        "nothing was imported; ask the sender ({}) over another channel to share again",
                        from.key.fingerprint()
                    ),
                });
            }
            let recipients = std::mem::take(&mut wire.recipients);
            let b = to_bundle(wire.created, &mut wire.scopes)?;
            Ok((b, Some(SignedBy { from, recipients })))
        }
        n => Err(Error::Bundle {
            kind: BundleFailure::UnknownVersion,
            what: format!(
                "{file} is a bundle of format version {n}; this devvault reads versions 1 and {FORMAT}"
            ),
            fix: "upgrade devvault, or ask the sender to share with a matching version".into(),
        }),
    }
}

fn to_bundle(created: i64, scopes: &mut [WireScope]) -> Result<Bundle> {
    let mut out = Bundle {
        created,
        scopes: Vec::new(),
    };
    for ws in scopes {
        let scope = Scope::parse(&ws.scope)?;
        let mut secrets = Vec::with_capacity(ws.secrets.len());
        for s in &mut ws.secrets {
            secrets.push(BundleSecret {
                key: KeyName::new(&s.key)?,
                value: SecretValue::new(std::mem::take(&mut s.value)),
                comment: s.comment.take(),
                url: s.url.take(),
                created: s.created,
                updated: s.updated,
                version: s.version,
                rotated_at: s.rotated_at,
                max_age: s.max_age,
                template: s.template,
            });
        }
        out.scopes.push((scope, secrets));
    }
    Ok(out)
}
