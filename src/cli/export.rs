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
        if self.format == ExportFormat::Shell {
            let names: Vec<String> = vault
                .list(&scope)?
                .into_iter()
                .map(|m| m.key.to_string())
                .collect();
            let flagged = crate::dangerous::find(names.iter().map(String::as_str));
            if !flagged.is_empty() {
                eprintln!(
                    "warning: {scope} sets {}, names that change how programs load code or find binaries; a shell that sources this output uses them",
                    flagged.join(", ")
                );
            }
        }
        match &self.output {
            None => {
                let entries = vault.export(&scope)?;
                let refs: Vec<_> = entries.iter().map(|(k, v)| (k, v)).collect();
                let rendered = crate::format::render(self.format, &scope, &refs)?;
                for w in &rendered.warnings {
                    eprintln!("warning: {w}");
                }
                let mut out = std::io::stdout().lock();
                out.write_all(rendered.text.as_bytes())?;
                out.flush()?;
            }
            Some(path) => {
                let done = crate::flows::export_to_file(&mut vault, &scope, self.format, path)?;
                for w in &done.warnings {
                    eprintln!("warning: {w}");
                }
                if done.not_ignored {
                    eprintln!(
                        "warning: {} is not git-ignored; add it to .gitignore before it is committed",
                        path.display()
                    );
                }
                eprintln!(
                    "wrote {} keys of {scope} to {} (mode 0600)",
                    done.count,
                    path.display()
                );
            }
        }
        Ok(())
    }
}
