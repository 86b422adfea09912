//! The vault's cryptography, pure and synchronous: Argon2id key derivation with a floor and
//! a ceiling, AES-256-GCM sealing with a fresh random nonce and associated data, HKDF subkeys,
//! HMAC-SHA256 blind indexes and manifests. No file, database or terminal I/O happens here;
//! the only outside input is the OS random number generator.

use crate::error::{Error, Result};
use crate::secret::{Passphrase, VaultKey};
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// The version byte that starts every sealed blob and is bound into its associated data.
pub const FORMAT_VERSION: u8 = 1;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
/// Bytes a sealed blob adds to its plaintext: version, nonce and tag.
pub const SEAL_OVERHEAD: usize = 1 + NONCE_LEN + TAG_LEN;

/// Fills `buf` from the OS random number generator; its failure is an error (nothing in
/// the vault is safe without one), never a panic.
pub fn fill_random(buf: &mut [u8]) -> Result<()> {
    getrandom::fill(buf).map_err(|e| {
        Error::io(
            "the OS random number generator failed (nothing was changed; check /dev/urandom and the getrandom system call)",
            std::io::Error::other(e.to_string()),
        )
    })
}

/// A fresh vault key from the OS random number generator, filled in place.
pub fn random_key() -> Result<VaultKey> {
    let mut key = VaultKey::zeroed();
    fill_random(key.expose_secret_mut())?;
    Ok(key)
}

/// Argon2id cost parameters of a passphrase slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Passes over memory.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

impl KdfParams {
    /// RFC 9106's second recommended option, Bitwarden's default: 64 MiB, t=3, p=4.
    pub const DEFAULT: KdfParams = KdfParams {
        m_kib: 64 * 1024,
        t: 3,
        p: 4,
    };
    /// OWASP's minimum: 19 MiB, t=2, p=1. Anything weaker is refused.
    pub const FLOOR: KdfParams = KdfParams {
        m_kib: 19 * 1024,
        t: 2,
        p: 1,
    };
    /// The most a vault header may ask for; checked before any memory is allocated.
    pub const CEILING: KdfParams = KdfParams {
        m_kib: 4 * 1024 * 1024,
        t: 64,
        p: 16,
    };

    /// The most memory (KiB) a vault may ask for without `--allow-expensive-kdf`, and the
    /// most `init` and `passwd` choose: 2 GiB.
    pub const BUDGET_MEMORY_KIB: u32 = 2 * 1024 * 1024;
    /// The most work (memory in KiB × passes) a vault may ask for without
    /// `--allow-expensive-kdf`, and the most `init` and `passwd` choose: 4 GiB-passes
    /// (64 MiB × 64 passes, the most calibration picks; or 2 GiB × 2). A few seconds here.
    pub const BUDGET_WORK_KIB: u64 = 4 * 1024 * 1024;

    /// Whether the parameters stay within the budget above.
    pub fn within_budget(self) -> bool {
        self.m_kib <= Self::BUDGET_MEMORY_KIB
            && u64::from(self.m_kib) * u64::from(self.t) <= Self::BUDGET_WORK_KIB
    }

    /// Checks the floor, the ceiling and the budget: what `init` and `passwd` may write.
    pub fn check_budget(self) -> Result<Self> {
        let params = self.check()?;
        if !params.within_budget() {
            return Err(Error::invalid(
                format!("Argon2id parameters {}", params.canonical()),
                format!(
                    "stay within {} MiB of memory and memory x passes of {} MiB (e.g. 64MiB with 64 passes, or 2GiB with 2)",
                    Self::BUDGET_MEMORY_KIB / 1024,
                    Self::BUDGET_WORK_KIB / 1024
                ),
            ));
        }
        Ok(params)
    }

