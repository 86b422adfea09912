//! `devvault export [SCOPE]`: prints the scope in a format, or writes it to a file with
//! mode 0600 by atomic rename, warning when that file is not git-ignored.

use anyhow::Result;
use clap::Args;
use devvault::ExportFormat;
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
    s.parse().map_err(|e: devvault::Error| e.to_string())
}

impl Export {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let scope = ctx.scope(self.scope.as_deref())?;
        let mut vault = ctx.unlock()?;
        let entries = vault.export(&scope)?;
        let refs: Vec<_> = entries.iter().map(|(k, v)| (k, v)).collect();
        let rendered = devvault::format::render(self.format, &scope, &refs)?;
        for w in &rendered.warnings {
            super::console::status!("warning: {w}");
        }
        match &self.output {
            None => {
                let mut out = super::console::stdout();
                out.write_all(rendered.text.as_bytes())?;
                out.flush()?;
            }
            Some(path) => {
                // Recorded (sealed) before the file takes its name, so that `devvault doctor`
                // can list every copy left on disk: when recording fails, the staged file is
                // removed and nothing is left behind.
                let staged = crate::private_file::stage(path, rendered.text.as_bytes())?;
                if let Err(e) = vault.record_export(path, &scope) {
                    drop(staged);
                    let e = super::check_with(e, "devvault doctor".into());
                    return Err(anyhow::Error::new(e).context(format!(
                        "{} was not written: the export could not be recorded",
                        path.display()
                    )));
                }
                staged.commit()?;
                if crate::private_file::is_tracked_risk(path) {
                    super::console::status!(
                        "warning: {} is not git-ignored; add it to .gitignore before it is committed",
                        path.display()
                    );
                }
                super::console::status!(
                    "wrote {} keys of {scope} to {} (mode 0600)",
                    entries.len(),
                    path.display()
                );
            }
        }
        Ok(())
    }
}
