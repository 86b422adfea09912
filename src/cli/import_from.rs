//! `devvault import [SCOPE] --from FORMAT FILE`: another manager's file or store read by
//! [`crate::migrate`] (its own passphrase asked on a terminal or read from
//! `DEVVAULT_IMPORT_PASSPHRASE[_FILE|_COMMAND]`), mapped to keys (`--prefix`), checked
//! (collisions, the key grammar, dangerous names), previewed, confirmed on a terminal unless
//! `--yes`, then written in one transaction. Without a terminal it writes without asking,
//! as `import FILE` does. Any failure before the write imports nothing.

use super::{Ctx, confirm, incoming};
use crate::migrate::{self, Format};
use crate::model::ImportReport;
use crate::{KeyName, Scope, SecretValue};
use anyhow::Result;
use std::io::Write;
use std::path::Path;

/// The variable naming the source's passphrase (and its `_FILE` / `_COMMAND` forms).
const VAR: &str = "DEVVAULT_IMPORT_PASSPHRASE";

/// What `import --from` was asked for.
pub struct Request<'a> {
    /// The file or store.
    pub file: &'a str,
    /// Put in front of every key name.
    pub prefix: &'a str,
    /// No confirmation on a terminal.
    pub yes: bool,
    /// Dangerous names the user let in.
    pub allow_env: &'a [String],
    /// The report as JSON.
    pub json: bool,
    /// Preview only.
    pub dry_run: bool,
    /// Make a scope close to an existing name.
    pub create: bool,
}

/// Runs `import --from FORMAT` for `cmd`.
pub fn run(cmd: &Request<'_>, ctx: &Ctx, scope: &Scope, from: &str) -> Result<()> {
    let format = super::arg(Format::parse(from))?;
    if cmd.file == "-" {
        anyhow::bail!(super::UsageError(format!(
            "import --from {} reads a file, not stdin (`-`): give the path of the {}",
            format.name(),
            if format == Format::Pass {
                "store's directory"
            } else {
                "export or database"
            }
        )));
    }
    let path = Path::new(cmd.file);
    let source = format!("the {} source {}", format.name(), path.display());
    let items = read(format, path)?;
    for warning in migrate::note_warnings(&items) {
        crate::os::console::status!("{warning}");
    }
    let entries = migrate::entries(items, cmd.prefix)?;
    let flagged = crate::dangerous::find(entries.iter().map(|(k, _, _)| k.as_str()));
    incoming::admit(&flagged, cmd.allow_env, cmd.yes, &source)?;
    let (plain, notes): (Vec<(KeyName, SecretValue)>, Vec<Option<String>>) =
        entries.into_iter().map(|(k, v, n)| ((k, v), n)).unzip();
    let mut vault = ctx.unlock()?;
    let preview = vault.import_preview(scope, &plain)?;
    if cmd.dry_run {
        return report(scope, &preview, cmd.json, true);
    }
    if !cmd.yes && confirm::has_terminal() && changes(&preview) > 0 {
        show(&preview);
        confirm::confirm(
            &format!(
                "Import {} new and {} changed keys from {source} into {scope}?",
                preview.added.len(),
                preview.changed.len()
            ),
            false,
        )?;
    }
    super::creation::check(&mut vault, scope, cmd.create)?;
    let noted: Vec<(KeyName, SecretValue, Option<String>)> = plain
        .into_iter()
        .zip(notes)
        .map(|((k, v), n)| (k, v, n))
        .collect();
    let done = vault
        .import_noted(scope, &noted)
        .map_err(|e| super::check_with(e, format!("devvault ls {scope}")))?;
    report(scope, &done, cmd.json, false)
}

/// Prints an import's report: `+`/`~`/`=` per key and a count line, or JSON with `json`
/// (`import FILE` prints the same).
pub fn report(scope: &Scope, report: &ImportReport, json: bool, dry_run: bool) -> Result<()> {
    if json {
        return super::output::json_report(report);
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
        if dry_run {
            " (dry run: nothing written)"
        } else {
            ""
        }
    )?;
    Ok(())
}

/// Every item of the source, or the error: the passphrase source's own (a locked source
/// with no way to ask is exit 3) or the reader's.
fn read(format: Format, path: &Path) -> Result<Vec<migrate::Item>> {
    let mut failed: Option<anyhow::Error> = None;
    let mut ask = || source_passphrase(path, &mut failed);
    let read = migrate::read(format, path, &mut ask);
    match (read, failed) {
        (Ok(items), _) => Ok(items),
        // The keys at hand were wrong and none could be asked for: the reader's error names them.
        (Err(e @ crate::Error::SourceLocked { .. }), _) => Err(e.into()),
        (Err(_), Some(asked)) => Err(asked),
        (Err(e), None) => Err(e.into()),
    }
}

/// The source's passphrase: `DEVVAULT_IMPORT_PASSPHRASE_FILE`, `_COMMAND`, the variable
/// itself, else asked (no echo) on the terminal. Without any, the error is kept in `failed`.
fn source_passphrase(
    path: &Path,
    failed: &mut Option<anyhow::Error>,
) -> crate::Result<SecretValue> {
    let set = ["_FILE", "_COMMAND", ""]
        .iter()
        .any(|s| std::env::var_os(format!("{VAR}{s}")).is_some());
    let got = if set || confirm::has_terminal() {
        crate::os::passphrase::passphrase_from(VAR, &format!("Passphrase for {}: ", path.display()))
    } else {
        Err(crate::os::passphrase::Locked(format!(
            "no passphrase for {}: there is no terminal to ask on; set {VAR}_FILE (a file \
             holding it) or {VAR}",
            path.display()
        ))
        .into())
    };
    match got {
        Ok(p) => Ok(SecretValue::new(p.expose_secret().to_string())),
        Err(e) => {
            let shown = format!("{e:#}");
            *failed = Some(e);
            Err(crate::Error::invalid(shown, "give the source's passphrase"))
        }
    }
}

/// How many keys the import would add or change.
fn changes(r: &ImportReport) -> usize {
    r.added.len() + r.changed.len()
}

/// The preview on stderr, before the question: one line per key that would change.
fn show(r: &ImportReport) {
    for (word, list) in [("added", &r.added), ("changed", &r.changed)] {
        for k in list {
            crate::os::console::status!("  {word:<9} {k}");
        }
    }
    if !r.unchanged.is_empty() {
        crate::os::console::status!("  ({} unchanged)", r.unchanged.len());
    }
}
