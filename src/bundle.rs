//! The bundle format of `share`/`receive`: a JSON payload ([`payload`]) (format version, scopes, keys,
//! values, comments, rotation metadata) encrypted with age to X25519 or SSH recipients or
//! an scrypt passphrase. Pure: bytes in, bytes out; no file, terminal or vault access.
//!
//! The payload, before encryption (documented in the README). Version 2, what `share`
//! writes, is signed by the sender's vault (see [`crate::signing`]):
//! `{"devvault_bundle":2,"signed":{"created":T,"from":"age1... devvault-sign:...",
//! "recipients":["age1..."],"scopes":[...]},"signature":"<base64 Ed25519 signature of the
//! exact bytes of the signed object>"}`. Version 1, still read (made by hand or with the
//! `age` CLI, or by older devvault), is unsigned:
//! `{"devvault_bundle":1,"created":T,"scopes":[{"scope":"app/dev","secrets":[{"key":"K",
//! "value":"V","comment":null,"url":null,"created":T,"updated":T,"version":1,
//! "rotated_at":null,"max_age":7776000}]}]}`. Since the template mark travels,
//! every secret `share` writes says `"template":true` or `false`; a secret without it (an
//! older bundle) arrives plain when new and keeps the receiver's mark when it exists.

mod payload;

pub use payload::{FORMAT, SignedBy, decode, decode_signed, encode, encode_signed};

use crate::error::{BundleFailure, Error, Result};
use crate::model::{KeyName, Scope};
use crate::secret::SecretValue;
use age::secrecy::SecretString;
use std::io::{Read, Write};
use zeroize::Zeroizing;

/// Bundles larger than this are refused before decryption output is kept (64 MiB).
const MAX_PLAINTEXT: u64 = 64 << 20;

/// One secret in a bundle, with what the vault knows of it besides the value.
#[derive(Debug)]
pub struct BundleSecret {
    /// The key.
    pub key: KeyName,
    /// The value.
    pub value: SecretValue,
    /// The note of its current version (shown as a comment by `example`).
    pub comment: Option<String>,
    /// Where it is issued and revoked.
    pub url: Option<String>,
    /// When it was first set, last changed and last rotated (Unix seconds).
    pub created: i64,
    /// When the value last changed.
    pub updated: i64,
    /// Its version in the sending vault.
    pub version: u32,
    /// When it was last rotated.
    pub rotated_at: Option<i64>,
    /// The maximum age in force in the sending vault (seconds).
    pub max_age: Option<u64>,
    /// Whether the value is a template (`set --template`); `None` for a bundle made before
    /// the mark travelled: a new key then arrives plain and an existing one keeps its mark.
    pub template: Option<bool>,
}

/// A decrypted bundle: scopes and their secrets.
#[derive(Debug, Default)]
pub struct Bundle {
    /// When it was made (Unix seconds).
    pub created: i64,
    /// Each scope with its secrets.
    pub scopes: Vec<(Scope, Vec<BundleSecret>)>,
}

/// Who a bundle is for.
pub enum Recipient {
    /// An age X25519 recipient (`age1...`).
    X25519(age::x25519::Recipient),
    /// An ssh-ed25519 or ssh-rsa public key.
    Ssh(Box<age::ssh::Recipient>),
}

impl Recipient {
    /// Parses `age1...`, or one `ssh-ed25519`/`ssh-rsa` public key line.
    pub fn parse(s: &str) -> Result<Recipient> {
        let s = s.trim();
        if s.starts_with("age1") {
            return s.parse().map(Recipient::X25519).map_err(|e| {
                Error::invalid(
                    format!("invalid age recipient `{s}` ({e})"),
                    "give the `age1...` line printed by `devvault identity` or `age-keygen`",
                )
            });
        }
        if s.to_ascii_uppercase().starts_with("AGE-SECRET-KEY") || s.contains("PRIVATE KEY") {
            return Err(Error::invalid(
                "that is a private key, not a recipient (it is not repeated here)",
                "give the public part: `age-keygen -y KEYFILE`, or the `.pub` file of an SSH key",
            ));
        }
        s.parse::<age::ssh::Recipient>()
            .map(|r| Recipient::Ssh(Box::new(r)))
            .map_err(|e| {
                // Only the key type is quoted: never more of what may be a key.
                let kind: String = s
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .chars()
                    .take(24)
                    .collect();
                Error::invalid(
                    format!("unsupported recipient of type `{kind}` ({e:?})"),
                    "give an `age1...` recipient, or an ssh-ed25519 or ssh-rsa public key",
                )
            })
    }

    /// The recipient as a string (`age1...`, or `ssh-ed25519 AAAA...` without a comment),
    /// as a signed bundle lists it.
    pub fn encode(&self) -> String {
        match self {
            Recipient::X25519(r) => r.to_string(),
            Recipient::Ssh(r) => r.to_string(),
        }
    }

    fn as_dyn(&self) -> &dyn age::Recipient {
        match self {
            Recipient::X25519(r) => r,
            Recipient::Ssh(r) => r.as_ref(),
        }
    }
}

