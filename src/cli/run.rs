//! `devvault run [SCOPE] -- CMD ARGS..`: replaces this process with CMD, the scope's
//! variables added to its environment. No file is written; CMD's exit code is the result.
//! A scope holding dangerous names (`crate::dangerous`: PATH, BASH_ENV, NODE_OPTIONS,
//! GIT_*...) starts nothing unless each is allowed (`--allow-env NAME`, or `devvault
//! allow-env`). CMD is found with devvault's own PATH, never the scope's.
//!
//! The child gets its scope and nothing else: every `DEVVAULT_*` variable of devvault's
//! own environment (passphrase sources, the vault path) is removed unless `--allow-env`
//! names it, and it runs in a new, empty session keyring, so a `devvault` it starts cannot
//! use the session unlock of the login session.
//!
//! With `--redact` (or DEVVAULT_REDACT=1, or `devvault redact on SCOPE`) devvault stays
//! and relays the command's output with the scope's values replaced (`run_redact.rs`).

use anyhow::{Result, bail};
use clap::Args;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};

/// The prefix of devvault's own variables, none of which reaches a child unless named.
const OWN_PREFIX: &str = "DEVVAULT_";

#[derive(Args, Debug)]
pub struct Run {
    /// PROJECT[/ENV] [default: from .devvault.toml]
    scope: Option<String>,
    #[command(flatten)]
    select: super::select::Select,
    /// Keep variables already set in the environment instead of the vault's values
    #[arg(long)]
    no_override: bool,
    /// Give the child this dangerous name (PATH, BASH_ENV, NODE_OPTIONS, GIT_*...), or let
    /// devvault's own DEVVAULT_* variable NAME through from its environment; repeatable
    #[arg(long, value_name = "NAME")]
    allow_env: Vec<String>,
    /// Replace the scope's values (and their base64, URL and JSON forms) in the command's
    /// output with [devvault:KEY]; the default when DEVVAULT_REDACT=1 or `devvault redact
    /// on SCOPE`
    #[arg(long, conflicts_with = "no_redact")]
    redact: bool,
    /// Do not redact, even when DEVVAULT_REDACT=1 or the scope redacts by default
    #[arg(long)]
    no_redact: bool,
    /// The command and its arguments, after `--`
    #[arg(last = true, required = true, value_name = "CMD")]
    cmd: Vec<String>,
}

impl Run {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let scope = ctx.scope(self.scope.as_deref())?;
        let program = resolve(&self.cmd[0])?;
        let mut vault = ctx.unlock()?;
        let entries = vault
            .export_for_run(&scope, &self.allow_env)
            .map_err(|e| super::link::suggest_linked_env(self.scope.as_deref(), e))?;
        let entries = self.select.apply(entries)?;
        let redact = self.redacts(&mut vault, &scope)?;
        drop(vault);
        let mut cmd = std::process::Command::new(&program);
        cmd.arg0(&self.cmd[0]).args(&self.cmd[1..]);
        for (name, _) in std::env::vars_os() {
            let text = name.to_string_lossy();
            if text.starts_with(OWN_PREFIX) && !self.allowed(&text) {
                cmd.env_remove(&name);
            }
        }
        // A DEVVAULT_* key of the scope itself is a dangerous name: `export_for_run` gave it
        // only when allowed.
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
        crate::os::session::detach()?;
        if redact {
            let values = entries.iter().map(|(k, v)| (k.as_str(), v.expose_secret()));
            let redactor = crate::redact::Redactor::new(values, crate::redact::MIN_LENGTH)?;
            return super::run_redact::run(cmd, &redactor, &self.cmd[0]);
        }
        // exec only returns on failure.
        let err = cmd.exec();
        Err(anyhow::Error::new(RunError(format!(
            "cannot run `{}`: {err}",
            self.cmd[0]
        ))))
    }

    /// `--redact`, else not with `--no-redact`, else DEVVAULT_REDACT=1 or the scope's setting.
    fn redacts(&self, vault: &mut crate::Vault, scope: &crate::Scope) -> Result<bool> {
        if self.redact || self.no_redact {
            return Ok(self.redact);
        }
        if std::env::var_os("DEVVAULT_REDACT").is_some_and(|v| v == "1") {
            return Ok(true);
        }
        Ok(vault.agent_policy(scope)?.redact)
    }

    fn allowed(&self, name: &str) -> bool {
        self.allow_env.iter().any(|a| a == name)
    }
}

/// `name` itself when it holds a `/`, else the first executable file of that name in
/// devvault's own PATH (not the child's: the scope may set PATH).
pub(super) fn resolve(name: &str) -> Result<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    if name.contains('/') {
        return Ok(PathBuf::from(name));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| match dir.as_os_str().is_empty() {
            true => Path::new(".").join(name),
            false => dir.join(name),
        })
        .find(|p| {
            std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
        .ok_or_else(|| {
            anyhow::Error::new(RunError(format!("cannot run `{name}`: not found in PATH")))
        })
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
