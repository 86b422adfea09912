//! Where passphrases come from, in the documented order: `DEVVAULT_PASSPHRASE_FILE`,
//! `DEVVAULT_PASSPHRASE_COMMAND`, `DEVVAULT_PASSPHRASE`, then a no-echo prompt on the
//! terminal. Front-end side: the core only ever receives a [`Passphrase`].

use crate::vault::{KEYCHAIN_SLOT, LockedVault};
use crate::{Passphrase, Vault};
use anyhow::{Context, Result, bail};
use std::path::Path;
use zeroize::Zeroizing;

const SOURCES: &str = "set DEVVAULT_PASSPHRASE_FILE (a file holding it), \
DEVVAULT_PASSPHRASE_COMMAND (a command printing it), or DEVVAULT_PASSPHRASE (for CI), \
or run devvault in a terminal to be asked";

/// How many passphrases a terminal prompt accepts before it gives up (as sudo and ssh).
const TRIES: u32 = 3;

/// The vault is locked and no passphrase source is there: exit code 3.
#[derive(Debug)]
pub struct Locked(pub String);

impl std::fmt::Display for Locked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Locked {}

/// Set once from `--allow-expensive-kdf` before any vault is opened.
static ALLOW_EXPENSIVE_KDF: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

/// `--allow-expensive-kdf`: let vaults whose Argon2id parameters exceed the budget unlock.
pub fn allow_expensive_kdf(allow: bool) {
    ALLOW_EXPENSIVE_KDF.store(allow, std::sync::atomic::Ordering::Relaxed);
}

/// Opens the vault at `path` (not unlocked), with `--allow-expensive-kdf` applied.
pub fn open(path: &Path) -> Result<LockedVault> {
    let allow = ALLOW_EXPENSIVE_KDF.load(std::sync::atomic::Ordering::Relaxed);
    Ok(Vault::open(path)?.allow_expensive_kdf(allow))
}

/// Opens and unlocks the vault at `path`: a timed session unlock, then the OS keychain slot
/// (failures there are a one-line notice, never a hang), then the passphrase sources; on a
/// terminal the passphrase may be typed three times.
pub fn unlock(path: &Path) -> Result<Vault> {
    unlock_with(path, true)
}

/// Opens and unlocks the vault at `path` with the OS keychain slot or a passphrase source,
/// never the session unlock (`unlock --for` must not renew itself from its own key).
pub fn unlock_without_session(path: &Path) -> Result<Vault> {
    unlock_with(path, false)
}

fn unlock_with(path: &Path, session: bool) -> Result<Vault> {
    let mut locked = match cached(path, session)? {
        Ok(vault) => return Ok(vault),
        Err(locked) => locked,
    };
    if let Some(p) = from_env("DEVVAULT_PASSPHRASE")? {
        return Ok(locked.unlock(&p)?);
    }
    let state = crate::os::prompt_state::load(path);
    let now = crate::os::prompt_state::now();
    let expired = crate::os::prompt_state::expired_note(&state, now);
    if !has_terminal() {
        let note = expired.map(|n| format!("{n} ")).unwrap_or_default();
        bail!(Locked(format!(
            "{note}no passphrase: there is no terminal to ask on; {SOURCES}, or `devvault unlock --for 8h` in a terminal first."
        )));
    }
    if let Some(n) = &expired {
        crate::os::console::status!("{n}");
    }
    if crate::os::prompt_state::wants_hint(&state, now) {
        crate::os::console::status!(
            "hint: `devvault unlock --for 8h` keeps this vault unlocked in this login session (or `devvault keychain enable`), so it stops asking."
        );
    }
    crate::os::prompt_state::save(
        path,
        crate::os::prompt_state::State {
            last_prompt: Some(now),
            session_ends: state.session_ends.filter(|&t| t > now),
        },
    );
    for attempt in 1..=TRIES {
        let pass = prompt(&format!("Passphrase for {}: ", path.display()))?;
        match locked.unlock(&pass) {
            Ok(v) => return Ok(v),
            Err(crate::Error::WrongPassphrase { .. }) if attempt < TRIES => {
                let left = TRIES - attempt;
                crate::os::console::status!(
                    "Wrong passphrase; try again ({left} {} left).",
                    if left == 1 { "try" } else { "tries" }
                );
                locked = open(path)?;
            }
            Err(e) => return Err(e.into()),
        }
    }
    bail!(Locked("no passphrase was accepted".into()))
}

fn has_terminal() -> bool {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .is_ok()
}

/// Like [`unlock`], but None where only a prompt would do (the TUI asks on its own screen).
pub fn unlock_quiet(path: &Path) -> Result<Option<Vault>> {
    match cached(path, true)? {
        Ok(vault) => Ok(Some(vault)),
        Err(locked) => match from_env("DEVVAULT_PASSPHRASE")? {
            Some(pass) => Ok(Some(locked.unlock(&pass)?)),
            None => Ok(None),
        },
    }
}

/// The vault unlocked by the session unlock or the OS keychain slot only, else `None`:
/// never a passphrase source or a prompt (the shell hook and `devvault mcp` must not ask
/// nor wait).
pub fn unlock_cached(path: &Path) -> Result<Option<Vault>> {
    Ok(cached(path, true)?.ok())
}

