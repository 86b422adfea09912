//! The OS keychain side of the keychain slot (front-end side): keeps the slot's random key
//! in the platform store: on Linux the Secret Service over D-Bus (gnome-keyring, KeePassXC)
//! through the `secret-service` crate directly; elsewhere through the `keyring` crate (v4,
//! `v1` feature): the Keychain on macOS, the Credential Manager on Windows, the Secret
//! Service on the BSDs. The entry is service `devvault`, account `vault-<vault id hex>`,
//! and holds a versioned text payload
//! `devvault-keychain-v1 <vault id hex> <enabled unix secs> <key hex>`.
//!
//! Every call runs on a worker thread and is given up after [`TIMEOUT`], so a missing bus,
//! a locked collection waiting for a prompt, or a hung daemon never hangs devvault: the
//! caller gets an error and falls back to the passphrase. Buffers holding the key are
//! zeroized. This module never sees the vault key itself, only the slot's key, and never
//! stores a passphrase. It also keeps team remotes' tokens (`devvault remote login`): service
//! `devvault`, account `remote-<vault id hex>-<remote name>`, payload
//! `devvault-token-v1 <token>`.

use crate::VaultKey;
use anyhow::{Context, Result, anyhow, bail};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;
use zeroize::Zeroizing;

/// How long one keychain call may take before devvault gives up on it.
pub const TIMEOUT: Duration = Duration::from_secs(2);
/// The keychain service every devvault entry is filed under.
pub const SERVICE: &str = "devvault";
const MAGIC: &str = "devvault-keychain-v1";

/// The keychain account of a vault: `vault-<vault id hex>`.
pub fn account(vault_id: &str) -> String {
    format!("vault-{vault_id}")
}

/// The name of the platform store, for messages.
pub fn store_name() -> &'static str {
    if cfg!(target_os = "macos") {
        "macOS Keychain"
    } else if cfg!(target_os = "windows") {
        "Windows Credential Manager"
    } else {
        "Secret Service (D-Bus)"
    }
}

/// What to do when the store cannot be reached, for messages.
pub fn how_to_fix() -> &'static str {
    if cfg!(any(target_os = "macos", target_os = "windows")) {
        "check that the login keychain is unlocked"
    } else {
        "run devvault in a desktop session with gnome-keyring or KeePassXC's Secret Service \
         integration unlocked (on a headless machine: `dbus-run-session` with \
         `gnome-keyring-daemon --unlock`), or use `devvault unlock --for` instead"
    }
}

/// The keychain slot's key for this vault: `Ok(None)` when there is no entry; an error when
/// the store is unavailable, locked, too slow, or holds an entry that is not this vault's.
pub fn load(vault_id: &str) -> Result<Option<VaultKey>> {
    Ok(read(vault_id)?.map(|(_, key)| key))
}

/// When the entry for this vault was stored (Unix seconds), if there is one.
pub fn status(vault_id: &str) -> Result<Option<i64>> {
    Ok(read(vault_id)?.map(|(at, _)| at))
}

/// Stores `key` as this vault's entry, replacing an earlier one.
pub fn store(vault_id: &str, key: &VaultKey) -> Result<()> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    let payload = encode(vault_id, now, key)?;
    let user = account(vault_id);
    with_timeout("storing the key", move || platform::set(&user, &payload))
}

/// Deletes this vault's entry; true if there was one.
pub fn delete(vault_id: &str) -> Result<bool> {
    let user = account(vault_id);
    with_timeout("deleting the entry", move || platform::remove(&user))
}

const TOKEN_MAGIC: &str = "devvault-token-v1 ";

/// The keychain account of a remote's token: `remote-<vault id hex>-<remote name>`.
pub fn token_account(vault_id: &str, remote: &str) -> String {
    format!("remote-{vault_id}-{remote}")
}

