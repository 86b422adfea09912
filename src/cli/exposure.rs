//! `devvault exposure [SCOPE] KEY` and `devvault exposure --to NAME`: the exposure ledger
//! (who received which keys at which versions, by `share`, `grant`, `push` and
//! `offboard`'s re-shares), for one key or for one teammate, recipient or remote; `--json`.
//! Names and versions only, never a value.

use super::output::date;
use crate::vault::{Exposure as Line, Receiver};
use crate::{KeyName, Scope, Vault};
use anyhow::{Result, bail};
use clap::Args;
use serde::Serialize;

#[derive(Args, Debug)]
#[command(allow_missing_positional = true)]
pub struct Exposure {
    /// PROJECT[/ENV] [default: the scope in .devvault.toml]
    #[arg(add = super::complete::scopes())]
    scope: Option<String>,
    /// The key whose receivers to list
    #[arg(add = super::complete::keys())]
    key: Option<String>,
    /// List what NAME received instead: a trusted teammate, a remote, or a recipient (age1...)
    #[arg(long, value_name = "NAME", conflicts_with_all = ["scope", "key"])]
    to: Option<String>,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

/// A ledger line with whether the key is still at that version.
#[derive(Serialize)]
struct Row<'a> {
    #[serde(flatten)]
    line: &'a Line,
    /// The key's version now (None: the key or its scope is gone).
    current_version: Option<u32>,
}

impl Exposure {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        if let Some(name) = &self.to {
            return self.to_name(ctx, name);
        }
        // One positional is the key, the scope coming from the link file.
        let (scope, key) = match (&self.scope, &self.key) {
            (Some(k), None) => (None, k.as_str()),
            (s, Some(k)) => (s.as_deref(), k.as_str()),
            (None, None) => bail!(super::UsageError(
                "say which key (`devvault exposure [SCOPE] KEY`) or whom (`--to NAME`)".into()
            )),
        };
        let (scope, key) = super::set::scope_and_key(ctx, scope, key)?;
        let mut vault = ctx.unlock()?;
        let lines: Vec<Line> = vault
            .exposures()?
            .into_iter()
            .filter(|l| l.scope == scope.to_string() && l.key == key.as_str())
            .collect();
        let current = current_version(&mut vault, &scope, &key)?;
        if self.json {
            let rows: Vec<Row<'_>> = lines
                .iter()
                .map(|line| Row {
                    line,
                    current_version: current,
                })
                .collect();
            return super::output::json(&rows);
        }
        if lines.is_empty() {
            crate::os::console::status!("{key} in {scope} was never shared, granted or pushed");
            return Ok(());
        }
        match current {
            Some(v) => crate::os::console::outln!("{scope} {key} (now version {v})")?,
            None => crate::os::console::outln!("{scope} {key} (no longer in the vault)")?,
        }
        for l in &lines {
            let mark = if Some(l.version) == current {
                "  current"
            } else {
                ""
            };
            crate::os::console::outln!(
                "  v{:<4} {:<8} {}  {}{mark}",
                l.version,
                l.via.as_str(),
                date(l.at),
                crate::text::escape(&l.to.label())
            )?;
        }
        Ok(())
    }

    /// `--to NAME`: every key NAME received, with its current version.
    fn to_name(&self, ctx: &super::Ctx, name: &str) -> Result<()> {
        let mut vault = ctx.unlock()?;
        let trusted = vault.trusted()?;
        let person = trusted.iter().find(|t| t.name == name);
        let (fp, age) = match person {
            Some(t) => (
                t.fingerprint(),
                t.identity
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_string(),
            ),
            None => (String::new(), name.to_string()),
        };
        let is_remote = vault.remotes()?.iter().any(|r| r.name == name);
        let lines: Vec<Line> = vault
            .exposures()?
            .into_iter()
            .filter(|l| {
                l.to.is_person(name, &fp, &age)
                    || matches!(&l.to, Receiver::Remote { name: n } if n == name)
            })
            .collect();
        if lines.is_empty() && person.is_none() && !is_remote {
            let names: Vec<&str> = trusted.iter().map(|t| t.name.as_str()).collect();
            bail!(crate::Error::not_found(
                format!(
                    "`{}` as a trusted teammate, a remote or a recipient that received keys",
                    crate::preview::printable(name)
                ),
                name,
                names
            ));
        }
        let mut rows = Vec::with_capacity(lines.len());
        for line in &lines {
            let current = match (Scope::parse_stored(&line.scope), KeyName::new(&line.key)) {
                (Ok(s), Ok(k)) => current_version(&mut vault, &s, &k)?,
                _ => None,
            };
            rows.push(Row {
                line,
                current_version: current,
            });
        }
        if self.json {
            return super::output::json(&rows);
        }
        if rows.is_empty() {
            crate::os::console::status!("{name} received no keys from this vault");
        }
        let names: Vec<String> = rows
            .iter()
            .map(|r| format!("{} {}", r.line.scope, r.line.key))
            .collect();
        let w = super::output::width(names.iter().map(|n| n.chars().count()), 0);
        for (r, shown) in rows.iter().zip(&names) {
            let l = r.line;
            let now = match r.current_version {
                Some(v) if v == l.version => "current".to_string(),
                Some(v) => format!("now v{v}"),
                None => "gone".to_string(),
            };
            crate::os::console::outln!(
                "{shown:<w$}  v{:<4} {:<8} {}  {now}",
                l.version,
                l.via.as_str(),
                date(l.at)
            )?;
        }
        Ok(())
    }
}

/// The key's version now; None when the key or its scope is gone.
fn current_version(vault: &mut Vault, scope: &Scope, key: &KeyName) -> Result<Option<u32>> {
    if !vault.has_scope(scope)? {
        return Ok(None);
    }
    Ok(vault
        .list(scope)?
        .into_iter()
        .find(|m| &m.key == key && m.inherited_from.is_none())
        .map(|m| m.version))
}
