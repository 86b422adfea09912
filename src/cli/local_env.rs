//! A per-user choice of environment on top of the committed `.devvault.toml`:
//! `DEVVAULT_ENV=staging`, else `env = "staging"` in a git-ignored `.devvault.local.toml`
//! beside the link file. Only the environment changes; the project stays the link's.

use crate::{EnvName, Scope};
use anyhow::{Context, Result};
use std::path::Path;

/// The local file's name.
pub const FILE: &str = ".devvault.local.toml";

/// `linked` (read from the link file at `link`) with the user's environment, if any.
pub fn apply(link: &Path, linked: Scope) -> Result<Scope> {
    if let Some(env) = std::env::var_os("DEVVAULT_ENV").filter(|v| !v.is_empty()) {
        let env = env.to_string_lossy();
        let env = EnvName::new(&env).context("DEVVAULT_ENV")?;
        return Ok(Scope { env, ..linked });
    }
    let local = link.with_file_name(FILE);
    let Ok(text) = std::fs::read_to_string(&local) else {
        return Ok(linked);
    };
    for (n, line) in text.lines().enumerate() {
        let Some((k, v)) = line.trim().split_once('=') else {
            continue;
        };
        if k.trim() == "env" {
            let v = v.trim().trim_matches('"');
            let env = EnvName::new(v).with_context(|| format!("{}:{}", local.display(), n + 1))?;
            return Ok(Scope { env, ..linked });
        }
    }
    Ok(linked)
}
