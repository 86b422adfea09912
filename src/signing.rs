//! Who sent a bundle: a vault's Ed25519 signing key, the one-line public identity a
//! teammate copies (`age1... devvault-sign:<key>`), fingerprints, and signing and checking
//! the signed part of a bundle. Pure: no I/O, no vault access.
//!
//! The identity line is two words separated by one space: the vault's age X25519 recipient
//! (`age1...`, what the `age` CLI takes with `-r`) and `devvault-sign:` followed by the
//! 32-byte Ed25519 public key in unpadded URL-safe base64 (43 characters). A fingerprint is
//! `SHA256:` and the unpadded standard base64 of the key's SHA-256, as `ssh-keygen -l` shows.

use crate::error::{Error, Result};
pub use crate::secret::SigningSecret;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// The word before the signing key in an identity line.
pub const SIGN_PREFIX: &str = "devvault-sign:";

/// What the signature covers before the signed bytes (domain separation).
const CONTEXT: &[u8] = b"devvault bundle signature v1\0";

impl SigningSecret {
    /// A new key from the OS random number generator.
    pub fn generate() -> Result<SigningSecret> {
        let mut seed = Zeroizing::new([0u8; 32]);
        getrandom::fill(&mut seed[..])
            .map_err(|e| Error::io("cannot read the OS random source", std::io::Error::other(e)))?;
        Ok(SigningSecret(SigningKey::from_bytes(&seed)))
    }

    /// The key from its 32 secret bytes.
    pub fn from_bytes(seed: &[u8; 32]) -> SigningSecret {
        SigningSecret(SigningKey::from_bytes(seed))
    }

    /// The 32 secret bytes, to seal in the vault.
    pub fn to_bytes(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.0.to_bytes())
    }

    /// The public half.
    pub fn public(&self) -> SignerKey {
        SignerKey(self.0.verifying_key())
    }

    /// Signs `body` (with the bundle context prepended); 64 bytes.
    pub fn sign(&self, body: &[u8]) -> [u8; 64] {
        self.sign_in(CONTEXT, body)
    }

    /// Signs `body` with `context` prepended (domain separation: a signature made for one
    /// kind of document never checks out as another); 64 bytes.
    pub fn sign_in(&self, context: &[u8], body: &[u8]) -> [u8; 64] {
        let mut msg = Vec::with_capacity(context.len() + body.len());
        msg.extend_from_slice(context);
        msg.extend_from_slice(body);
        let sig = self.0.sign(&msg);
        zeroize::Zeroize::zeroize(&mut msg);
        sig.to_bytes()
    }
}

/// A signer's public key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignerKey(VerifyingKey);

impl SignerKey {
    /// `SHA256:<base64>` of the key, for people to compare.
    pub fn fingerprint(&self) -> String {
        let digest = Sha256::digest(self.0.as_bytes());
        format!("SHA256:{}", STANDARD_NO_PAD.encode(digest))
    }

    /// The key as written after `devvault-sign:`.
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.0.as_bytes())
    }

    fn decode(s: &str) -> Option<SignerKey> {
        let bytes: [u8; 32] = URL_SAFE_NO_PAD.decode(s).ok()?.try_into().ok()?;
        VerifyingKey::from_bytes(&bytes).ok().map(SignerKey)
    }

    /// Whether `sig` is this key's signature of `body` (strict: no malleable forms).
    pub fn verify(&self, body: &[u8], sig: &[u8]) -> bool {
        self.verify_in(CONTEXT, body, sig)
    }

    /// Whether `sig` is this key's signature of `body` made with [`SigningSecret::sign_in`]
    /// under `context`.
    pub fn verify_in(&self, context: &[u8], body: &[u8], sig: &[u8]) -> bool {
        let Ok(sig) = <[u8; 64]>::try_from(sig) else {
            return false;
        };
        let mut msg = Vec::with_capacity(context.len() + body.len());
        msg.extend_from_slice(context);
        msg.extend_from_slice(body);
        let ok = self
            .0
            .verify_strict(&msg, &Signature::from_bytes(&sig))
            .is_ok();
        zeroize::Zeroize::zeroize(&mut msg);
        ok
    }
}

/// A vault's public identity: its age recipient and its signing key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicIdentity {
    /// The age X25519 recipient, `age1...`.
    pub age: String,
    /// The signing key.
    pub key: SignerKey,
}

impl std::fmt::Display for PublicIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {SIGN_PREFIX}{}", self.age, self.key.encode())
    }
}

impl PublicIdentity {
    /// Parses the line `devvault identity` prints; the error quotes the line.
    pub fn parse(line: &str) -> Result<PublicIdentity> {
        let bad = |why: &str| {
            Error::invalid(
                format!("`{}` is not a devvault identity line ({why})", quote(line)),
                "copy the whole line the teammate's `devvault identity` prints: `age1... devvault-sign:...`",
            )
        };
        let words: Vec<&str> = line.split_whitespace().collect();
        let [age, sign] = words[..] else {
            return Err(bad("it must be two words"));
        };
        if !age.starts_with("age1") || age.parse::<age::x25519::Recipient>().is_err() {
            return Err(bad("the first word is not an age1... recipient"));
        }
        let key = sign
            .strip_prefix(SIGN_PREFIX)
            .and_then(SignerKey::decode)
            .ok_or_else(|| bad("the second word is not devvault-sign: and an Ed25519 key"))?;
        Ok(PublicIdentity {
            age: age.to_string(),
            key,
        })
    }
}

/// `s` cut to 200 characters and escaped ([`crate::text::escape`]), for quoting in errors.
fn quote(s: &str) -> String {
    crate::preview::printable(s)
}

/// What a passphrase bundle's signature binds instead of recipients: a hash of the
/// passphrase, only readable inside the encryption (by those who know it anyway).
pub fn passphrase_binding(passphrase: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"devvault bundle passphrase v1\0");
    h.update(passphrase.as_bytes());
    format!("passphrase:sha256:{}", STANDARD_NO_PAD.encode(h.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_round_trip_and_signatures_check() {
        let s = SigningSecret::generate().unwrap();
        let age = age::x25519::Identity::generate().to_public().to_string();
        let id = PublicIdentity {
            age,
            key: s.public(),
        };
        let line = id.to_string();
        assert_eq!(PublicIdentity::parse(&line).unwrap(), id);
        let sig = s.sign(b"body");
        assert!(id.key.verify(b"body", &sig));
        assert!(!id.key.verify(b"bodY", &sig));
        assert!(!id.key.verify(b"body", &sig[..63]));
        let other = SigningSecret::generate().unwrap().public();
        assert!(!other.verify(b"body", &sig));
        assert!(id.key.fingerprint().starts_with("SHA256:"));
    }

    #[test]
    fn malformed_lines_are_quoted() {
        for bad in ["", "age1xyz", "age1 devvault-sign:AAAA", "x\u{1b}]52;y"] {
            let e = PublicIdentity::parse(bad).unwrap_err().to_string();
            assert!(e.contains("devvault identity"), "{e}");
            assert!(!e.contains('\u{1b}'), "{e}");
        }
    }
}