    /// Checks the parameters against the floor and the ceiling.
    pub fn check(self) -> Result<Self> {
        let (f, c) = (Self::FLOOR, Self::CEILING);
        let bad = |what: String| {
            Err(Error::invalid(
                format!("Argon2id parameters {what}"),
                format!(
                    "use memory {}-{} MiB, time {}-{}, parallelism {}-{}",
                    f.m_kib / 1024,
                    c.m_kib / 1024,
                    f.t,
                    c.t,
                    f.p,
                    c.p
                ),
            ))
        };
        if self.m_kib < f.m_kib || self.t < f.t || self.p < f.p {
            return bad(format!("{} are below the floor", self.canonical()));
        }
        if self.m_kib > c.m_kib || self.t > c.t || self.p > c.p {
            return bad(format!("{} are above the ceiling", self.canonical()));
        }
        if self.m_kib < 8 * self.p {
            return bad(format!(
                "{} give too little memory per lane",
                self.canonical()
            ));
        }
        Ok(self)
    }

    /// The canonical text stored in the slot and bound into its associated data.
    pub fn canonical(self) -> String {
        format!("argon2id$v=19$m={},t={},p={}", self.m_kib, self.t, self.p)
    }

    /// Parses [`Self::canonical`] text and checks floor and ceiling, before any allocation.
    pub fn parse(s: &str) -> Result<Self> {
        let corrupt = || Error::integrity("the passphrase slot's KDF parameters do not parse");
        let rest = s.strip_prefix("argon2id$v=19$").ok_or_else(corrupt)?;
        let mut vals = [0u32; 3];
        for (i, (part, name)) in rest.split(',').zip(["m=", "t=", "p="]).enumerate() {
            vals[i] = part
                .strip_prefix(name)
                .and_then(|v| v.parse().ok())
                .ok_or_else(corrupt)?;
        }
        if rest.split(',').count() != 3 {
            return Err(corrupt());
        }
        let params = KdfParams {
            m_kib: vals[0],
            t: vals[1],
            p: vals[2],
        };
        if params.canonical() != s {
            return Err(corrupt());
        }
        params
            .check()
            .map_err(|e| Error::integrity(format!("the passphrase slot is refused: {e}")))
    }
}

/// Derives a key-encryption key from a passphrase with Argon2id.
pub fn derive_kek(pass: &Passphrase, salt: &[u8], params: KdfParams) -> Result<VaultKey> {
    let params = params.check()?;
    let p = argon2::Params::new(params.m_kib, params.t, params.p, Some(32))
        .map_err(|e| Error::invalid(format!("Argon2id parameters: {e}"), "use other values"))?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, p);
    let mut out = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(pass.expose_secret().as_bytes(), salt, out.as_mut())
        .map_err(|e| Error::invalid(format!("Argon2id: {e}"), "use a salt of 16-32 bytes"))?;
    Ok(VaultKey::from_bytes(*out))
}

/// An AES-256-GCM key ready to seal and open records.
pub struct Sealer(Aes256Gcm);

impl Sealer {
    /// Prepares the cipher for `key`.
    pub fn new(key: &VaultKey) -> Self {
        Sealer(Aes256Gcm::new(key.expose_secret().into()))
    }

    /// Encrypts `plain` with a fresh random nonce. The blob is
    /// `version || nonce || ciphertext || tag`; `aad` is authenticated with the version.
    pub fn seal(&self, aad: &[u8], plain: &[u8]) -> Result<Vec<u8>> {
        let mut nonce = [0u8; NONCE_LEN];
        fill_random(&mut nonce)?;
        let full_aad = versioned(aad);
        #[expect(
            clippy::expect_used,
            reason = "AES-GCM encryption fails only past 64 GiB of plaintext"
        )]
        let ct = self
            .0
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: plain,
                    aad: &full_aad,
                },
            )
            .expect("AES-GCM encryption cannot fail below 64 GiB");
        let mut blob = Vec::with_capacity(1 + NONCE_LEN + ct.len());
        blob.push(FORMAT_VERSION);
        blob.extend_from_slice(&nonce);
        blob.extend_from_slice(&ct);
        Ok(blob)
    }

    /// Decrypts a blob made by [`Self::seal`] with the same `aad`. Any change to the blob
    /// or the associated data gives [`Error::Integrity`] naming `what`, never plaintext.
    pub fn open(&self, aad: &[u8], blob: &[u8], what: &str) -> Result<Zeroizing<Vec<u8>>> {
        if blob.len() < SEAL_OVERHEAD || blob[0] != FORMAT_VERSION {
            return Err(Error::integrity(format!(
                "{what} is truncated or of an unknown format"
            )));
        }
        let (nonce, ct) = blob[1..].split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce
            .try_into()
            .map_err(|_| Error::integrity(format!("{what} has a bad nonce")))?;
        let full_aad = versioned(aad);
        self.0
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: ct,
                    aad: &full_aad,
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| Error::integrity(format!("{what} failed authentication")))
    }
}

