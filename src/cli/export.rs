//! `devvault export [SCOPE]`: prints the scope in a format, or writes it to a file with
//! mode 0600 by atomic rename, warning when that file is not git-ignored.

use anyhow::{Context, Result};
use clap::Args;
use devvault::ExportFormat;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Args, Debug)]
pub struct Export {
    /// PROJECT[/ENV] [default: from .devvault.toml]
    scope: Option<String>,
    /// dotenv, shell, json, yaml, docker or k8s
    #[arg(long, short = 'f', default_value = "dotenv", value_parser = parse_format)]
    format: ExportFormat,
    /// Write to FILE (mode 0600, atomic) instead of stdout
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
}

fn parse_format(s: &str) -> Result<ExportFormat, String> {
    s.parse().map_err(|e: devvault::Error| e.to_string())
}

impl Export {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let scope = ctx.scope(self.scope.as_deref())?;
        let entries = ctx.unlock()?.export(&scope)?;
        let refs: Vec<_> = entries.iter().map(|(k, v)| (k, v)).collect();
        let rendered = devvault::format::render(self.format, &scope, &refs)?;
        for w in &rendered.warnings {
            eprintln!("warning: {w}");
        }
        match &self.output {
            None => {
                let mut out = std::io::stdout().lock();
                out.write_all(rendered.text.as_bytes())?;
                out.flush()?;
            }
            Some(path) => {
                write_private(path, rendered.text.as_bytes())?;
                if is_tracked_risk(path) {
                    eprintln!(
                        "warning: {} is not git-ignored; add it to .gitignore before it is committed",
                        path.display()
                    );
                }
                eprintln!(
                    "wrote {} keys of {scope} to {} (mode 0600)",
                    entries.len(),
                    path.display()
                );
            }
        }
        Ok(())
    }
}

/// Writes `bytes` to `path` through a 0600 temporary file in the same directory, then renames.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".devvault-export")
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a file in {}", dir.display()))?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// True when `path` is inside a git work tree and git does not ignore it.
fn is_tracked_risk(path: &Path) -> bool {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let Some(name) = path.file_name() else {
        return false;
    };
    let status = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["check-ignore", "-q", "--"])
        .arg(name)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
    // 0: ignored; 1: not ignored; 128: not a repository (nothing to commit it to).
    matches!(status.map(|s| s.code()), Ok(Some(1)))
}