/// Stores the token of `remote`, replacing an earlier one.
pub fn store_token(vault_id: &str, remote: &str, token: &str) -> Result<()> {
    let mut payload = Zeroizing::new(String::with_capacity(TOKEN_MAGIC.len() + token.len()));
    payload.push_str(TOKEN_MAGIC);
    payload.push_str(token);
    let user = token_account(vault_id, remote);
    with_timeout("storing the token", move || platform::set(&user, &payload))
}

/// The token of `remote`, if one is stored.
pub fn load_token(vault_id: &str, remote: &str) -> Result<Option<Zeroizing<String>>> {
    let user = token_account(vault_id, remote);
    let shown = user.clone();
    let payload = with_timeout("reading the token", move || platform::get(&user))?;
    match payload {
        None => Ok(None),
        Some(p) => match p.strip_prefix(TOKEN_MAGIC) {
            Some(token) => Ok(Some(Zeroizing::new(token.to_string()))),
            None => Err(not_ours(&shown)),
        },
    }
}

/// Deletes the token of `remote`; true if there was one.
pub fn delete_token(vault_id: &str, remote: &str) -> Result<bool> {
    let user = token_account(vault_id, remote);
    with_timeout("deleting the token", move || platform::remove(&user))
}

/// Reads and checks this vault's entry: (enabled at, key).
fn read(vault_id: &str) -> Result<Option<(i64, VaultKey)>> {
    let user = account(vault_id);
    let payload = with_timeout("reading the entry", move || platform::get(&user))?;
    payload.map(|p| decode(vault_id, &p)).transpose()
}

/// The entry holds several items for one account.
fn ambiguous(user: &str) -> anyhow::Error {
    anyhow!(
        "the {} holds several entries for service {SERVICE}, account {user}; remove them \
         (`secret-tool clear service {SERVICE} username {user}`) and run \
         `devvault keychain enable`",
        store_name()
    )
}

/// The entry holds bytes that are not text.
fn not_ours(user: &str) -> anyhow::Error {
    anyhow!(
        "the {} entry {SERVICE}/{user} is not a devvault entry; run `devvault keychain \
         enable` to replace it",
        store_name()
    )
}

/// The store is locked or refused access.
fn locked(detail: &str) -> anyhow::Error {
    anyhow!(
        "the {} is locked or refused access ({detail}); unlock the login keyring",
        store_name()
    )
}

/// Linux: the Secret Service (gnome-keyring, KeePassXC) spoken to directly over D-Bus with
/// the `secret-service` crate's blocking API. Each call opens its own connection and a
/// `Plain` session: the session bus is a per-user local socket, and the secret is the
/// slot's random key, so the Diffie-Hellman session (a 1024-bit exchange on both sides)
/// bought nothing but milliseconds. Items are the ones the `keyring` crate (v4,
/// zbus-secret-service-keyring-store) made: attributes `service` and `username` only, label
/// `keyring:<account>@devvault`, created in the `default` collection and found by a
/// search across all collections, so entries stored by earlier builds stay readable.
#[cfg(target_os = "linux")]
#[path = "keychain/secret_service.rs"]
mod platform;

/// Elsewhere: the `keyring` crate's native store (Keychain, Credential Manager, the Secret
/// Service on the BSDs), set up on first use.
#[cfg(not(target_os = "linux"))]
mod platform {
    use super::{SERVICE, ambiguous, locked, not_ours, one_line, store_name};
    use anyhow::{Result, anyhow, bail};
    use zeroize::{Zeroize, Zeroizing};

    pub(super) fn get(user: &str) -> Result<Option<Zeroizing<String>>> {
        match entry(user)?.get_password() {
            Ok(p) => Ok(Some(Zeroizing::new(p))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(describe(e, user)),
        }
    }

    pub(super) fn set(user: &str, payload: &str) -> Result<()> {
        entry(user)?
            .set_password(payload)
            .map_err(|e| describe(e, user))
    }

    pub(super) fn remove(user: &str) -> Result<bool> {
        match entry(user)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(describe(e, user)),
        }
    }

