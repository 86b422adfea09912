//! Helpers shared by the `Vault` integration tests (a vault in a temporary directory).
#![allow(dead_code)]

pub mod audit;
pub mod bao;
pub mod cli;
pub mod crash;
pub mod fake_http;
pub mod keychain;
pub mod parsers;
pub mod tmux;
pub mod traps;
pub mod tui;
pub mod x11;

use devvault::crypto::KdfParams;
use devvault::{Error, KeyName, Passphrase, Scope, SecretValue, Vault};
use rusqlite::Connection;
use std::path::{Path, PathBuf};

pub const PASS: &str = "correct horse battery staple";

pub fn pass(s: &str) -> Passphrase {
    Passphrase::new(s.to_string())
}

pub fn new_vault(dir: &Path) -> (PathBuf, Vault) {
    let path = dir.join("sub/vault.db");
    let v = Vault::create(&path, &pass(PASS), KdfParams::FLOOR).unwrap();
    (path, v)
}

/// A new vault in a new temporary directory (removed when the `TempDir` drops).
pub fn temp_vault() -> (tempfile::TempDir, PathBuf, Vault) {
    let dir = tempfile::tempdir().unwrap();
    let (path, v) = new_vault(dir.path());
    (dir, path, v)
}

pub fn reopen(path: &Path) -> Vault {
    Vault::open(path).unwrap().unlock(&pass(PASS)).unwrap()
}

pub fn scope(s: &str) -> Scope {
    Scope::parse(s).unwrap()
}

pub fn key(s: &str) -> KeyName {
    KeyName::new(s).unwrap()
}

pub fn set(v: &mut Vault, sc: &str, k: &str, val: &str) {
    v.set(&scope(sc), &key(k), &SecretValue::from(val)).unwrap();
}

pub fn get(v: &mut Vault, sc: &str, k: &str) -> Result<String, Error> {
    v.get(&scope(sc), &key(k))
        .map(|s| s.expose_secret().to_string())
}

pub fn sql(path: &Path) -> Connection {
    Connection::open(path).unwrap()
}

pub fn is_integrity<T>(r: Result<T, Error>) -> bool {
    matches!(r, Err(Error::Integrity { .. }))
}

/// An unsigned bundle to `to` (as the `age` CLI would carry one): `keys` keys `K0..` in each
/// of `scopes`, key `n` of scope `s` holding `value(s, n)`.
pub fn unsigned_bundle(
    scopes: &[&str],
    keys: usize,
    value: impl Fn(&str, usize) -> String,
    to: &devvault::bundle::Recipient,
) -> Vec<u8> {
    use devvault::bundle::{self, Bundle, BundleSecret, Lock};
    let b = Bundle {
        created: 0,
        scopes: scopes
            .iter()
            .map(|s| {
                let secrets = (0..keys)
                    .map(|n| BundleSecret {
                        key: KeyName::new(&format!("K{n}")).unwrap(),
                        value: SecretValue::from(value(s, n)),
                        comment: None,
                        url: None,
                        created: 0,
                        updated: 0,
                        version: 1,
                        rotated_at: None,
                        max_age: None,
                        template: None,
                    })
                    .collect();
                (scope(s), secrets)
            })
            .collect(),
    };
    let plain = bundle::encode(&b).unwrap();
    bundle::encrypt(&plain, Lock::Recipients(std::slice::from_ref(to)), false).unwrap()
}
