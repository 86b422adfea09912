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
//! References (`devvault://PROJECT/ENV/KEY`) are resolved: the values of `--env-file FILE`
//! (a dotenv file safe to commit; other values pass through) and those of devvault's own
//! environment (`DATABASE_URL=devvault://app/prod/DATABASE_URL devvault run -- app`). An
//! unknown reference names each one and runs nothing (exit 4). With `--env-file` and no
//! SCOPE, no linked scope is read: the file says what the command gets.

use crate::SecretValue;
use crate::audit::EventKind;
use crate::reference::Reference;
use anyhow::{Context, Result, bail};
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
    /// A dotenv file (safe to commit) whose values that are references
    /// (devvault://PROJECT/ENV/KEY) are resolved, the rest passed through; with no SCOPE,
    /// only this file and the environment's references are used
    #[arg(long, value_name = "FILE")]
    env_file: Option<String>,
    /// The command and its arguments, after `--`
    #[arg(last = true, required = true, value_name = "CMD")]
    cmd: Vec<String>,
}

impl Run {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let program = resolve(&self.cmd[0])?;
        let file = self.env_file()?;
        let inherited = env_references()?;
        let use_scope = self.scope.is_some() || self.env_file.is_none();
        let scope = match use_scope {
            true => Some(ctx.scope(self.scope.as_deref())?),
            false => None,
        };
        // In the order the values are used below: the environment's, then the file's.
        let refs: Vec<(Reference, String)> = inherited
            .iter()
            .chain(&file)
            .filter_map(|(_, v, label)| match v {
                Value::Ref(r) => Some((r.clone(), label.clone())),
                Value::Plain(_) => None,
            })
            .collect();
        let mut entries: Vec<(String, SecretValue)> = Vec::new();
        if scope.is_some() || !refs.is_empty() {
            let mut vault = ctx.unlock()?;
            let mut resolved = vault
                .resolve(&refs, EventKind::Run)
                .context("nothing was run")?
                .into_iter();
            if let Some(scope) = &scope {
                let own = vault
                    .export_for_run(scope, &self.allow_env)
                    .map_err(|e| super::link::suggest_linked_env(self.scope.as_deref(), e))?;
                let own = self.select.apply(own)?;
                entries.extend(own.into_iter().map(|(k, v)| (k.to_string(), v)));
            }
            for (name, v, _) in inherited.iter().chain(&file) {
                let value = match v {
                    Value::Ref(_) => resolved.next().unwrap_or_else(|| SecretValue::from("")),
                    Value::Plain(p) => SecretValue::new(p.expose_secret().to_string()),
                };
                entries.push((name.clone(), value));
            }
        } else {
            for (name, v, _) in &file {
                if let Value::Plain(p) = v {
                    entries.push((
                        name.clone(),
                        SecretValue::new(p.expose_secret().to_string()),
                    ));
                }
            }
        }
        self.check_file_names(&file)?;
        let mut cmd = std::process::Command::new(&program);
        cmd.arg0(&self.cmd[0]).args(&self.cmd[1..]);
        for (name, _) in std::env::vars_os() {
            let text = name.to_string_lossy();
            if text.starts_with(OWN_PREFIX) && !self.allowed(&text) {
                cmd.env_remove(&name);
            }
        }
        // A DEVVAULT_* key of the scope itself is a dangerous name: `export_for_run` gave it
        // only when allowed. Later entries win: the scope, then the environment's
        // references, then the file.
        for (key, value) in &entries {
            if self.no_override
                && std::env::var_os(key).is_some()
                && !inherited_ref(&inherited, key)
            {
                continue;
            }
            if value.expose_secret().contains('\0') {
                bail!(
                    "{key} holds a NUL byte, which no environment variable can carry; remove it or use `devvault export`"
                );
            }
            cmd.env(key, value.expose_secret());
        }
        crate::os::session::detach()?;
        // exec only returns on failure.
        let err = cmd.exec();
        Err(anyhow::Error::new(RunError(format!(
            "cannot run `{}`: {err}",
            self.cmd[0]
        ))))
    }

    /// The bindings of `--env-file`, references parsed (a malformed one is a usage error).
    fn env_file(&self) -> Result<Vec<(String, Value, String)>> {
        let Some(path) = &self.env_file else {
            return Ok(Vec::new());
        };
        let input = crate::flows::Input::from_arg(path);
        let origin = input.name();
        let bytes = input.read()?;
        let text = std::str::from_utf8(&bytes)
            .map_err(|e| anyhow::anyhow!("{origin}: not UTF-8 text (byte {})", e.valid_up_to()))?;
        crate::dotenv::parse(text, &origin)?
            .into_iter()
            .map(|e| {
                let label = format!("{origin} line {}", e.line);
                let v = value_of(e.value, &label)?;
                Ok((e.key.to_string(), v, label))
            })
            .collect()
    }

    /// A dangerous name set by the file (a checkout's, not the user's) runs nothing unless
    /// `--allow-env` names it.
    fn check_file_names(&self, file: &[(String, Value, String)]) -> Result<()> {
        let flagged = crate::dangerous::find(file.iter().map(|(k, _, _)| k.as_str()));
        let missing = crate::dangerous::not_allowed(&flagged, &self.allow_env);
        if !missing.is_empty() {
            bail!(
                "{} sets {}, names that change how programs load code or find binaries; nothing was run. If you set them yourself, pass {}",
                self.env_file.as_deref().unwrap_or("the env file"),
                missing.join(", "),
                crate::dangerous::allow_flags(&missing)
            );
        }
        Ok(())
    }

    fn allowed(&self, name: &str) -> bool {
        self.allow_env.iter().any(|a| a == name)
    }
}

/// A value of the env file or the environment: a reference to resolve, or passed through.
enum Value {
    Ref(Reference),
    Plain(SecretValue),
}

/// A reference when `value` claims to be one (a malformed one is a usage error naming
/// `label`), else the value itself.
fn value_of(value: SecretValue, label: &str) -> Result<Value> {
    if !Reference::looks_like(value.expose_secret()) {
        return Ok(Value::Plain(value));
    }
    let r = Reference::parse(value.expose_secret())
        .map_err(|e| super::UsageError(format!("{label}: {e}")))?;
    Ok(Value::Ref(r))
}

/// Variables of devvault's own environment whose value is a reference (never DEVVAULT_*).
fn env_references() -> Result<Vec<(String, Value, String)>> {
    let mut out = Vec::new();
    for (name, value) in std::env::vars_os() {
        let (Some(name), Some(value)) = (name.to_str(), value.to_str()) else {
            continue;
        };
        if name.starts_with(OWN_PREFIX) || !Reference::looks_like(value) {
            continue;
        }
        let label = format!("${name}");
        let v = value_of(SecretValue::new(value.to_string()), &label)?;
        out.push((name.to_string(), v, label));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// Whether `key` is one of the environment's references (always replaced: the reference
/// itself is no value to keep).
fn inherited_ref(inherited: &[(String, Value, String)], key: &str) -> bool {
    inherited.iter().any(|(k, _, _)| k == key)
}

/// `name` itself when it holds a `/`, else the first executable file of that name in
/// devvault's own PATH (not the child's: the scope may set PATH).
fn resolve(name: &str) -> Result<PathBuf> {
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
