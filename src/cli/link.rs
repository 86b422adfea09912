//! `devvault link SCOPE`: writes `.devvault.toml` in the current directory; and the lookup
//! of the nearest link file that gives commands their default scope.

use crate::Scope;
use anyhow::{Context, Result, bail};
use clap::Args;
use std::path::{Path, PathBuf};

/// The link file's name.
pub const FILE: &str = ".devvault.toml";

#[derive(Args, Debug)]
pub struct Link {
    /// PROJECT[/ENV] (ENV defaults to dev)
    scope: String,
}

impl Link {
    pub fn run(&self, _ctx: &super::Ctx) -> Result<()> {
        let scope = super::arg(Scope::parse(&self.scope))?;
        let text = format!(
            "# devvault: the vault scope this directory uses. Safe to commit: holds no secret.\nscope = \"{scope}\"\n"
        );
        let path = std::env::current_dir()?.join(FILE);
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
        // Safe to commit, so readable like any source file.
        std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o644))?;
        crate::os::console::status!("linked {} to {scope}", std::env::current_dir()?.display());
        Ok(())
    }
}

/// The scope of the nearest `.devvault.toml` from the current directory up.
pub fn find_scope() -> Result<Scope> {
    let cwd = std::env::current_dir()?;
    match nearest(&cwd) {
        Some(path) => super::local_env::apply(&path, read(&path)?),
        None => bail!(super::UsageError(format!(
            "no scope given and no {FILE} in {} or its parents; run `devvault link PROJECT[/ENV]` in your repository, or name the scope",
            cwd.display()
        ))),
    }
}

fn nearest(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|d| d.join(FILE))
        .find(|p| p.is_file())
}

fn read(path: &Path) -> Result<Scope> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some((k, v)) = line.split_once('=')
            && k.trim() == "scope"
        {
            let v = v.trim().trim_matches('"');
            return Scope::parse(v).with_context(|| format!("{}:{}", path.display(), n + 1));
        }
    }
    bail!(
        "{} has no `scope = \"PROJECT/ENV\"` line; run `devvault link PROJECT[/ENV]` again",
        path.display()
    )
}

/// A project named alone (`run staging -- ..`) that is not found, in a linked repository:
/// the not-found error suggests the linked project's environment (`repo/staging`) instead.
pub fn suggest_linked_env(given: Option<&str>, err: crate::Error) -> crate::Error {
    let (Some(given), crate::Error::NotFound { what, .. }) = (given, &err) else {
        return err;
    };
    if given.contains('/') || !what.starts_with("project `") {
        return err;
    }
    match find_scope() {
        Ok(linked) if linked.project.as_str() != given => crate::Error::NotFound {
            what: what.clone(),
            suggestion: Some(format!("{}/{given}", linked.project)),
        },
        _ => err,
    }
}
