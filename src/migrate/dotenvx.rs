//! `import --from dotenvx`: a `.env` file encrypted by dotenvx, each secret written as
//! `KEY="encrypted:BASE64"` beside a `DOTENV_PUBLIC_KEY[_ENV]` line.
//!
//! dotenvx encrypts with eciesjs's ECIES on secp256k1 (the file's public key; the value is
//! `ephemeral public key (65 bytes, uncompressed) || nonce (16) || tag (16) || ciphertext`,
//! AES-256-GCM under HKDF-SHA256(ephemeral key || shared point, both uncompressed), no salt,
//! no info). The private key is looked for, in order, in `.env.keys` beside the file (every
//! `DOTENV_PRIVATE_KEY*` line, the one named after the file first: `.env.production` ->
//! `DOTENV_PRIVATE_KEY_PRODUCTION`), then in the `DOTENV_PRIVATE_KEY_<ENV>` and
//! `DOTENV_PRIVATE_KEY` environment variables, and last from the `passphrase` callback (a
//! comma-separated list is several keys, as dotenvx allows). The key whose public key is the
//! file's `DOTENV_PUBLIC_KEY*` is used (without such a line: the first that decrypts).
//!
//! Keys keep their names from the file (they are already `.env` names); the comment lines
//! right above a key become its note (dotenvx's own banner and `# .env` header left out);
//! plain values are imported as they are; `DOTENV_PUBLIC_KEY*` lines are not secrets and are
//! skipped. A key that does not decrypt: an error naming it, and no items.
//!
//! Reads the file, `.env.keys` and (only in [`read`]) the two environment variables; never
//! prints, never puts a value or a private key in an error.

use super::{Item, Passphrase};
use crate::error::{Error, Result};
use crate::secret::SecretValue;
use aes_gcm::aead::consts::U16;
use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{AesGcm, Nonce, aes::Aes256};
use base64::Engine as _;
use k256::elliptic_curve::sec1::ToSec1Point;
use k256::{PublicKey, SecretKey};
use sha2::Sha256;
use std::io::Read;
use std::path::Path;
use zeroize::Zeroizing;

/// The largest `.env` or `.env.keys` read (64 MiB, the cap of every other input).
pub const MAX_FILE: u64 = 64 << 20;

const PREFIX: &str = "encrypted:";
const PUBLIC: &str = "DOTENV_PUBLIC_KEY";
const PRIVATE: &str = "DOTENV_PRIVATE_KEY";
/// Ephemeral public key (uncompressed), nonce, tag.
const EPHEMERAL: usize = 65;
const NONCE: usize = 16;
const TAG: usize = 16;

/// Reads every key of the dotenvx file `path`, decrypting its `encrypted:` values.
pub fn read(path: &Path, passphrase: Passphrase<'_>) -> Result<Vec<Item>> {
    read_with(path, &|name| std::env::var(name).ok(), passphrase)
}

/// [`read`] with the environment given as a lookup (tests give their own).
fn read_with(
    path: &Path,
    env: &dyn Fn(&str) -> Option<String>,
    passphrase: Passphrase<'_>,
) -> Result<Vec<Item>> {
    let origin = path.display().to_string();
    let bytes = read_capped(path)?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        Error::invalid(
            format!("{origin}: not UTF-8 text (byte {})", e.valid_up_to()),
            "give the .env file dotenvx wrote",
        )
    })?;
    let entries = crate::dotenv::parse(text, &origin)?;
    let (public, secrets): (Vec<_>, Vec<_>) = entries
        .into_iter()
        .partition(|e| e.key.as_str().starts_with(PUBLIC));
    let public: Vec<String> = public
        .iter()
        .map(|e| e.value.expose_secret().trim().to_ascii_lowercase())
        .collect();
    let first = secrets
        .iter()
        .find(|e| e.value.expose_secret().starts_with(PREFIX));
    let probe = first.map(|first| Probe {
        origin: &origin,
        name: first.key.as_str(),
        value: first.value.expose_secret(),
        public: &public,
    });
    let key = probe
        .map(|probe| choose_key(path, env, passphrase, &probe))
        .transpose()?;
    let header = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    secrets
        .into_iter()
        .map(|e| {
            let name = e.key.as_str();
            Ok(Item {
                origin: format!("{origin} ({name})"),
                key: name.to_string(),
                value: value_of(e.value.expose_secret(), key.as_ref(), name, &origin)?,
                note: note_of(text, e.line, &header),
            })
        })
        .collect()
}

/// A value as imported: decrypted when it is `encrypted:`, as it is otherwise.
fn value_of(raw: &str, key: Option<&Candidate>, name: &str, origin: &str) -> Result<SecretValue> {
    match (raw.strip_prefix(PREFIX), key) {
        (Some(b64), Some(key)) => decrypt_named(&key.secret, b64, name, origin),
        _ => Ok(SecretValue::new(raw.to_string())),
    }
}

