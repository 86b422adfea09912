//! `devvault link SCOPE`: writes `.devvault.toml` in the current directory; and the lookup
//! of the nearest link file that gives commands their default scope.
//!
//! A checkout is untrusted: `link` never writes through a symbolic link nor replaces a file
//! that is not a link file, and the lookup stops at the repository root (the directory
//! holding `.git`) or the home directory, ignoring (and naming) link files that are links,
//! not owned by the user, or writable by others.

use crate::Scope;
use anyhow::{Context, Result, bail};
use clap::Args;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// The link file's name.
pub const FILE: &str = ".devvault.toml";

#[derive(Args, Debug)]
pub struct Link {
    /// PROJECT[/ENV] (ENV defaults to dev)
    scope: String,
}

/// What a link file holds.
#[derive(serde::Deserialize)]
struct LinkFile {
    scope: String,
}

impl Link {
    pub fn run(&self, _ctx: &super::Ctx) -> Result<()> {
        let scope = super::arg(Scope::parse(&self.scope))?;
        let text = format!(
            "# devvault: the vault scope this directory uses. Safe to commit: holds no secret.\nscope = \"{scope}\"\n"
        );
        let path = std::env::current_dir()?.join(FILE);
        crate::os::private_file::refuse_link(&path)?;
        if path.exists() && read(&path).is_err() {
            bail!(
                "{} exists and is not a devvault link file; move it away and run `devvault link {scope}` again",
                path.display()
            );
        }
        // Safe to commit, so readable like any source file.
        crate::os::private_file::replace(&path, text.as_bytes(), 0o644)?;
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
            "no scope given and no {FILE} in {} or its parents up to the repository root or home directory; run `devvault link PROJECT[/ENV]` in your repository, or name the scope",
            cwd.display()
        ))),
    }
}

/// The nearest usable link file from `start` up, stopping after the directory holding
/// `.git` or the home directory; files refused on the way are named on stderr.
pub(super) fn nearest(start: &Path) -> Option<PathBuf> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    for dir in start.ancestors() {
        let path = dir.join(FILE);
        if let Ok(meta) = std::fs::symlink_metadata(&path) {
            match refusal(&meta) {
                None => return Some(path),
                Some(why) => {
                    crate::os::console::status!("notice: ignoring {}: {why}", path.display())
                }
            }
        }
        if dir.join(".git").exists() || home.as_deref() == Some(dir) {
            break;
        }
    }
    None
}

/// Why a link file cannot be trusted, if it cannot.
fn refusal(meta: &std::fs::Metadata) -> Option<String> {
    if meta.file_type().is_symlink() {
        return Some(
            "it is a symbolic link (replace it with a file: `devvault link SCOPE`)".into(),
        );
    }
    if !meta.is_file() {
        return Some("it is not a regular file".into());
    }
    let me = rustix::process::getuid().as_raw();
    if meta.uid() != me {
        return Some(format!(
            "it belongs to user id {}, not you (id {me})",
            meta.uid()
        ));
    }
    if meta.mode() & 0o022 != 0 {
        return Some(format!(
            "other users can write it (mode {:o}; fix: chmod go-w)",
            meta.mode() & 0o777
        ));
    }
    None
}

pub(super) fn read(path: &Path) -> Result<Scope> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let file: LinkFile = toml::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "{} is not a link file ({e}); it needs `scope = \"PROJECT/ENV\"`: run `devvault link PROJECT[/ENV]` again",
            path.display()
        )
    })?;
    Scope::parse(&file.scope).with_context(|| format!("{}: scope", path.display()))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Scope> {
        let dir = tempfile::tempdir()?;
        let p = dir.path().join(FILE);
        std::fs::write(&p, text)?;
        read(&p)
    }

    #[test]
    fn toml_quoting_and_comments_are_read() {
        for text in [
            "scope = 'app/prod'\n",
            "scope = \"app/prod\" # the production scope\n",
            "# a comment\n\nscope=\"app/prod\"\n",
        ] {
            assert_eq!(parse(text).unwrap().to_string(), "app/prod", "{text}");
        }
        assert!(parse("scope = app/prod\n").is_err());
        assert!(parse("other = \"x\"\n").is_err());
    }
}
