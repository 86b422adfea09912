//! `devvault receive FILE`: decrypts a bundle (with the vault's own identity, `-i` key files,
//! or its passphrase), checks who signed it (a trusted teammate, one named with
//! `--trust-new`, or unsigned with `--unsigned`), for whom and whether it is a replay,
//! previews what it adds / changes / leaves (hints, notes, dangerous names; never values),
//! asks for confirmation (`--yes` for scripts) and imports it in one transaction.

use super::incoming;
use crate::bundle::{self, Key};
use crate::signing::passphrase_binding;
use crate::vault::{Acceptance, Preview, Provenance, Sender};
use anyhow::{Context, Result, bail};
use clap::Args;
use sha2::{Digest, Sha256};
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
    /// Trust the bundle's unknown signer under NAME (check its fingerprint with them first)
    #[arg(long, value_name = "NAME")]
    trust_new: Option<String>,
    /// Accept a bundle nobody signed (e.g. made with the `age` CLI)
    #[arg(long)]
    unsigned: bool,
    /// Accept a bundle older than the last one received from the same sender
    #[arg(long)]
    allow_replay: bool,
    /// Import this dangerous name (PATH, BASH_ENV, NODE_OPTIONS, GIT_*...); repeatable
    #[arg(long, value_name = "NAME")]
    allow_env: Vec<String>,
    /// Make a project or environment the bundle brings even when its name is close to an
    /// existing one
    #[arg(long)]
    create: bool,
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
        let mut mine = Vec::new();
        let plain = if bundle::is_passphrase(&data, &name)? {
            let q = format!("Passphrase for bundle {name}: ");
            let p = crate::os::passphrase::passphrase_from("DEVVAULT_BUNDLE_PASSPHRASE", &q)?;
            mine.push(passphrase_binding(p.expose_secret()));
            let p = age::secrecy::SecretString::from(p.expose_secret().to_string());
            bundle::decrypt(&data, Key::Passphrase(p), &name)?
        } else {
            let own = vault.age_identity()?;
            mine.push(own.to_public().to_string());
            let mut ids: Vec<Box<dyn age::Identity>> = vec![Box::new(own)];
            for path in &self.identity {
                let (found, public) = load_identities(path)?;
                ids.extend(found);
                mine.extend(public);
            }
            bundle::decrypt(&data, Key::Identities(&ids), &name)?
        };
        let (b, signed) = bundle::decode_signed(&plain, &name)?;
        drop(plain);
        let acc = Acceptance {
            mine: &mine,
            trust_new: self.trust_new.as_deref(),
            unsigned: self.unsigned,
            allow_replay: self.allow_replay,
        };
        let sender = vault.sender(signed.as_ref(), b.created, &name, &acc)?;
        let preview = vault.preview(&b)?;
        if self.dry_run {
            return print_preview(&name, &sender, &preview, &mut crate::os::console::stdout());
        }
        // The preview is the report of a change: a closed or full stdout must not skip it.
        let mut report = crate::os::console::report_stdout();
        print_preview(&name, &sender, &preview, &mut report)?;
        let flagged = incoming::flagged(preview.changes.iter().map(|(_, c)| c));
        incoming::admit(&flagged, &self.allow_env, self.yes, &name)?;
        for (scope, _) in &preview.scopes {
            super::creation::check(&mut vault, scope, self.create)?;
        }
        if !self.yes && !confirm()? {
            bail!("nothing imported");
        }
        let from = Provenance {
            sender,
            hash: base16ct::lower::encode_string(&Sha256::digest(&data)),
        };
        let check = match preview.scopes.first() {
            Some((scope, _)) => format!("devvault ls {scope}"),
            None => "devvault audit".into(),
        };
        let done = vault
            .receive(&b, &from)
            .map_err(|e| super::check_with(e, check))?;
        let (a, c, u) = done.counts();
        crate::os::console::status!(
            "imported {name}: {a} added, {c} changed (old values kept in history), {u} unchanged"
        );
        Ok(())
    }
}

/// The identities of a key file, and the recipients they answer to (for the signature's
/// recipient check).
type Loaded = (Vec<Box<dyn age::Identity>>, Vec<String>);

fn load_identities(path: &PathBuf) -> Result<Loaded> {
    let text = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    if let Ok(f) = age::IdentityFile::from_buffer(&text[..])
        && let Ok(ids) = f.into_identities()
        && !ids.is_empty()
    {
        let public = String::from_utf8_lossy(&text)
            .lines()
            .filter_map(|l| l.trim().parse::<age::x25519::Identity>().ok())
            .map(|i| i.to_public().to_string())
            .collect();
        let ids = ids
            .into_iter()
            .map(|i| i as Box<dyn age::Identity>)
            .collect();
        return Ok((ids, public));
    }
    let name = Some(path.display().to_string());
    match age::ssh::Identity::from_buffer(&text[..], name.clone()) {
        Ok(age::ssh::Identity::Unencrypted(k)) => {
            let public = age::ssh::Identity::from_buffer(&text[..], name)
                .ok()
                .and_then(|i| age::ssh::Recipient::try_from(i).ok())
                .map(|r| r.to_string())
                .into_iter()
                .collect();
            Ok((vec![Box::new(age::ssh::Identity::Unencrypted(k))], public))
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

fn print_preview(file: &str, sender: &Sender, p: &Preview, out: &mut impl Write) -> Result<()> {
    writeln!(out, "{file}: {}", sender.describe())?;
    for (scope, keys) in &p.scopes {
        writeln!(out, "{scope}:")?;
        for (k, o) in keys {
            let change = p
                .changes
                .iter()
                .find(|(s, c)| s == scope && &c.key == k)
                .map(|(_, c)| c);
            incoming::write_line(out, incoming::outcome_word(*o), k.as_str(), change)?;
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
    crate::os::console::prompt(format_args!("Import? [y/N] "));
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(matches!(line.trim(), "y" | "Y" | "yes"))
}
