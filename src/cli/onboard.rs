//! `devvault onboard [SCOPE]`: reads the repository's `.env.example` and fills the keys the
//! scope lacks: a no-echo prompt for each on a terminal (empty skips), or with `--stdin` one
//! value a line in the order listed. Without a terminal or `--stdin`: lists them, exit 1.
//! `--request` writes a signed request for a teammate's `grant` instead (`onboard_request.rs`).

use crate::{KeyName, SecretValue};
use anyhow::{Context, Result, bail};
use clap::Args;
use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use zeroize::Zeroizing;

#[derive(Args, Debug)]
pub struct Onboard {
    /// PROJECT[/ENV] [default: from .devvault.toml]
    scope: Option<String>,
    /// The example file [default: .env.example here, else beside .devvault.toml]
    #[arg(long, short = 'f', value_name = "FILE")]
    file: Option<PathBuf>,
    /// Read the missing values from stdin, one a line, in the order `onboard` lists them
    #[arg(long)]
    stdin: bool,
    /// Store an empty value for an empty line or entry (otherwise it skips the key)
    #[arg(long)]
    allow_empty: bool,
    /// Make the project or environment even when its name is close to an existing one
    #[arg(long)]
    create: bool,
    /// Instead of asking for values, write a signed request for the keys the schema requires
    /// that the scope lacks, for a teammate's `devvault grant` (stdout, or -o FILE)
    #[arg(long, conflicts_with_all = ["stdin", "allow_empty", "create"])]
    request: bool,
    /// With --request: write the request to FILE (mode 0600)
    #[arg(long, short = 'o', value_name = "FILE", requires = "request")]
    output: Option<PathBuf>,
}

pub(super) fn example_file(given: Option<&PathBuf>) -> Result<PathBuf> {
    if let Some(f) = given {
        return Ok(f.clone());
    }
    let cwd = std::env::current_dir()?;
    for dir in cwd.ancestors() {
        let f = dir.join(".env.example");
        if f.is_file() {
            return Ok(f);
        }
        if dir.join(".devvault.toml").is_file() || dir.join(".git").exists() {
            break;
        }
    }
    bail!(crate::Error::NotFound {
        what: format!(".env.example in {} (pass --file FILE)", cwd.display()),
        suggestion: None,
    })
}

/// The values to import, key by key.
type Values = Vec<(KeyName, SecretValue)>;

impl Onboard {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let scope = ctx.scope(self.scope.as_deref())?;
        let file = example_file(self.file.as_ref())?;
        if self.request {
            return super::onboard_request::run(ctx, &scope, &file, self.output.as_deref());
        }
        let name = file.display().to_string();
        let text = std::fs::read_to_string(&file).with_context(|| format!("cannot read {name}"))?;
        let wanted: Vec<(KeyName, Vec<String>)> = crate::dotenv::parse(&text, &name)?
            .into_iter()
            .map(|e| (e.key, crate::dotenv::comments_above(&text, e.line)))
            .collect();
        let mut vault = ctx.unlock()?;
        // Keys the scope inherits count as present: only what it lacks is asked for.
        let have: Vec<KeyName> = match vault.list_sources(&scope) {
            Ok(list) => list.into_iter().map(|l| l.meta.key).collect(),
            Err(crate::Error::NotFound { .. }) => Vec::new(),
            Err(e) => return Err(e.into()),
        };
        let missing: Vec<&(KeyName, Vec<String>)> =
            wanted.iter().filter(|(k, _)| !have.contains(k)).collect();
        if missing.is_empty() {
            crate::os::console::status!("{scope} has every key of {name}.");
            return Ok(());
        }
        let n = missing.len();
        let what = format!(
            "{n} {} of {name} missing from {scope}",
            if n == 1 { "key" } else { "keys" }
        );
        if self.stdin || std::io::stdin().is_terminal() {
            super::creation::check(&mut vault, &scope, self.create)?;
        }
        let (values, unread) = self.values(&missing, &what)?;
        let report = if values.is_empty() {
            Default::default()
        } else {
            vault.import(&scope, &values)?
        };
        let skipped = n - values.len();
        crate::os::console::status!("{scope}: {} added, {skipped} skipped.", report.added.len());
        if !unread.is_empty() {
            bail!(
                "stdin ended before the values of {}; they were skipped (give one line per key, in the order listed)",
                unread.join(", ")
            );
        }
        Ok(())
    }

    /// The values typed (no echo) or piped in for `missing` (an empty one skips its key
    /// unless --allow-empty), and the keys stdin had no line for.
    fn values(
        &self,
        missing: &[&(KeyName, Vec<String>)],
        what: &str,
    ) -> Result<(Values, Vec<String>)> {
        let mut values = Vec::new();
        let mut unread = Vec::new();
        let allow_empty = self.allow_empty;
        let mut keep = |key: &KeyName, v: &str| {
            if !v.is_empty() || allow_empty {
                values.push((key.clone(), SecretValue::new(v.to_string())));
            }
        };
        if self.stdin {
            let mut lines = std::io::stdin().lock().lines();
            for (key, _) in missing {
                match lines.next().transpose()? {
                    Some(line) => {
                        let line = Zeroizing::new(line);
                        keep(key, line.strip_suffix('\r').unwrap_or(&line));
                    }
                    None => unread.push(key.to_string()),
                }
            }
            if unread.len() == missing.len() {
                bail!(super::UsageError(format!(
                    "stdin was empty; nothing was changed ({what}: one value a line, in order)"
                )));
            }
        } else if std::io::stdin().is_terminal() {
            crate::os::console::status!("{what}:");
            for (key, comments) in missing {
                for c in comments {
                    let shown: String = c
                        .chars()
                        .map(|ch| if ch.is_control() { '?' } else { ch })
                        .collect();
                    crate::os::console::status!("  # {shown}");
                }
                let label = format!("{key} (hidden, empty skips): ");
                let v = super::hidden::read_hidden(&label, false)?;
                keep(key, &v);
            }
        } else {
            for (key, _) in missing {
                crate::os::console::outln!("{key}")?;
            }
            bail!(
                "{what}; run `devvault onboard` in a terminal, or pipe the values in with --stdin"
            );
        }
        Ok((values, unread))
    }
}