    /// The entry of `user` in the platform store, which is set up on first use.
    fn entry(user: &str) -> Result<keyring::Entry> {
        if let Err(e) = keyring::Entry::store_status() {
            bail!(
                "cannot reach the {}: {}",
                store_name(),
                one_line(&e.to_string())
            );
        }
        keyring::Entry::new(SERVICE, user).map_err(|e| describe(e, user))
    }

    /// A keyring error in words a user can act on, on one line.
    fn describe(e: keyring::Error, user: &str) -> anyhow::Error {
        let detail = one_line(&e.to_string());
        match e {
            keyring::Error::NoStorageAccess(_) => locked(&detail),
            keyring::Error::Ambiguous(_) => ambiguous(user),
            keyring::Error::NoDefaultStore => anyhow!("cannot reach the {}", store_name()),
            keyring::Error::BadEncoding(mut bytes) => {
                bytes.zeroize();
                not_ours(user)
            }
            _ => anyhow!("the {} failed: {detail}", store_name()),
        }
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Runs `f` on a worker thread and waits at most [`TIMEOUT`] for its answer. A worker that
/// does not answer is left behind; whatever it sends later is dropped (and zeroized).
fn with_timeout<T: Send + 'static>(
    what: &'static str,
    f: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    let (tx, rx) = mpsc::sync_channel(1);
    std::thread::Builder::new()
        .name("devvault-keychain".into())
        .spawn(move || {
            let _ = tx.send(f());
        })
        .context("cannot start the keychain thread")?;
    match rx.recv_timeout(TIMEOUT) {
        Ok(result) => result,
        Err(RecvTimeoutError::Timeout) => bail!(
            "the {} did not answer within {} s while {what} (a hung daemon, or a locked \
             keyring waiting for a prompt)",
            store_name(),
            TIMEOUT.as_secs()
        ),
        Err(RecvTimeoutError::Disconnected) => {
            bail!("the keychain thread stopped while {what}")
        }
    }
}

/// The payload stored for `vault_id`.
fn encode(vault_id: &str, enabled_at: i64, key: &VaultKey) -> Result<Zeroizing<String>> {
    if vault_id.is_empty() || !vault_id.bytes().all(|b| b.is_ascii_hexdigit()) {
        bail!("`{vault_id}` is not a vault id");
    }
    let mut s = Zeroizing::new(String::with_capacity(MAGIC.len() + vault_id.len() + 88));
    s.push_str(MAGIC);
    s.push(' ');
    s.push_str(vault_id);
    s.push(' ');
    s.push_str(&enabled_at.to_string());
    s.push(' ');
    for b in key.expose_secret() {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 15)]));
    }
    Ok(s)
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Checks a payload read for `vault_id` and returns (enabled at, key).
fn decode(vault_id: &str, payload: &str) -> Result<(i64, VaultKey)> {
    let what = format!("the {} entry {SERVICE}/{}", store_name(), account(vault_id));
    let fields: Vec<&str> = payload.split(' ').collect();
    let [magic, id, at, key] = fields[..] else {
        bail!(
            "{what} is not a devvault keychain entry; run `devvault keychain enable` to replace it"
        );
    };
    if magic != MAGIC {
        bail!("{what} has an unknown format; run `devvault keychain enable` to replace it");
    }
    if id != vault_id {
        bail!(
            "{what} holds the key of another vault ({}); run `devvault keychain enable` to replace it",
            one_line(id)
        );
    }
    let at: i64 = at
        .parse()
        .with_context(|| format!("{what} has a malformed date"))?;
    let mut bytes = Zeroizing::new([0u8; 32]);
    if key.len() != 64 || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
        bail!("{what} holds a malformed key; run `devvault keychain enable` to replace it");
    }
    for (i, pair) in key.as_bytes().chunks_exact(2).enumerate() {
        bytes[i] = (nibble(pair[0]) << 4) | nibble(pair[1]);
    }
    Ok((at, VaultKey::from_bytes(*bytes)))
}

fn nibble(b: u8) -> u8 {
    match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        b'A'..=b'F' => b - b'A' + 10,
        _ => 0,
    }
}

#[cfg(test)]
mod tests;