/// The first encrypted value, which a candidate key must open, and the file's public keys.
struct Probe<'a> {
    origin: &'a str,
    name: &'a str,
    value: &'a str,
    public: &'a [String],
}

/// A private key and where it was found (for messages; never the key itself).
struct Candidate {
    secret: SecretKey,
    from: String,
}

impl Probe<'_> {
    /// Whether `c` is the file's key: its public key is the file's, or (no public key line)
    /// it opens the first encrypted value.
    fn fits(&self, c: &Candidate) -> bool {
        if self.public.is_empty() {
            let b64 = self.value.strip_prefix(PREFIX).unwrap_or(self.value);
            return decrypt(&c.secret, b64).is_ok();
        }
        let mine =
            base16ct::lower::encode_string(c.secret.public_key().to_sec1_point(true).as_bytes());
        self.public.contains(&mine)
    }

    /// The error when no key given fits, naming the first encrypted key and where keys were
    /// looked for.
    fn wrong_key(&self, tried: &[String]) -> Error {
        let tried = if tried.is_empty() {
            "no private key was found".to_string()
        } else {
            format!(
                "the private key from {} does not decrypt it",
                tried.join(", ")
            )
        };
        Error::SourceLocked {
            file: self.origin.to_string(),
            fix: format!(
                "`{}` cannot be decrypted: {tried}; nothing was imported; give the dotenvx private key of this file ({PRIVATE}* in .env.keys beside it, the {PRIVATE} environment variable, DEVVAULT_IMPORT_PASSPHRASE, or type it)",
                self.name
            ),
        }
    }
}

/// The private key to use: from `.env.keys`, the environment, then the callback.
fn choose_key(
    path: &Path,
    env: &dyn Fn(&str) -> Option<String>,
    passphrase: Passphrase<'_>,
    probe: &Probe<'_>,
) -> Result<Candidate> {
    let named = key_name(path);
    let mut found = keys_file_candidates(path, &named)?;
    for name in [named.as_str(), PRIVATE] {
        if let Some(v) = env(name).map(Zeroizing::new) {
            found.extend(candidates(&v, &format!("${name}")));
        }
    }
    let mut tried: Vec<String> = Vec::new();
    for c in found {
        if probe.fits(&c) {
            return Ok(c);
        }
        if !tried.contains(&c.from) {
            tried.push(c.from);
        }
    }
    let given = match passphrase() {
        Ok(v) => v,
        Err(_) if !tried.is_empty() => return Err(probe.wrong_key(&tried)),
        Err(e) => return Err(e),
    };
    let from = "the key given".to_string();
    let given = candidates(given.expose_secret(), &from);
    tried.push(from);
    given
        .into_iter()
        .find(|c| probe.fits(c))
        .ok_or_else(|| probe.wrong_key(&tried))
}

/// dotenvx's name for the private key of `path`: `.env` -> `DOTENV_PRIVATE_KEY`,
/// `.env.ci.local` -> `DOTENV_PRIVATE_KEY_CI_LOCAL` (a `.txt` ending is ignored).
fn key_name(path: &Path) -> String {
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let file = file.strip_suffix(".txt").unwrap_or(&file);
    match file.strip_prefix(".env.") {
        Some(env) if !env.is_empty() => {
            let env: String = env
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_uppercase()
                    } else {
                        '_'
                    }
                })
                .collect();
            format!("{PRIVATE}_{env}")
        }
        _ => PRIVATE.to_string(),
    }
}

/// Every `DOTENV_PRIVATE_KEY*` of `.env.keys` beside `path` (none when it is missing), the
/// one called `named` first.
fn keys_file_candidates(path: &Path, named: &str) -> Result<Vec<Candidate>> {
    let keys = path.with_file_name(".env.keys");
    if !keys.is_file() {
        return Ok(Vec::new());
    }
    let origin = keys.display().to_string();
    let bytes = read_capped(&keys)?;
    let text = std::str::from_utf8(&bytes).map_err(|_| {
        Error::invalid(
            format!("{origin}: not UTF-8 text"),
            "give the .env.keys dotenvx wrote",
        )
    })?;
    let mut entries: Vec<_> = crate::dotenv::parse(text, &origin)?
        .into_iter()
        .filter(|e| e.key.as_str().starts_with(PRIVATE))
        .collect();
    entries.sort_by_key(|e| e.key.as_str() != named);
    Ok(entries
        .iter()
        .flat_map(|e| {
            candidates(
                e.value.expose_secret(),
                &format!("{origin} ({})", e.key.as_str()),
            )
        })
        .collect())
}

