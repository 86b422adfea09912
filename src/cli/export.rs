//! `devvault export [SCOPE]`: prints the scope in a format, or writes it to a file with
//! mode 0600 by atomic rename, warning when that file is not git-ignored. The shell format
//! warns, by name, of dangerous names (`crate::dangerous`) it exports.

use crate::{ExportFormat, Scope, Vault};
use anyhow::{Result, bail};
use clap::Args;
use std::path::{Path, PathBuf};

#[derive(Args, Debug)]
pub struct Export {
    /// PROJECT[/ENV] [default: from .devvault.toml]
    scope: Option<String>,
    /// dotenv, shell, json, yaml, docker or k8s
    #[arg(long, short = 'f', default_value = "dotenv", value_parser = parse_format())]
    format: ExportFormat,
    /// Write to FILE (mode 0600, atomic) instead of stdout; `-` is stdout
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    select: super::select::Select,
    /// Replace an existing FILE that is not devvault's own export of this scope
    #[arg(long)]
    force: bool,
    /// Write FILE even though git tracks it (one `commit -a` from publishing the values)
    #[arg(long)]
    allow_tracked: bool,
}

/// The formats by name, so `--help` and completions list them.
fn parse_format() -> impl clap::builder::TypedValueParser<Value = ExportFormat> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(["dotenv", "shell", "json", "yaml", "docker", "k8s"])
        .try_map(|s| s.parse::<ExportFormat>())
}

impl Export {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let scope = ctx.scope(self.scope.as_deref())?;
        let output = self.output.as_ref().filter(|p| p.as_os_str() != "-");
        if let Some(path) = output {
            self.check_target(path)?;
        }
        let mut vault = ctx.unlock()?;
        if let Some(path) = output {
            self.check_replace(&mut vault, path, &scope)?;
        }
        let entries = vault
            .export(&scope)
            .map_err(|e| super::link::suggest_linked_env(self.scope.as_deref(), e))?;
        let entries = self.select.apply(entries)?;
        let refs: Vec<_> = entries.iter().map(|(k, v)| (k, v)).collect();
        let rendered = crate::format::render(self.format, &scope, &refs)?;
        for w in &rendered.warnings {
            crate::os::console::status!("warning: {w}");
        }
        if self.format == ExportFormat::Shell {
            let names: Vec<String> = vault
                .list_sources(&scope)?
                .into_iter()
                .map(|l| l.meta.key.to_string())
                .collect();
            let flagged = crate::dangerous::find(names.iter().map(String::as_str));
            if !flagged.is_empty() {
                crate::os::console::status!(
                    "warning: {scope} sets {}, names that change how programs load code or find binaries; a shell that sources this output uses them",
                    flagged.join(", ")
                );
            }
        }
        match output {
            None => {
                crate::os::console::product(rendered.text.as_bytes())?;
            }
            Some(path) => {
                // What `flows::export_to_file` does, for the keys chosen by --only/--exclude.
                crate::flows::write_recorded(&mut vault, &scope, path, rendered.text.as_bytes())?;
                if crate::os::private_file::is_tracked_risk(path) {
                    crate::os::console::status!(
                        "warning: {} is not git-ignored; add it to .gitignore before it is committed",
                        path.display()
                    );
                }
                let n = entries.len();
                crate::os::console::status!(
                    "Wrote {n} {} of {scope} to {} (mode 0600).",
                    if n == 1 { "key" } else { "keys" },
                    path.display()
                );
            }
        }
        Ok(())
    }

    /// Refuses a folder that does not exist and a file git tracks (unless --allow-tracked).
    fn check_target(&self, path: &Path) -> Result<()> {
        check_target(path, self.allow_tracked)
    }

    /// Refuses to replace an existing file unless --force, or it is devvault's own recorded
    /// export of this scope, unchanged since.
    fn check_replace(&self, vault: &mut Vault, path: &Path, scope: &Scope) -> Result<()> {
        check_replace(vault, path, scope, self.force)
    }
}

/// Refuses a folder that does not exist and a file git tracks (unless --allow-tracked).
pub(super) fn check_target(path: &Path, allow_tracked: bool) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        bail!(crate::Error::NotFound {
            what: format!(
                "folder {} (for {}); create it first, or choose another path",
                dir.display(),
                path.display()
            ),
            suggestion: None,
        });
    }
    if !allow_tracked && crate::os::private_file::is_git_tracked(path) {
        bail!(super::UsageError(format!(
            "{} is tracked by git, so the secrets would be one `git commit -a` from publication; nothing was written. Export elsewhere (and git-ignore it), or pass --allow-tracked",
            path.display()
        )));
    }
    Ok(())
}

/// Refuses to replace an existing file unless --force, or it is devvault's own recorded
/// export of this scope, unchanged since.
pub(super) fn check_replace(
    vault: &mut Vault,
    path: &Path,
    scope: &Scope,
    force: bool,
) -> Result<()> {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return Ok(());
    };
    if force {
        return Ok(());
    }
    let abs = std::path::absolute(path)?;
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(i64::MAX, |d| d.as_secs() as i64);
    let own = meta.is_file()
        && vault
            .exports()?
            .iter()
            .any(|r| r.path == abs && r.scope == scope.to_string() && modified <= r.at);
    if !own {
        bail!(super::UsageError(format!(
            "{} already exists and is not devvault's own export of {scope}; nothing was written. Pass --force to replace it, or choose another path",
            path.display()
        )));
    }
    Ok(())
}