fn versioned(aad: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(aad.len() + 1);
    v.push(FORMAT_VERSION);
    v.extend_from_slice(aad);
    v
}

/// A subkey of the vault key for one purpose, through HKDF-SHA256 with a distinct label.
pub fn subkey(key: &VaultKey, label: &str) -> VaultKey {
    let hk = hkdf::Hkdf::<Sha256>::new(Some(b"devvault subkeys v1"), key.expose_secret());
    let mut out = Zeroizing::new([0u8; 32]);
    #[expect(clippy::expect_used, reason = "32 bytes is a valid HKDF-SHA256 length")]
    hk.expand(label.as_bytes(), out.as_mut())
        .expect("32 bytes is a valid HKDF-SHA256 length");
    VaultKey::from_bytes(*out)
}

/// HMAC-SHA256 over length-prefixed `parts`, so that no two part lists collide.
pub fn mac(key: &VaultKey, parts: &[&[u8]]) -> [u8; 32] {
    let mut m = new_mac(key);
    for p in parts {
        m.update(&(p.len() as u64).to_be_bytes());
        m.update(p);
    }
    m.finalize().into_bytes().into()
}

/// A running HMAC-SHA256, for manifests over many records.
pub fn new_mac(key: &VaultKey) -> Hmac<Sha256> {
    #[expect(clippy::expect_used, reason = "HMAC takes any key length")]
    <Hmac<Sha256> as KeyInit>::new_from_slice(key.expose_secret())
        .expect("HMAC takes any key length")
}

/// Compares two MACs in constant time.
pub fn mac_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// SHA-256 of a ciphertext, for manifests.
pub fn digest(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// Argon2id parameters from the default upward, raising passes until one derivation takes
/// about `target` on this machine (capped at the ceiling).
pub fn calibrate(target: std::time::Duration) -> KdfParams {
    let mut params = KdfParams::DEFAULT;
    let pass = Passphrase::new("calibration".into());
    let salt = [0u8; 32];
    let start = std::time::Instant::now();
    if derive_kek(&pass, &salt, params).is_err() {
        return params;
    }
    let once = start.elapsed().max(std::time::Duration::from_millis(1));
    if once < target {
        let scale = target.as_secs_f64() / once.as_secs_f64();
        let most = (KdfParams::BUDGET_WORK_KIB / u64::from(params.m_kib)) as u32;
        params.t = ((f64::from(params.t) * scale).round() as u32)
            .clamp(params.t, KdfParams::CEILING.t.min(most));
    }
    params
}

/// A random string of `len` letters and digits (about 5.95 bits each), for `--generate`.
pub fn random_string(len: usize) -> Result<crate::SecretValue> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    if !(16..=4096).contains(&len) {
        return Err(Error::invalid(
            format!("a generated length of {len}"),
            "choose 16 to 4096 characters (16 letters and digits are about 95 bits)",
        ));
    }
    let mut out = String::with_capacity(len);
    let mut buf = Zeroizing::new([0u8; 64]);
    while out.len() < len {
        fill_random(buf.as_mut())?;
        // Rejection sampling: 248 = 4 * 62 keeps the choice uniform.
        for &b in buf.iter().filter(|&&b| b < 248) {
            if out.len() == len {
                break;
            }
            out.push(ALPHABET[usize::from(b % 62)] as char);
        }
    }
    Ok(crate::SecretValue::new(out))
}

#[cfg(test)]
mod tests;
