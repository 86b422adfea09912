//! `devvault run [SCOPE] -- CMD ARGS..`: replaces this process with CMD, the scope's
//! variables added to its environment. No file is written; CMD's exit code is the result.
//!
//! The child gets its scope and nothing else: every `DEVVAULT_*` variable (passphrase
//! sources, the vault path) is removed from its environment unless `--allow-env` names it,
//! and it runs in a new, empty session keyring, so a `devvault` it starts cannot use the
//! session unlock of the login session.

use anyhow::{Result, bail};
use clap::Args;
use std::os::unix::process::CommandExt;

/// The prefix of devvault's own variables, none of which reaches a child unless named.
const OWN_PREFIX: &str = "DEVVAULT_";

#[derive(Args, Debug)]
pub struct Run {
    /// PROJECT[/ENV] [default: from .devvault.toml]
    scope: Option<String>,
    /// Let the variable NAME through to the command although devvault would remove it
    /// (e.g. DEVVAULT_VAULT); repeatable
    #[arg(long = "allow-env", value_name = "NAME")]
    allow_env: Vec<String>,
    /// The command and its arguments, after `--`
    #[arg(last = true, required = true, value_name = "CMD")]
    cmd: Vec<String>,
}

impl Run {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let scope = ctx.scope(self.scope.as_deref())?;
        let entries = ctx
            .unlock()?
            .export_for(&scope, crate::audit::EventKind::Run)?;
        let mut cmd = std::process::Command::new(&self.cmd[0]);
        cmd.args(&self.cmd[1..]);
        for (name, _) in std::env::vars_os() {
            let text = name.to_string_lossy();
            if text.starts_with(OWN_PREFIX) && !self.allowed(&text) {
                cmd.env_remove(&name);
            }
        }
        for (key, value) in &entries {
            if key.as_str().starts_with(OWN_PREFIX) && !self.allowed(key.as_str()) {
                eprintln!(
                    "warning: {key} of {scope} is not given to the command (devvault's own variables never are); pass --allow-env {key} to give it"
                );
                continue;
            }
            if value.expose_secret().contains('\0') {
                bail!(
                    "{key} holds a NUL byte, which no environment variable can carry; remove it or use `devvault export`"
                );
            }
            cmd.env(key.as_str(), value.expose_secret());
        }
        crate::os::session::detach()?;
        // exec only returns on failure.
        let err = cmd.exec();
        Err(anyhow::Error::new(RunError(format!(
            "cannot run `{}`: {err}",
            self.cmd[0]
        ))))
    }

    fn allowed(&self, name: &str) -> bool {
        self.allow_env.iter().any(|a| a == name)
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
