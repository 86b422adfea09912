//! `devvault history [SCOPE] KEY`: the versions of a key, with dates and what made them;
//! values only with `--reveal` (each reveal is recorded in the audit log).

use super::output::date;
use crate::KeyName;
use crate::rotation::VersionInfo;
use anyhow::Result;
use clap::Args;
use serde::Serialize;
use std::io::Write;

#[derive(Args, Debug)]
#[command(allow_missing_positional = true)]
pub struct History {
    /// PROJECT[/ENV] [default: the scope in .devvault.toml]
    #[arg(add = super::complete::scopes())]
    scope: Option<String>,
    /// The key
    #[arg(add = super::complete::keys())]
    key: String,
    /// Print every version's value too (recorded in the audit log)
    #[arg(long)]
    reveal: bool,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Row<'a> {
    #[serde(flatten)]
    info: &'a VersionInfo,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<String>,
}

impl History {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let scope = ctx.scope(self.scope.as_deref())?;
        // Lenient: a key stored before the length limit can still be read and removed.
        let key = super::arg(KeyName::stored(&self.key))?;
        let mut vault = ctx.unlock()?;
        let versions = vault.history(&scope, &key)?;
        let mut rows = Vec::with_capacity(versions.len());
        for info in &versions {
            let value = match self.reveal {
                true => {
                    let v = vault.history_value(&scope, &key, u64::from(info.version))?;
                    Some(v.expose_secret().to_string())
                }
                false => None,
            };
            rows.push(Row { info, value });
        }
        if self.json {
            return super::output::json(&rows);
        }
        print_table(&rows)
    }
}

fn state(info: &VersionInfo) -> String {
    match (info.current, info.removed_at) {
        (true, _) => "current".into(),
        (false, Some(at)) => format!("removed {}", date(at)),
        _ => String::new(),
    }
}

fn print_table(rows: &[Row<'_>]) -> Result<()> {
    let mut out = crate::os::console::stdout();
    writeln!(
        out,
        "VERSION  CREATED           BY        STATE                    NOTE"
    )?;
    for r in rows {
        let i = r.info;
        let mut note = i
            .note
            .as_deref()
            .map(crate::text::escape)
            .unwrap_or_default();
        if let Some(from) = i.restored_from {
            note = format!("value of version {from} {note}")
                .trim_end()
                .to_string();
        }
        let line = format!(
            "{:>7}  {}  {:8}  {:23}  {note}",
            i.version,
            date(i.created),
            i.change.as_str(),
            state(i)
        );
        writeln!(out, "{}", line.trim_end())?;
        if let Some(v) = &r.value {
            writeln!(out, "         value: {}", v.escape_debug())?;
        }
    }
    Ok(())
}
