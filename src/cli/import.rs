//! `devvault import [SCOPE] FILE`: loads a .env file (`-` = stdin) in one transaction and
//! reports, per key name, what was added, changed or already the same.

use crate::flows::Input;
use crate::{KeyName, SecretValue};
use anyhow::Result;
use clap::Args;
use std::io::Write;

#[derive(Args, Debug)]
#[command(allow_missing_positional = true)]
pub struct Import {
    /// PROJECT[/ENV] [default: the scope in .devvault.toml]
    #[arg(add = super::complete::scopes())]
    scope: Option<String>,
    /// The .env file (`-` = stdin)
    #[arg(value_hint = clap::ValueHint::FilePath)]
    file: String,
    /// Print the report as JSON
    #[arg(long)]
    json: bool,
    /// Show what would be added, changed or unchanged; write nothing
    #[arg(long)]
    dry_run: bool,
    /// Make the project or environment even when its name is close to an existing one
    #[arg(long)]
    create: bool,
}

impl Import {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let scope = ctx.scope(self.scope.as_deref())?;
        let input = Input::from_arg(&self.file);
        let bytes = input.read()?;
        let origin = input.name();
        let text = std::str::from_utf8(&bytes)
            .map_err(|e| anyhow::anyhow!("{origin}: not UTF-8 text (byte {})", e.valid_up_to()))?;
        let origin = origin.as_str();
        let parsed = crate::dotenv::parse(text, origin)?;
        let repeated: Vec<&str> = parsed
            .iter()
            .filter(|e| e.repeated)
            .map(|e| e.key.as_str())
            .collect();
        if !repeated.is_empty() {
            crate::os::console::status!(
                "warning: {origin} sets {} more than once; the last value is the one imported",
                repeated.join(", ")
            );
        }
        let entries: Vec<(KeyName, SecretValue, Option<String>)> = parsed
            .into_iter()
            .map(|e| {
                let note = crate::dotenv::comments_above(text, e.line).join("\n");
                (e.key, e.value, Some(note).filter(|n| !n.is_empty()))
            })
            .collect();
        let mut vault = ctx.unlock()?;
        let report = if self.dry_run {
            let plain: Vec<(KeyName, SecretValue)> =
                entries.into_iter().map(|(k, v, _)| (k, v)).collect();
            vault.import_preview(&scope, &plain)?
        } else {
            super::creation::check(&mut vault, &scope, self.create)?;
            vault
                .import_noted(&scope, &entries)
                .map_err(|e| super::check_with(e, format!("devvault ls {scope}")))?
        };
        if self.json {
            return super::output::json_report(&report);
        }
        let mut out = crate::os::console::report_stdout();
        for (mark, list) in [
            ("+", &report.added),
            ("~", &report.changed),
            ("=", &report.unchanged),
        ] {
            for k in list.iter() {
                writeln!(out, "{mark} {k}")?;
            }
        }
        writeln!(
            out,
            "{scope}: {} added, {} changed, {} unchanged{}",
            report.added.len(),
            report.changed.len(),
            report.unchanged.len(),
            if self.dry_run {
                " (dry run: nothing written)"
            } else {
                ""
            }
        )?;
        Ok(())
    }
}
