//! `devvault onboard [SCOPE]`: reads the repository's `.env.example` and fills the keys the
//! scope lacks: a no-echo prompt for each on a terminal (empty skips), or with `--stdin` one
//! value a line in the order listed. Without a terminal or `--stdin`: lists them, exit 1.

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
}

fn example_file(given: Option<&PathBuf>) -> Result<PathBuf> {
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

impl Onboard {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let scope = ctx.scope(self.scope.as_deref())?;
        let file = example_file(self.file.as_ref())?;
        let name = file.display().to_string();
        let text = std::fs::read_to_string(&file).with_context(|| format!("cannot read {name}"))?;
        let wanted: Vec<KeyName> = crate::dotenv::parse(&text, &name)?
            .into_iter()
            .map(|e| e.key)
            .collect();
        let mut vault = ctx.unlock()?;
        let have: Vec<KeyName> = match vault.list(&scope) {
            Ok(list) => list.into_iter().map(|m| m.key).collect(),
            Err(crate::Error::NotFound { .. }) => Vec::new(),
            Err(e) => return Err(e.into()),
        };
        let missing: Vec<&KeyName> = wanted.iter().filter(|k| !have.contains(k)).collect();
        if missing.is_empty() {
            eprintln!("{scope} has every key of {name}");
            return Ok(());
        }
        let what = format!("{} key(s) of {name} missing from {scope}", missing.len());
        let values = self.values(&missing, &what)?;
        let report = vault.import(&scope, &values)?;
        let skipped = missing.len() - values.len();
        eprintln!("{scope}: {} added, {skipped} skipped", report.added.len());
        Ok(())
    }

    /// The values typed (no echo) or piped in for `missing`; an empty one skips its key.
    fn values(&self, missing: &[&KeyName], what: &str) -> Result<Vec<(KeyName, SecretValue)>> {
        let mut values = Vec::new();
        let mut keep = |key: &KeyName, v: &str| {
            if !v.is_empty() {
                values.push((key.clone(), SecretValue::new(v.to_string())));
            }
        };
        if self.stdin {
            let mut lines = std::io::stdin().lock().lines();
            for key in missing {
                let line = Zeroizing::new(lines.next().transpose()?.unwrap_or_default());
                keep(key, line.strip_suffix('\r').unwrap_or(&line));
            }
        } else if std::io::stdin().is_terminal() {
            eprintln!("{what}:");
            for key in missing {
                let v = rpassword::prompt_password(format!("{key} (hidden, empty skips): "))
                    .context("cannot read from the terminal")?;
                keep(key, &Zeroizing::new(v));
            }
        } else {
            for key in missing {
                println!("{key}");
            }
            bail!(
                "{what}; run `devvault onboard` in a terminal, or pipe the values in with --stdin"
            );
        }
        Ok(values)
    }
}