/// The vault unlocked by the session key (if `session`) or the keychain slot, else still
/// locked.
fn cached(path: &Path, session: bool) -> Result<std::result::Result<Vault, LockedVault>> {
    let mut locked = open(path)?;
    let id = locked.id_hex();
    if let Some(key) = crate::os::session::load(&id).filter(|_| session) {
        match locked.unlock_with_vault_key(key) {
            Ok(v) => return Ok(Ok(v)),
            Err(_) => {
                let _ = crate::os::session::forget(&id);
                locked = open(path)?;
            }
        }
    }
    if locked.has_slot(KEYCHAIN_SLOT)? {
        match crate::os::keychain::load(&id) {
            Ok(Some(key)) => match locked.unlock_with_slot_key(KEYCHAIN_SLOT, &key) {
                Ok(v) => return Ok(Ok(v)),
                Err(_) => {
                    crate::os::console::status!(
                        "notice: the OS keychain entry does not open this vault; using the passphrase"
                    );
                    locked = open(path)?;
                }
            },
            Ok(None) => crate::os::console::status!(
                "notice: the OS keychain has no entry for this vault; using the passphrase (`devvault keychain enable` to restore it)"
            ),
            Err(e) => crate::os::console::status!(
                "notice: OS keychain unavailable ({e:#}); using the passphrase"
            ),
        }
    }
    Ok(Err(locked))
}

/// The passphrase from the first source that is set; prompts once on a terminal.
pub fn passphrase(vault: &Path) -> Result<Passphrase> {
    if let Some(p) = from_env("DEVVAULT_PASSPHRASE")? {
        return Ok(p);
    }
    prompt(&format!("Passphrase for {}: ", vault.display()))
}

/// A new passphrase: from the sources named by `prefix` (`DEVVAULT_PASSPHRASE` for `init`,
/// `DEVVAULT_NEW_PASSPHRASE` for `passwd`), or asked twice on a terminal. It must pass the
/// one passphrase rule ([`crate::passphrase_policy`]) unless `allow_weak` (`--allow-weak`).
pub fn new_passphrase(prefix: &str, allow_weak: bool) -> Result<Passphrase> {
    let pass = match from_env(prefix)? {
        Some(p) => p,
        None => {
            let first = prompt("New passphrase: ")?;
            // Rated before the second prompt, so a refused one is not typed twice.
            crate::passphrase_policy::check(first.expose_secret(), allow_weak)?;
            let second = prompt("Repeat it: ")?;
            if first.expose_secret() != second.expose_secret() {
                bail!("the two passphrases differ; nothing was created, run the command again");
            }
            first
        }
    };
    let rating = crate::passphrase_policy::check(pass.expose_secret(), allow_weak)?;
    if !rating.acceptable() {
        crate::os::console::status!(
            "warning: the passphrase is {}; kept because of --allow-weak",
            rating.describe()
        );
    }
    Ok(pass)
}

/// A passphrase from the sources named by `prefix` (`X`, `X_FILE`, `X_COMMAND`), else asked
/// once on a terminal with `question` (e.g. a bundle's passphrase on `receive`).
pub fn passphrase_from(prefix: &str, question: &str) -> Result<Passphrase> {
    match from_env(prefix)? {
        Some(p) => Ok(p),
        None => prompt(question),
    }
}

fn from_env(prefix: &str) -> Result<Option<Passphrase>> {
    let file_var = format!("{prefix}_FILE");
    let cmd_var = format!("{prefix}_COMMAND");
    if let Some(path) = std::env::var_os(&file_var) {
        check_private(Path::new(&path), &file_var)?;
        let bytes =
            Zeroizing::new(std::fs::read(&path).with_context(|| {
                format!("cannot read {file_var} {}", Path::new(&path).display())
            })?);
        return Ok(Some(text(&bytes, &file_var)?));
    }
    if let Some(cmd) = std::env::var_os(&cmd_var) {
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(&cmd)
            .stdin(std::process::Stdio::null())
            .stderr(std::process::Stdio::inherit())
            .output()
            .with_context(|| format!("cannot run {cmd_var}"))?;
        let stdout = Zeroizing::new(out.stdout);
        if !out.status.success() {
            bail!(
                "{cmd_var} failed ({}); fix the command or unset it",
                out.status
            );
        }
        return Ok(Some(text(&stdout, &cmd_var)?));
    }
    if let Some(p) = std::env::var_os(prefix) {
        let p = Zeroizing::new(p.into_encoded_bytes());
        return Ok(Some(text(&p, prefix)?));
    }
    Ok(None)
}

/// Refuses a passphrase file that other users can read or write, as ssh refuses such a
/// key (a pipe or `/dev/fd/N` from `<(...)` is not a file and is read).
fn check_private(path: &Path, var: &str) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let Ok(meta) = std::fs::metadata(path) else {
        return Ok(());
    };
    let mode = meta.permissions().mode();
    if meta.is_file() && mode & 0o077 != 0 {
        bail!(
            "{var} {} is open to other users (mode {:o}); run `chmod 600 {}` and try again",
            path.display(),
            mode & 0o777,
            path.display()
        );
    }
    Ok(())
}

/// Decodes a source's bytes, dropping one trailing newline.
fn text(bytes: &[u8], source: &str) -> Result<Passphrase> {
    let trimmed = bytes
        .strip_suffix(b"\r\n")
        .or_else(|| bytes.strip_suffix(b"\n"))
        .unwrap_or(bytes);
    let s = std::str::from_utf8(trimmed)
        .with_context(|| format!("the passphrase from {source} is not UTF-8 text"))?;
    Ok(Passphrase::new(s.to_string()))
}

fn prompt(label: &str) -> Result<Passphrase> {
    if !has_terminal() {
        bail!(Locked(format!(
            "no passphrase: there is no terminal to ask on; {SOURCES}"
        )));
    }
    let p = rpassword::prompt_password(label)
        .context("cannot read the passphrase from the terminal")?;
    Ok(Passphrase::new(p))
}