/// The keys of a comma-separated list of hex private keys; what is not one is left out.
fn candidates(list: &str, from: &str) -> Vec<Candidate> {
    list.split(',')
        .filter_map(|hex| {
            let mut bytes = Zeroizing::new([0u8; 32]);
            let raw = base16ct::mixed::decode(hex.trim(), bytes.as_mut()).ok()?;
            let secret = SecretKey::from_slice(raw).ok()?;
            Some(Candidate {
                secret,
                from: from.to_string(),
            })
        })
        .collect()
}

/// Why a value did not decrypt.
enum Failure {
    /// Not base64, too short, or not a point: not dotenvx's ciphertext at all.
    Malformed,
    /// The tag does not check: another key, or a changed value.
    WrongKey,
}

/// Decrypts one value, naming `name` and the file when it fails.
fn decrypt_named(key: &SecretKey, b64: &str, name: &str, origin: &str) -> Result<SecretValue> {
    let plain = decrypt(key, b64).map_err(|f| {
        let why = match f {
            Failure::Malformed => "its `encrypted:` value is not dotenvx ciphertext",
            Failure::WrongKey => "it does not decrypt with the private key that matches the file (encrypted with another key, or changed)",
        };
        Error::invalid(
            format!("{origin}: `{name}` cannot be decrypted: {why}; nothing was imported"),
            format!("check `{name}` with `dotenvx get {name} -f {origin}`, or set it again with `dotenvx set`"),
        )
    })?;
    let text = String::from_utf8(plain.to_vec()).map_err(|_| {
        Error::invalid(
            format!("{origin}: `{name}` decrypts to bytes that are not UTF-8 text"),
            "store binary data base64-encoded",
        )
    })?;
    Ok(SecretValue::new(text))
}

/// eciesjs's decrypt on secp256k1 with AES-256-GCM and a 16-byte nonce.
fn decrypt(key: &SecretKey, b64: &str) -> std::result::Result<Zeroizing<Vec<u8>>, Failure> {
    let lenient = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    let blob = lenient.decode(b64.trim()).map_err(|_| Failure::Malformed)?;
    if blob.len() < EPHEMERAL + NONCE + TAG {
        return Err(Failure::Malformed);
    }
    let (ephemeral, rest) = blob.split_at(EPHEMERAL);
    let (nonce, rest) = rest.split_at(NONCE);
    let (tag, ciphertext) = rest.split_at(TAG);
    let ephemeral = PublicKey::from_sec1_bytes(ephemeral).map_err(|_| Failure::Malformed)?;
    let shared = ephemeral.to_projective() * *key.to_nonzero_scalar();
    let mut ikm = Zeroizing::new(Vec::with_capacity(2 * EPHEMERAL));
    ikm.extend_from_slice(ephemeral.to_sec1_point(false).as_bytes());
    ikm.extend_from_slice(shared.to_sec1_point(false).as_bytes());
    let mut okm = Zeroizing::new([0u8; 32]);
    hkdf::Hkdf::<Sha256>::new(None, &ikm)
        .expand(&[], okm.as_mut())
        .map_err(|_| Failure::Malformed)?;
    let cipher =
        AesGcm::<Aes256, U16>::new_from_slice(okm.as_ref()).map_err(|_| Failure::Malformed)?;
    let nonce: [u8; NONCE] = nonce.try_into().map_err(|_| Failure::Malformed)?;
    let mut sealed = ciphertext.to_vec();
    sealed.extend_from_slice(tag);
    cipher
        .decrypt(&Nonce::<U16>::from(nonce), sealed.as_slice())
        .map(Zeroizing::new)
        .map_err(|_| Failure::WrongKey)
}

/// The comment lines right above `line` as a note ([`super::note`]: one line), without
/// dotenvx's banner (`#/...`) and its `# .env.NAME` header; None when nothing is left.
/// A control character in it is escaped, with a warning, by [`super::entries`].
fn note_of(text: &str, line: usize, header: &str) -> Option<String> {
    let lines: Vec<String> = crate::dotenv::comments_above(text, line)
        .into_iter()
        .filter(|l| !l.starts_with('/') && l != header && !l.is_empty())
        .collect();
    super::note(&[("", &lines.join("\n"))])
}

/// The bytes of `path`, refusing a missing file (not found), a non-file or one over
/// [`MAX_FILE`].
fn read_capped(path: &Path) -> Result<Zeroizing<Vec<u8>>> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::NotFound {
            what: format!("file {name}"),
            suggestion: None,
        },
        _ => Error::io(format!("cannot read {name}"), e),
    })?;
    let mut buf = Zeroizing::new(Vec::new());
    file.take(MAX_FILE + 1)
        .read_to_end(&mut buf)
        .map_err(|e| Error::io(format!("cannot read {name}"), e))?;
    if buf.len() as u64 > MAX_FILE {
        return Err(Error::invalid(
            format!("{name} is larger than {} MiB", MAX_FILE >> 20),
            "give the .env file dotenvx wrote (split a larger one)",
        ));
    }
    Ok(buf)
}

#[cfg(test)]
mod tests;
