//! After a `.env` is imported: linking its directory to the scope (`.devvault.toml`), and
//! getting rid of the plaintext file (delete it, or add it to the `.gitignore` beside it).
//! Never through a symbolic link, never over a file devvault did not write.

use crate::Scope;
use crate::os::private_file;
use anyhow::{Result, bail};
use std::path::Path;

/// The link file's name (as `devvault link` writes it).
pub const LINK_FILE: &str = ".devvault.toml";

/// The link file's text for `scope`.
pub fn link_text(scope: &Scope) -> String {
    format!(
        "# devvault: the vault scope this directory uses. Safe to commit: holds no secret.\nscope = \"{scope}\"\n"
    )
}

/// Writes `.devvault.toml` naming `scope` in `dir`; an existing one is left alone.
pub fn link_dir(dir: &Path, scope: &Scope) -> Result<()> {
    let path = dir.join(LINK_FILE);
    private_file::refuse_link(&path)?;
    if path.exists() {
        bail!(
            "{} exists; left it alone (run `devvault link {scope}` there to change it)",
            path.display()
        );
    }
    // Safe to commit, so readable like any source file.
    private_file::replace(&path, link_text(scope).as_bytes(), 0o644)
}

/// Deletes the plaintext file `path` (a regular file, not a link).
pub fn delete_plain(path: &Path) -> Result<()> {
    private_file::refuse_link(path)?;
    std::fs::remove_file(path).map_err(|e| anyhow::anyhow!("cannot delete {}: {e}", path.display()))
}

/// Adds `/NAME` for `path` to the `.gitignore` beside it; false when it was already there.
pub fn ignore_plain(path: &Path) -> Result<bool> {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        bail!("{} names no file", path.display());
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let ignore = dir.join(".gitignore");
    private_file::refuse_link(&ignore)?;
    let mut text = match std::fs::read_to_string(&ignore) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => bail!("cannot read {}: {e}", ignore.display()),
    };
    let entry = format!("/{name}");
    if text.lines().any(|l| l.trim() == entry || l.trim() == name) {
        return Ok(false);
    }
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&entry);
    text.push('\n');
    private_file::replace(&ignore, text.as_bytes(), 0o644)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn link_ignore_and_delete() {
        let dir = tempfile::tempdir().unwrap();
        let env = dir.path().join(".env");
        std::fs::write(&env, "A=1\n").unwrap();
        let scope = Scope::parse("app/dev").unwrap();
        link_dir(dir.path(), &scope).unwrap();
        let text = std::fs::read_to_string(dir.path().join(LINK_FILE)).unwrap();
        assert!(text.contains("scope = \"app/dev\""));
        assert!(link_dir(dir.path(), &scope).is_err(), "never over a file");
        std::fs::write(dir.path().join(".gitignore"), "target").unwrap();
        assert!(ignore_plain(&env).unwrap());
        assert!(!ignore_plain(&env).unwrap(), "once");
        let ig = std::fs::read_to_string(dir.path().join(".gitignore")).unwrap();
        assert_eq!(ig, "target\n/.env\n");
        let link = dir.path().join("link.env");
        std::os::unix::fs::symlink(&env, &link).unwrap();
        assert!(delete_plain(&link).is_err(), "a link is refused");
        delete_plain(&env).unwrap();
        assert!(!env.exists(), "deleted");
    }
}
