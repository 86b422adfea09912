//! Where passphrases come from, in the documented order: `DEVVAULT_PASSPHRASE_FILE`,
//! `DEVVAULT_PASSPHRASE_COMMAND`, `DEVVAULT_PASSPHRASE`, then a no-echo prompt on the
//! terminal. Front-end side: the core only ever receives a [`Passphrase`].

use anyhow::{Context, Result, bail};
use devvault::Passphrase;
use std::path::Path;
use zeroize::Zeroizing;

const SOURCES: &str = "set DEVVAULT_PASSPHRASE_FILE (a file holding it), \
DEVVAULT_PASSPHRASE_COMMAND (a command printing it), or DEVVAULT_PASSPHRASE (for CI), \
or run devvault in a terminal to be asked";

/// The passphrase from the first source that is set; prompts once on a terminal.
pub fn passphrase(vault: &Path) -> Result<Passphrase> {
    if let Some(p) = from_env()? {
        return Ok(p);
    }
    prompt(&format!("Passphrase for {}: ", vault.display()))
}

/// A new passphrase (for `init`): from a source, or asked twice on a terminal.
pub fn new_passphrase() -> Result<Passphrase> {
    let pass = match from_env()? {
        Some(p) => p,
        None => {
            let first = prompt("New passphrase: ")?;
            let second = prompt("Repeat it: ")?;
            if first.expose_secret() != second.expose_secret() {
                bail!("the two passphrases differ; nothing was created, run the command again");
            }
            first
        }
    };
    if pass.expose_secret().is_empty() {
        bail!("the passphrase is empty; choose one of at least 12 characters");
    }
    if pass.expose_secret().chars().count() < 12 {
        eprintln!(
            "warning: a passphrase under 12 characters is weak; prefer four or more random words"
        );
    }
    Ok(pass)
}

fn from_env() -> Result<Option<Passphrase>> {
    if let Some(path) = std::env::var_os("DEVVAULT_PASSPHRASE_FILE") {
        let bytes = Zeroizing::new(std::fs::read(&path).with_context(|| {
            format!(
                "cannot read DEVVAULT_PASSPHRASE_FILE {}",
                Path::new(&path).display()
            )
        })?);
        return Ok(Some(text(&bytes, "DEVVAULT_PASSPHRASE_FILE")?));
    }
    if let Some(cmd) = std::env::var_os("DEVVAULT_PASSPHRASE_COMMAND") {
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(&cmd)
            .stdin(std::process::Stdio::null())
            .stderr(std::process::Stdio::inherit())
            .output()
            .context("cannot run DEVVAULT_PASSPHRASE_COMMAND")?;
        let stdout = Zeroizing::new(out.stdout);
        if !out.status.success() {
            bail!(
                "DEVVAULT_PASSPHRASE_COMMAND failed ({}); fix the command or unset it",
                out.status
            );
        }
        return Ok(Some(text(&stdout, "DEVVAULT_PASSPHRASE_COMMAND")?));
    }
    if let Some(p) = std::env::var_os("DEVVAULT_PASSPHRASE") {
        let p = Zeroizing::new(p.into_encoded_bytes());
        return Ok(Some(text(&p, "DEVVAULT_PASSPHRASE")?));
    }
    Ok(None)
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
    if std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .is_err()
    {
        bail!("no passphrase: there is no terminal to ask on; {SOURCES}");
    }
    let p = rpassword::prompt_password(label)
        .context("cannot read the passphrase from the terminal")?;
    Ok(Passphrase::new(p))
}
