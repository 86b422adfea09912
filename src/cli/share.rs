//! `devvault share SCOPE.. --to age1.. | --to-ssh FILE | --to-github-keys FILE | --passphrase`:
//! an age-encrypted bundle of scopes for a teammate, to `-o FILE` (mode 0600) or stdout
//! (ASCII-armored when stdout is a terminal, or with `--armor`). The payload is signed by
//! the vault's signing key, covering the recipients, the creation time and every key, value
//! and note; `--to` takes a teammate's whole `devvault identity` line or its `age1...` word.

use crate::Scope;
use crate::bundle::{self, Lock, Recipient};
use age::secrecy::ExposeSecret;
use anyhow::{Context, Result, bail};
use clap::Args;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct Share {
    /// PROJECT[/ENV] scopes to put in the bundle [default: from .devvault.toml]
    #[arg(value_name = "SCOPE")]
    scopes: Vec<String>,
    /// A teammate's `devvault identity` line, or an age recipient (`age1...`); repeatable
    #[arg(long, value_name = "RECIPIENT")]
    to: Vec<String>,
    /// An SSH public key file (ssh-ed25519 or ssh-rsa); repeatable
    #[arg(long, value_name = "FILE")]
    to_ssh: Vec<PathBuf>,
    /// A file of SSH public keys, one a line (as served at https://github.com/USER.keys)
    #[arg(long, value_name = "FILE")]
    to_github_keys: Vec<PathBuf>,
    /// Lock with a passphrase instead (asked twice, or DEVVAULT_BUNDLE_PASSPHRASE[_FILE|_COMMAND])
    #[arg(long, conflicts_with_all = ["to", "to_ssh", "to_github_keys"])]
    passphrase: bool,
    /// With --passphrase: accept one zxcvbn rates below 3 of 4
    #[arg(long, requires = "passphrase")]
    allow_weak: bool,
    /// Write to FILE (mode 0600) instead of stdout
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// ASCII-armor the bundle (the default on a terminal)
    #[arg(long, short = 'a')]
    armor: bool,
}

impl Share {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let scopes = if self.scopes.is_empty() {
            vec![ctx.scope(None)?]
        } else {
            self.scopes
                .iter()
                .map(|s| Scope::parse(s))
                .collect::<crate::Result<Vec<_>>>()?
        };
        let lock_with = if self.passphrase {
            let p = crate::os::passphrase::new_passphrase(
                "DEVVAULT_BUNDLE_PASSPHRASE",
                self.allow_weak,
            )?;
            Some(age::secrecy::SecretString::from(
                p.expose_secret().to_string(),
            ))
        } else {
            None
        };
        let recipients = self.recipients()?;
        if lock_with.is_none() && recipients.is_empty() {
            bail!(super::UsageError(
                "say who the bundle is for: --to age1..., --to-ssh FILE, --to-github-keys FILE or --passphrase".into()
            ));
        }
        let mut vault = ctx.unlock()?;
        let secret = vault.signing_secret()?;
        let from = vault.public_identity()?;
        let bound: Vec<String> = match &lock_with {
            Some(p) => vec![crate::signing::passphrase_binding(p.expose_secret())],
            None => recipients.iter().map(Recipient::encode).collect(),
        };
        // Who receives what, for the exposure ledger (recorded with the bundle's audit entry).
        let encoded: Vec<String> = recipients.iter().map(Recipient::encode).collect();
        let to = vault.receivers(&encoded)?;
        let b = vault.bundle_to(&scopes, &to)?;
        let plain = bundle::encode_signed(&b, &secret, &from, &bound)?;
        let lock = match lock_with {
            Some(p) => Lock::Passphrase(p, scrypt_work()?),
            None => Lock::Recipients(&recipients),
        };
        let to_terminal = self.output.is_none() && std::io::stdout().is_terminal();
        let data = bundle::encrypt(&plain, lock, self.armor || to_terminal)?;
        let n: usize = b.scopes.iter().map(|(_, s)| s.len()).sum();
        match &self.output {
            Some(path) => {
                crate::os::private_file::write_private(path, &data)?;
                let k = scopes.len();
                crate::os::console::status!(
                    "Wrote {n} {} of {k} {} to {} (mode 0600).",
                    if n == 1 { "key" } else { "keys" },
                    if k == 1 { "scope" } else { "scopes" },
                    path.display()
                );
            }
            None => {
                let mut out = crate::os::console::stdout();
                out.write_all(&data)?;
                out.flush()?;
            }
        }
        Ok(())
    }

    fn recipients(&self) -> Result<Vec<Recipient>> {
        let mut out = Vec::new();
        for r in &self.to {
            // A whole identity line: its first word is the age recipient.
            let r = match r.contains(crate::signing::SIGN_PREFIX) {
                true => r.split_whitespace().next().unwrap_or(""),
                false => r.as_str(),
            };
            out.push(Recipient::parse(r)?);
        }
        for path in &self.to_ssh {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            out.push(Recipient::parse(line).with_context(|| path.display().to_string())?);
        }
        for path in &self.to_github_keys {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let before = out.len();
            for (n, line) in text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
            {
                match Recipient::parse(line) {
                    Ok(r) => out.push(r),
                    Err(e) => crate::os::console::status!(
                        "warning: {}:{}: skipped: {e}",
                        path.display(),
                        n + 1
                    ),
                }
            }
            if out.len() == before {
                bail!("{} holds no ssh-ed25519 or ssh-rsa key", path.display());
            }
        }
        Ok(out)
    }
}

/// `DEVVAULT_BUNDLE_SCRYPT_WORK=N` sets scrypt's work factor to 2^N (at least 2^10), for
/// tests; unset, age calibrates it to about one second on this machine. Only in debug
/// builds (what `cargo test` runs): a release binary always calibrates.
#[cfg(not(debug_assertions))]
fn scrypt_work() -> Result<Option<u8>> {
    Ok(None)
}

#[cfg(debug_assertions)]
fn scrypt_work() -> Result<Option<u8>> {
    match std::env::var("DEVVAULT_BUNDLE_SCRYPT_WORK") {
        Err(_) => Ok(None),
        Ok(v) => match v.parse::<u8>() {
            Ok(n) if (crate::bundle::MIN_SCRYPT_WORK..=30).contains(&n) => Ok(Some(n)),
            _ => bail!("DEVVAULT_BUNDLE_SCRYPT_WORK must be a number from 10 to 30"),
        },
    }
}
