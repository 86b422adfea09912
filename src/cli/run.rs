//! `devvault run [SCOPE] -- CMD ARGS..`: replaces this process with CMD, the scope's
//! variables added to its environment. No file is written; CMD's exit code is the result.

use anyhow::{Result, bail};
use clap::Args;
use std::os::unix::process::CommandExt;

#[derive(Args, Debug)]
pub struct Run {
    /// PROJECT[/ENV] [default: from .devvault.toml]
    scope: Option<String>,
    #[command(flatten)]
    select: super::select::Select,
    /// Keep variables already set in the environment instead of the vault's values
    #[arg(long)]
    no_override: bool,
    /// The command and its arguments, after `--`
    #[arg(last = true, required = true, value_name = "CMD")]
    cmd: Vec<String>,
}

impl Run {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let scope = ctx.scope(self.scope.as_deref())?;
        let entries = ctx
            .unlock()?
            .export_for(&scope, crate::audit::EventKind::Run)
            .map_err(|e| super::link::suggest_linked_env(self.scope.as_deref(), e))?;
        let entries = self.select.apply(entries)?;
        let mut cmd = std::process::Command::new(&self.cmd[0]);
        cmd.args(&self.cmd[1..]);
        for (key, value) in &entries {
            if self.no_override && std::env::var_os(key.as_str()).is_some() {
                continue;
            }
            if value.expose_secret().contains('\0') {
                bail!(
                    "{key} holds a NUL byte, which no environment variable can carry; remove it or use `devvault export`"
                );
            }
            cmd.env(key.as_str(), value.expose_secret());
        }
        // exec only returns on failure.
        let err = cmd.exec();
        Err(anyhow::Error::new(RunError(format!(
            "cannot run `{}`: {err}",
            self.cmd[0]
        ))))
    }
}

/// The command could not be started: exit code 127, as shells use.
#[derive(Debug)]
pub struct RunError(pub String);

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RunError {}
