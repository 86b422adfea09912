//! `devvault grant REQUEST [-o FILE] [--yes] [--scope SCOPE]`: checks a newcomer's signed
//! access request (see [`crate::request`]; altered or forged: exit 5), shows who asks (a
//! trusted name, or UNTRUSTED with the fingerprint) and which keys this vault holds or
//! lacks, asks for confirmation on a terminal, then writes a signed bundle, as `share`
//! does, to the requester's age recipient with exactly the asked-for keys it holds.

use crate::Scope;
use crate::bundle::{self, Lock, Recipient};
use crate::request::{self, Request};
use crate::vault::Grantee;
use anyhow::{Context, Result, bail};
use clap::Args;
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct Grant {
    /// The request file `devvault onboard --request` wrote (`-` = stdin)
    file: PathBuf,
    /// Read the values from this PROJECT[/ENV] [default: the request's scope]; the bundle
    /// still carries the request's scope
    #[arg(long, value_name = "SCOPE")]
    scope: Option<String>,
    /// Write the bundle to FILE (mode 0600) instead of stdout
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// ASCII-armor the bundle (the default on a terminal)
    #[arg(long, short = 'a')]
    armor: bool,
    /// Grant without asking (for scripts)
    #[arg(long, short = 'y')]
    yes: bool,
}

impl Grant {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let name = self.file.display().to_string();
        let req = request::decode(&self.read()?, &name)?;
        let from = match &self.scope {
            Some(s) => ctx.scope(Some(s))?,
            None => req.scope.clone(),
        };
        let mut vault = ctx.unlock()?;
        let to = grantee(&mut vault, &req)?;
        let held: Vec<_> = match vault.list_sources(&from) {
            Ok(list) => list.into_iter().map(|l| l.meta.key).collect(),
            Err(crate::Error::NotFound { .. }) => Vec::new(),
            Err(e) => return Err(e.into()),
        };
        let (give, lack): (Vec<_>, Vec<_>) =
            req.keys.iter().cloned().partition(|k| held.contains(k));
        show(&name, &req, &to, &from, &give, &lack);
        if give.is_empty() {
            let names: Vec<String> = lack.iter().map(ToString::to_string).collect();
            bail!(crate::Error::NotFound {
                what: format!(
                    "{} in {from} (this vault holds none of the keys asked for; nothing was granted)",
                    names.join(", ")
                ),
                suggestion: None,
            });
        }
        if !self.yes && !confirm(give.len(), &to)? {
            bail!("nothing granted");
        }
        let recipient = Recipient::parse(&req.from.age)?;
        let b = vault.grant(&from, &req.scope, &give, &to)?;
        let secret = vault.signing_secret()?;
        let me = vault.public_identity()?;
        let plain = bundle::encode_signed(&b, &secret, &me, &[recipient.encode()])?;
        let to_terminal = self.output.is_none() && std::io::stdout().is_terminal();
        let recipients = [recipient];
        let data = bundle::encrypt(
            &plain,
            Lock::Recipients(&recipients),
            self.armor || to_terminal,
        )?;
        self.write(&data, give.len(), &to, &me.key.fingerprint())
    }

    /// The request's bytes, at most one more than a request may hold.
    fn read(&self) -> Result<Vec<u8>> {
        let mut data = Vec::new();
        let cap = request::MAX_BYTES as u64 + 1;
        let name = self.file.display().to_string();
        if name == "-" {
            std::io::stdin().lock().take(cap).read_to_end(&mut data)?;
        } else {
            std::fs::File::open(&self.file)
                .and_then(|f| f.take(cap).read_to_end(&mut data))
                .with_context(|| format!("cannot read {name}"))?;
        }
        Ok(data)
    }

    fn write(&self, data: &[u8], n: usize, to: &Grantee, mine: &str) -> Result<()> {
        let keys = if n == 1 { "key" } else { "keys" };
        match &self.output {
            Some(path) => {
                crate::os::private_file::write_private(path, data)?;
                crate::os::console::status!(
                    "Wrote {n} {keys} for {} to {} (mode 0600). Send it; they run `devvault receive {} --trust-new YOUR_NAME` after checking over another channel that it is signed by {mine} (your `devvault identity --fingerprint`).",
                    to.describe(),
                    path.display(),
                    path.display()
                );
            }
            None => {
                let mut out = crate::os::console::stdout();
                out.write_all(data)?;
                out.flush()?;
            }
        }
        Ok(())
    }
}

/// The requester: their trusted name when their signing key is pinned, else none.
fn grantee(vault: &mut crate::Vault, req: &Request) -> Result<Grantee> {
    let mut name = vault
        .trusted()?
        .into_iter()
        .find(|t| {
            crate::signing::PublicIdentity::parse(&t.identity).is_ok_and(|p| p.key == req.from.key)
        })
        .map(|t| t.name);
    if name.is_none() && vault.public_identity()?.key == req.from.key {
        name = Some("yourself".into());
    }
    Ok(Grantee {
        name,
        identity: req.from.clone(),
    })
}

/// Who asks and for what, on stderr (stdout may carry the bundle).
fn show(
    file: &str,
    req: &Request,
    to: &Grantee,
    from: &Scope,
    give: &[crate::KeyName],
    lack: &[crate::KeyName],
) {
    use crate::os::console::status;
    let when = super::output::date(req.created);
    status!(
        "{file}: an access request from {} for {}, made {when} UTC",
        to.describe(),
        req.scope
    );
    if to.name.is_none() {
        let fp = to.identity.key.fingerprint();
        status!(
            "WARNING: UNTRUSTED REQUEST: signed by {fp}, a key this vault does not trust; anyone could have made it."
        );
        status!(
            "  Check that fingerprint with the person over another channel (they see it with `devvault identity --fingerprint`) before granting."
        );
    }
    for k in give {
        status!("  grant    {k}");
    }
    for k in lack {
        status!("  lacking  {k}  (not in {from}: not granted)");
    }
}

fn confirm(n: usize, to: &Grantee) -> Result<bool> {
    if !std::io::stdin().is_terminal() {
        bail!(super::UsageError(
            "not a terminal to confirm on: pass --yes to grant; nothing was granted".into()
        ));
    }
    let keys = if n == 1 { "key" } else { "keys" };
    crate::os::console::prompt(format_args!(
        "Grant {n} {keys} to {}? [y/N] ",
        to.describe()
    ));
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(matches!(line.trim(), "y" | "Y" | "yes"))
}
