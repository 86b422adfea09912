//! Writing files without being turned against the user: every file devvault creates or
//! replaces (exports, bundles, `.devvault.toml`, its pre-commit hook) is written to a
//! temporary file in the same directory and renamed over the target, so nothing is ever
//! written through a symbolic link; an existing symbolic link, or a file devvault did not
//! write, is refused with the fix. Also the check that warns when git would not ignore a
//! file. Shared by `export -o`, `share -o`, `link`, `scan --install-hook` and the TUI.

use anyhow::{Context, Result, bail};
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// Writes `bytes` to `path` through a 0600 temporary file in the same directory, then
/// renames. Refuses a symbolic link or anything but a regular file at `path`.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    refuse_link(path)?;
    replace(path, bytes, 0o600)
}

/// Refuses `path` when it is a symbolic link (dangling or not) or not a regular file.
pub fn refuse_link(path: &Path) -> Result<()> {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return Ok(());
    };
    if meta.file_type().is_symlink() {
        bail!(
            "{} is a symbolic link; devvault never writes through one (it could point at your vault or any other file): remove it (`rm {}`) or choose another path",
            path.display(),
            path.display()
        );
    }
    if !meta.is_file() {
        bail!(
            "{} exists and is not a regular file; choose another path",
            path.display()
        );
    }
    Ok(())
}

/// Writes `bytes` through a temporary file of mode `mode` in `path`'s directory, synced,
/// then renamed over `path` (a rename replaces a link, never follows it), and the directory
/// synced.
pub fn replace(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    stage_mode(path, bytes, mode)?.commit()
}

/// A temporary file beside its destination holding the whole content, synced to disk:
/// [`Staged::commit`] renames it into place; dropping it removes it.
pub struct Staged<'a> {
    tmp: tempfile::NamedTempFile,
    path: &'a Path,
    dir: &'a Path,
}

/// Writes `bytes` into a 0600 temporary file beside `path` and syncs it, refusing a
/// symbolic link at `path`; every error names `path`. Nothing has `path`'s name until
/// [`Staged::commit`].
pub fn stage<'a>(path: &'a Path, bytes: &[u8]) -> Result<Staged<'a>> {
    refuse_link(path)?;
    stage_mode(path, bytes, 0o600)
}

fn stage_mode<'a>(path: &'a Path, bytes: &[u8], mode: u32) -> Result<Staged<'a>> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".devvault-tmp")
        .permissions(std::fs::Permissions::from_mode(0o600))
        .tempfile_in(dir)
        .with_context(|| {
            format!(
                "cannot write {}: cannot create a file in {}",
                path.display(),
                dir.display()
            )
        })?;
    tmp.write_all(bytes)
        .and_then(|()| {
            if mode != 0o600 {
                // After creation: the umask must not narrow a mode asked for on purpose.
                tmp.as_file()
                    .set_permissions(std::fs::Permissions::from_mode(mode))?;
            }
            tmp.as_file().sync_all()
        })
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
    let status = crate::scan::git_command(dir)
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
    crate::scan::git_command(dir)
        .args(["ls-files", "--error-unmatch", "--"])
        .arg(name)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}
