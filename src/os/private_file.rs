//! Writing a file that holds secrets: mode 0600 from the first byte, atomic rename, and
//! the check that warns when git would not ignore it. Shared by `export -o` and the TUI.

use anyhow::{Context, Result};
use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` through a 0600 temporary file in the same directory, then renames.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    stage(path, bytes)?.commit()
}

/// A 0600 temporary file beside its destination holding the whole content, synced to disk:
/// [`Staged::commit`] renames it into place; dropping it removes it.
pub struct Staged<'a> {
    tmp: tempfile::NamedTempFile,
    path: &'a Path,
    dir: &'a Path,
}

/// Writes `bytes` into a temporary file beside `path` and syncs it; every error names `path`.
pub fn stage<'a>(path: &'a Path, bytes: &[u8]) -> Result<Staged<'a>> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".devvault-export")
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))
        .tempfile_in(dir)
        .with_context(|| {
            format!(
                "cannot write {}: cannot create a file in {}",
                path.display(),
                dir.display()
            )
        })?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(Staged { tmp, path, dir })
}

impl Staged<'_> {
    /// Renames the file into place and syncs the directory, so the name survives a crash.
    pub fn commit(self) -> Result<()> {
        let Staged { tmp, path, dir } = self;
        tmp.persist(path)
            .map_err(|e| e.error)
            .with_context(|| format!("cannot write {}", path.display()))?;
        std::fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .with_context(|| {
                format!(
                    "wrote {} but could not sync its directory {} (it may vanish after a crash)",
                    path.display(),
                    dir.display()
                )
            })
    }
}

/// True when `path` is inside a git work tree and git does not ignore it.
pub fn is_tracked_risk(path: &Path) -> bool {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let Some(name) = path.file_name() else {
        return false;
    };
    let status = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["check-ignore", "-q", "--"])
        .arg(name)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
    // 0: ignored; 1: not ignored; 128: not a repository (nothing to commit it to).
    matches!(status.map(|s| s.code()), Ok(Some(1)))
}

/// True when git tracks `path` (it is in the index of the repository around it).
pub fn is_git_tracked(path: &Path) -> bool {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let Some(name) = path.file_name() else {
        return false;
    };
    std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["ls-files", "--error-unmatch", "--"])
        .arg(name)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}
