//! The timed session unlock: the vault key held by the Linux kernel keyring (keyutils) in
//! the session keyring, with the kernel's own expiry, readable only by processes that
//! possess that keyring. It vanishes on logout, on expiry, or with `devvault lock`.
//! Front-end side: the core hands over a [`VaultKey`] and gets one back.

use crate::VaultKey;
use anyhow::{Context, Result, anyhow};
use linux_keyutils::{KeyError, KeyPermissionsBuilder, KeyRing, KeyRingIdentifier, Permission};
use zeroize::Zeroizing;

fn description(vault_id: &str) -> String {
    format!("devvault:session:{vault_id}")
}

fn ring() -> Result<KeyRing, KeyError> {
    KeyRing::from_special_id(KeyRingIdentifier::Session, false)
}

/// Why the kernel keyring cannot be used, in words a user can act on.
fn unavailable(e: KeyError) -> anyhow::Error {
    anyhow!(
        "the Linux kernel keyring (keyutils) is not available here ({e:?}); \
         this happens in some containers and on non-Linux systems: use the OS keychain \
         (`devvault keychain enable`) or a passphrase source instead"
    )
}

/// Holds `key` for `seconds` in the session keyring, replacing an earlier one.
pub fn store(vault_id: &str, key: &VaultKey, seconds: u64) -> Result<()> {
    let ring = ring().map_err(unavailable)?;
    let k = ring
        .add_key(&description(vault_id), key.expose_secret())
        .map_err(unavailable)?;
    let perms = KeyPermissionsBuilder::builder()
        .posessor(Permission::ALL)
        .user(Permission::VIEW)
        .build();
    let timeout = usize::try_from(seconds).unwrap_or(usize::MAX).max(1);
    let set = k.set_perms(perms).and_then(|()| k.set_timeout(timeout));
    if let Err(e) = set {
        let _ = k.invalidate();
        return Err(unavailable(e)).context("cannot set the session key's expiry");
    }
    Ok(())
}

/// The vault key held for this vault, if any (expired keys are gone).
pub fn load(vault_id: &str) -> Option<VaultKey> {
    let k = ring().ok()?.search(&description(vault_id)).ok()?;
    let mut buf = Zeroizing::new([0u8; 32]);
    match k.read(&mut *buf) {
        Ok(32) => Some(VaultKey::from_bytes(*buf)),
        _ => None,
    }
}

/// Forgets the key held for this vault; true if there was one.
pub fn forget(vault_id: &str) -> Result<bool> {
    let ring = ring().map_err(unavailable)?;
    match ring.search(&description(vault_id)) {
        Ok(k) => {
            k.invalidate().map_err(unavailable)?;
            Ok(true)
        }
        Err(KeyError::KeyDoesNotExist) => Ok(false),
        Err(_) => Ok(false),
    }
}

/// Moves this process into a new, empty anonymous session keyring, so that what it execs
/// cannot use the session unlock (or any key) of the login session. Called by `run` just
/// before it execs the child. A kernel without keyrings (ENOSYS) holds no session unlock to
/// protect; any other failure is an error, so that the child never runs in the old session.
#[allow(
    unsafe_code,
    reason = "one raw keyctl(2) call that linux-keyutils does not offer; no pointer but NULL"
)]
pub fn detach() -> Result<()> {
    const KEYCTL_JOIN_SESSION_KEYRING: libc::c_long = 1;
    // SAFETY: keyctl(KEYCTL_JOIN_SESSION_KEYRING, NULL) takes no pointer but the null name
    // (an anonymous keyring) and touches no memory of this process.
    let id = unsafe {
        libc::syscall(
            libc::SYS_keyctl,
            KEYCTL_JOIN_SESSION_KEYRING,
            std::ptr::null::<libc::c_char>(),
        )
    };
    if id >= 0 {
        return Ok(());
    }
    let err = std::io::Error::last_os_error();
    if err.raw_os_error() == Some(libc::ENOSYS) {
        return Ok(());
    }
    Err(anyhow!(
        "cannot give the command a session keyring of its own ({err}); nothing was run"
    ))
}

/// Parses a session or clipboard duration in the one grammar ([`crate::duration`]),
/// from 1s to 7d.
pub fn parse_duration(s: &str) -> Result<u64> {
    Ok(crate::duration::parse_within(
        s,
        1,
        7 * 86_400,
        "1s and 7d",
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("15m").unwrap(), 900);
        assert_eq!(parse_duration("2s").unwrap(), 2);
        assert!(parse_duration("10").is_err(), "a unit is required");
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("8d").is_err());
        let e = parse_duration("5y").unwrap_err().to_string();
        assert!(e.contains("`5y`") && e.contains("1s and 7d"), "{e}");
    }
}