/// How a bundle is locked.
pub enum Lock<'a> {
    /// To one or more recipients.
    Recipients(&'a [Recipient]),
    /// With an scrypt passphrase; the work factor (log2 N) is calibrated to about one
    /// second when `None`.
    Passphrase(SecretString, Option<u8>),
}

/// The lowest scrypt work factor (log2 N) accepted for a passphrase bundle.
pub const MIN_SCRYPT_WORK: u8 = 10;

/// Encrypts a payload; `armor` writes the ASCII-armored (PEM) form.
pub fn encrypt(plain: &[u8], lock: Lock<'_>, armor: bool) -> Result<Vec<u8>> {
    let enc = match lock {
        Lock::Passphrase(p, None) => age::Encryptor::with_user_passphrase(p),
        Lock::Passphrase(p, Some(log_n)) => {
            let mut r = age::scrypt::Recipient::new(p);
            r.set_work_factor(log_n.clamp(MIN_SCRYPT_WORK, 30));
            age::Encryptor::with_recipients(std::iter::once(&r as &dyn age::Recipient))
                .map_err(|e| Error::invalid("the passphrase", format!("{e}")))?
        }
        Lock::Recipients(rs) => age::Encryptor::with_recipients(rs.iter().map(|r| r.as_dyn()))
            .map_err(|e| Error::invalid("these recipients", format!("{e}")))?,
    };
    let format = if armor {
        age::armor::Format::AsciiArmor
    } else {
        age::armor::Format::Binary
    };
    let io = |e: std::io::Error| Error::io("cannot encrypt the bundle", e);
    let armored = age::armor::ArmoredWriter::wrap_output(Vec::new(), format).map_err(io)?;
    let mut w = enc.wrap_output(armored).map_err(io)?;
    w.write_all(plain).map_err(io)?;
    w.finish().and_then(|a| a.finish()).map_err(io)
}

/// What can open a bundle.
pub enum Key<'a> {
    /// Identities (the vault's own, age identity files, SSH private keys).
    Identities(&'a [Box<dyn age::Identity>]),
    /// An scrypt passphrase.
    Passphrase(SecretString),
}

/// Whether `data` is a passphrase (scrypt) bundle; errors as [`decrypt`].
pub fn is_passphrase(data: &[u8], file: &str) -> Result<bool> {
    let d = age::Decryptor::new(age::armor::ArmoredReader::new(data))
        .map_err(|e| decrypt_error(e, file))?;
    Ok(d.is_scrypt())
}

/// Decrypts an age file (binary or armored) and returns its payload.
pub fn decrypt(data: &[u8], key: Key<'_>, file: &str) -> Result<Zeroizing<Vec<u8>>> {
    let d = age::Decryptor::new(age::armor::ArmoredReader::new(data))
        .map_err(|e| decrypt_error(e, file))?;
    let passphrase;
    let by_passphrase = matches!(key, Key::Passphrase(_));
    let reader = match key {
        Key::Identities(ids) => d.decrypt(ids.iter().map(|i| i.as_ref())),
        Key::Passphrase(p) => {
            passphrase = age::scrypt::Identity::new(p);
            d.decrypt(std::iter::once(&passphrase as &dyn age::Identity))
        }
    }
    .map_err(|e| match e {
        age::DecryptError::DecryptionFailed if by_passphrase => {
            decrypt_error(age::DecryptError::KeyDecryptionFailed, file)
        }
        e => decrypt_error(e, file),
    })?;
    let mut out = Zeroizing::new(Vec::new());
    reader
        .take(MAX_PLAINTEXT + 1)
        .read_to_end(&mut out)
        .map_err(|e| decrypt_error(age::DecryptError::Io(e), file))?;
    if out.len() as u64 > MAX_PLAINTEXT {
        return Err(Error::invalid(
            format!("{file} holds more than 64 MiB"),
            "split the bundle",
        ));
    }
    Ok(out)
}

fn decrypt_error(e: age::DecryptError, file: &str) -> Error {
    use age::DecryptError as D;
    let (kind, what, fix) = match e {
        D::NoMatchingKeys => (
            BundleFailure::NotForYou,
            format!("{file} is not encrypted to this vault's identity or to any key given"),
            "ask the sender to share to the recipient printed by `devvault identity`, or pass the matching key with -i FILE".to_string(),
        ),
        D::KeyDecryptionFailed => (
            BundleFailure::WrongPassphrase,
            format!("wrong passphrase for bundle {file}"),
            "type the passphrase the sender gave you".to_string(),
        ),
        D::ExcessiveWork { required, target } => (
            BundleFailure::Corrupt,
            format!("{file} asks for scrypt work 2^{required}, above the limit 2^{target}"),
            "ask the sender to make the bundle again".to_string(),
        ),
        D::UnknownFormat => (
            BundleFailure::UnknownVersion,
            format!("{file} is an age file of a version this devvault does not read"),
            "upgrade devvault".to_string(),
        ),
        other => (
            BundleFailure::Corrupt,
            format!("{file} is truncated, tampered with or not an age bundle ({other})"),
            "ask the sender for the bundle again; nothing was imported".to_string(),
        ),
    };
    Error::Bundle { kind, what, fix }
}
