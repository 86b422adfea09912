//! `devvault receive FILE`: decrypts a bundle (with the vault's own identity, `-i` key files,
//! or its passphrase), previews what it adds / changes / leaves (never values), asks for
//! confirmation (`--yes` for scripts) and imports it in one transaction.

use crate::bundle::{self, Key};
use crate::vault::{Outcome, Preview};
use anyhow::{Context, Result, bail};
use clap::Args;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct Receive {
    /// The bundle (`-` = stdin), binary or ASCII-armored
    file: PathBuf,
    /// Another identity to try: an age identity file or an unencrypted SSH private key
    #[arg(long, short = 'i', value_name = "FILE")]
    identity: Vec<PathBuf>,
    /// Import without asking (for scripts)
    #[arg(long, short = 'y')]
    yes: bool,
    /// Only show the preview; import nothing
    #[arg(long)]
    dry_run: bool,
}

impl Receive {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let name = self.file.display().to_string();
        let data = if name == "-" {
            crate::flows::read_capped(std::io::stdin().lock(), "the bundle on stdin")?
        } else {
            crate::flows::Input::File(&self.file).read()?
        };
        let mut vault = ctx.unlock()?;
        let plain = if bundle::is_passphrase(&data, &name)? {
            let q = format!("Passphrase for bundle {name}: ");
            let p = crate::os::passphrase::passphrase_from("DEVVAULT_BUNDLE_PASSPHRASE", &q)?;
            let p = age::secrecy::SecretString::from(p.expose_secret().to_string());
            bundle::decrypt(&data, Key::Passphrase(p), &name)?
        } else {
            let mut ids: Vec<Box<dyn age::Identity>> = vec![Box::new(vault.age_identity()?)];
            for path in &self.identity {
                ids.extend(load_identities(path)?);
            }
            bundle::decrypt(&data, Key::Identities(&ids), &name)?
        };
        let b = bundle::decode(&plain, &name)?;
        drop(plain);
        let preview = vault.preview(&b)?;
        print_preview(&preview)?;
        if self.dry_run {
            return Ok(());
        }
        if !self.yes && !confirm()? {
            bail!("nothing imported");
        }
        let done = vault.receive(&b)?;
        let (a, c, u) = done.counts();
        eprintln!(
            "imported {name}: {a} added, {c} changed (old values kept in history), {u} unchanged"
        );
        Ok(())
    }
}

fn load_identities(path: &PathBuf) -> Result<Vec<Box<dyn age::Identity>>> {
    let text = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    if let Ok(f) = age::IdentityFile::from_buffer(&text[..])
        && let Ok(ids) = f.into_identities()
        && !ids.is_empty()
    {
        return Ok(ids
            .into_iter()
            .map(|i| i as Box<dyn age::Identity>)
            .collect());
    }
    let name = Some(path.display().to_string());
    match age::ssh::Identity::from_buffer(&text[..], name) {
        Ok(age::ssh::Identity::Unencrypted(k)) => {
            Ok(vec![Box::new(age::ssh::Identity::Unencrypted(k))])
        }
        Ok(_) => bail!(
            "{}: an encrypted or unsupported SSH key; decrypt a copy (`ssh-keygen -p`) or use an age identity",
            path.display()
        ),
        Err(_) => bail!(
            "{} is neither an age identity file nor an SSH private key",
            path.display()
        ),
    }
}

fn print_preview(p: &Preview) -> Result<()> {
    let mut out = std::io::stdout().lock();
    for (scope, keys) in &p.scopes {
        writeln!(out, "{scope}:")?;
        for (k, o) in keys {
            let what = match o {
                Outcome::Added => "added",
                Outcome::Changed => "changed",
                Outcome::Unchanged => "unchanged",
            };
            writeln!(out, "  {what:<9} {k}")?;
        }
    }
    let (a, c, u) = p.counts();
    writeln!(out, "{a} added, {c} changed, {u} unchanged")?;
    Ok(())
}

fn confirm() -> Result<bool> {
    if !std::io::stdin().is_terminal() {
        bail!(super::UsageError(
            "not a terminal to confirm on: pass --yes to import, or --dry-run to only preview"
                .into()
        ));
    }
    eprint!("Import? [y/N] ");
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(matches!(line.trim(), "y" | "Y" | "yes"))
}
