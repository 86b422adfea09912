//! `devvault export [SCOPE]`: prints the scope in a format, or writes it to a file with
//! mode 0600 by atomic rename, warning when that file is not git-ignored. The shell format
//! warns, by name, of dangerous names (`crate::dangerous`) it exports.

use crate::ExportFormat;
use anyhow::Result;
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

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
    s.parse().map_err(|e: crate::Error| e.to_string())
}

impl Export {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let scope = ctx.scope(self.scope.as_deref())?;
        let mut vault = ctx.unlock()?;
        let entries = vault.export(&scope)?;
        let refs: Vec<_> = entries.iter().map(|(k, v)| (k, v)).collect();
        let rendered = crate::format::render(self.format, &scope, &refs)?;
        for w in &rendered.warnings {
            eprintln!("warning: {w}");
        }
        if self.format == ExportFormat::Shell {
            let flagged = crate::dangerous::find(entries.iter().map(|(k, _)| k.as_str()));
            if !flagged.is_empty() {
                eprintln!(
                    "warning: {scope} sets {}, names that change how programs load code or find binaries; a shell that sources this output uses them",
                    flagged.join(", ")
                );
            }
        }
        match &self.output {
            None => {
                let mut out = std::io::stdout().lock();
                out.write_all(rendered.text.as_bytes())?;
                out.flush()?;
            }
            Some(path) => {
                crate::os::private_file::write_private(path, rendered.text.as_bytes())?;
                // Recorded (sealed) so that `devvault doctor` can list copies left on disk.
                vault.record_export(path, &scope)?;
                if crate::os::private_file::is_tracked_risk(path) {
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
