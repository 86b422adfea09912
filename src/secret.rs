//! Types that hold secrets: [`SecretValue`] (a stored value), [`VaultKey`] (the 256-bit
//! vault key and its subkeys) and [`SigningSecret`] (the vault's Ed25519 signing key, used
//! by [`crate::signing`]). No `Clone`, `Display` or `Serialize`; `Debug` prints `***`;
//! memory is zeroized on drop. The only way to the bytes is `expose_secret()`, so
//! `grep expose_secret` lists every place a value can leak.

use secrecy::{ExposeSecret, SecretBox, SecretString};
use std::fmt;

/// A secret's value: UTF-8 text, zeroized on drop.
pub struct SecretValue(SecretString);

impl SecretValue {
    /// Wraps a value, taking ownership so no copy is left behind.
    pub fn new(value: String) -> Self {
        SecretValue(SecretString::from(value))
    }

    /// The value. Every call site is a place where the value can leave the vault.
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }

    /// Length in bytes (not secret: sizes are visible in the file anyway).
    pub fn len(&self) -> usize {
        self.expose_secret().len()
    }

    /// Whether the value is the empty string.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretValue(***)")
    }
}

impl From<String> for SecretValue {
    fn from(s: String) -> Self {
        SecretValue::new(s)
    }
}

impl From<&str> for SecretValue {
    fn from(s: &str) -> Self {
        SecretValue::new(s.to_string())
    }
}

/// A 256-bit key: the vault key, a key-encryption key or an HKDF subkey.
pub struct VaultKey(SecretBox<[u8; 32]>);

impl VaultKey {
    /// Wraps key bytes; the caller's copy should be a zeroizing buffer.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        VaultKey(SecretBox::new(Box::new(bytes)))
    }

    /// A zeroed key for the caller to fill in place (so no copy of the key bytes sits on
    /// the stack); [`crate::crypto::random_key`] fills it from the OS random generator.
    pub fn zeroed() -> Self {
        VaultKey(SecretBox::new(Box::new([0u8; 32])))
    }

    /// The key bytes, to fill in place.
    pub fn expose_secret_mut(&mut self) -> &mut [u8; 32] {
        secrecy::ExposeSecretMut::expose_secret_mut(&mut self.0)
    }

    /// The key bytes.
    pub fn expose_secret(&self) -> &[u8; 32] {
        self.0.expose_secret()
    }
}

impl fmt::Debug for VaultKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("VaultKey(***)")
    }
}

/// A passphrase as typed or read from a source; zeroized on drop.
pub struct Passphrase(SecretString);

impl Passphrase {
    /// Wraps a passphrase.
    pub fn new(s: String) -> Self {
        Passphrase(SecretString::from(s))
    }

    /// The passphrase bytes, for the KDF only.
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Passphrase(***)")
    }
}

/// A vault's Ed25519 signing key (its methods are in [`crate::signing`]). No Clone, no
/// Display; Debug prints `***`; zeroized on drop (ed25519-dalek's `zeroize` feature).
pub struct SigningSecret(pub(crate) ed25519_dalek::SigningKey);

impl fmt::Debug for SigningSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningSecret(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_prints_the_value() {
        let v = SecretValue::from("canary-7f3a");
        let k = VaultKey::from_bytes([0x63; 32]);
        let p = Passphrase::new("hunter2-canary".into());
        let all = format!("{v:?} {k:?} {p:?}");
        assert!(!all.contains("canary"), "{all}");
        assert!(all.contains("***"));
    }
}
