//! `devvault doctor`: checks for the ways secrets leak around the vault: `.env` files under
//! the current directory that git does not ignore, loose file modes (the vault, its
//! directory, -wal/-shm, backups, exports), plaintext exports still on disk (and whether git
//! ignores them), migration backups left beside the vault, the keychain slot's health, and
//! coding agents' settings that let them read `.env` files (`agents.rs`). Exit 1 when
//! anything needs fixing.

mod agents;

use anyhow::{Result, bail};
use clap::Args;
use serde::Serialize;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

#[derive(Args, Debug)]
pub struct Doctor {
    /// Print JSON
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Check {
    /// `problem` or `ok`.
    status: &'static str,
    what: String,
    fix: Option<String>,
    /// The file it is about (absolute), so that each file is listed once.
    #[serde(skip)]
    file: Option<PathBuf>,
}

fn problem(what: String, fix: String) -> Check {
    Check {
        status: "problem",
        what,
        fix: Some(fix),
        file: None,
    }
}

/// A problem about `path`.
fn problem_at(path: &Path, what: String, fix: String) -> Check {
    Check {
        file: std::path::absolute(path).ok(),
        ..problem(what, fix)
    }
}

fn ok(what: String) -> Check {
    Check {
        status: "ok",
        what,
        fix: None,
        file: None,
    }
}

fn mode_check(path: &Path, want: u32, out: &mut Vec<Check>) {
    if let Ok(m) = std::fs::metadata(path) {
        let mode = m.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            out.push(problem_at(
                path,
                format!(
                    "{} has mode {mode:o}: other users can read it",
                    path.display()
                ),
                format!("chmod {want:o} {}", path.display()),
            ));
        }
    }
}

/// The migration backups beside the vault (`vault.db.bak-vN`).
fn backups(vault: &Path) -> Vec<PathBuf> {
    let (Some(dir), Some(name)) = (vault.parent(), vault.file_name()) else {
        return Vec::new();
    };
    let prefix = format!("{}.bak-", name.to_string_lossy());
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .map(|e| e.path())
        .collect()
}

fn env_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() && !matches!(name.as_str(), ".git" | "node_modules" | "target") {
            env_files(&e.path(), out);
        } else if ft.is_file()
            && (name == ".env" || name.starts_with(".env."))
            && ![".env.example", ".env.sample", ".env.template", ".env.dist"]
                .contains(&name.as_str())
        {
            out.push(e.path());
        }
    }
}

impl Doctor {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let path = ctx.vault_path()?;
        let mut checks = file_checks(&path);
        let no_problem_yet = checks.iter().all(|c| c.status == "ok");
        let mut vault = match ctx.unlock() {
            Ok(v) => v,
            // Loose modes keep the vault shut: report what was found and stop there.
            Err(_) if !no_problem_yet => {
                checks.push(problem(
                    "exports and keychain not checked: the vault did not open".into(),
                    "fix the problems above and run `devvault doctor` again".into(),
                ));
                return self.finish(&checks);
            }
            Err(e) => return Err(e),
        };
        // After the unlock: opening the vault is what migrates it (and leaves a backup).
        checks.extend(backup_checks(&path));
        let exports = export_checks(&mut vault)?;
        // A file that is a recorded export is listed once, as the export.
        checks.retain(|c| {
            c.file
                .as_ref()
                .is_none_or(|f| !exports.iter().any(|e| e.file.as_ref() == Some(f)))
        });
        checks.extend(exports);
        drop(vault);
        checks.push(keychain_check(ctx));
        if no_problem_yet && checks.iter().all(|c| c.status == "ok") {
            let what = format!("vault {} and its files are private", path.display());
            checks.insert(0, ok(what));
        }
        self.finish(&checks)
    }

    fn finish(&self, checks: &[Check]) -> Result<()> {
        self.print(checks)?;
        let n = checks.iter().filter(|c| c.status == "problem").count();
        if n > 0 {
            bail!(
                "doctor found {n} {}",
                if n == 1 { "problem" } else { "problems" }
            );
        }
        Ok(())
    }

    fn print(&self, checks: &[Check]) -> Result<()> {
        if self.json {
            return super::output::json(&checks);
        }
        for c in checks {
            match &c.fix {
                Some(fix) => crate::os::console::outln!("problem: {}\n  fix: {fix}", c.what)?,
                None => crate::os::console::outln!("ok: {}", c.what)?,
            }
        }
        Ok(())
    }
}

/// Modes of the vault's files and directory; `.env` files here that git does not ignore.
fn file_checks(path: &Path) -> Vec<Check> {
    let mut checks = Vec::new();
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        mode_check(dir, 0o700, &mut checks);
    }
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        mode_check(Path::new(&p), 0o600, &mut checks);
    }
    for backup in backups(path) {
        mode_check(&backup, 0o600, &mut checks);
    }
    checks.extend(agents::checks(Path::new(".")));
    let mut envs = Vec::new();
    env_files(Path::new("."), &mut envs);
    for f in envs {
        if crate::os::private_file::is_tracked_risk(&f) {
            let fix = format!(
                "add {} to .gitignore (and `git rm --cached` it if committed)",
                f.display()
            );
            checks.push(problem_at(
                &f,
                format!("{} is not git-ignored", f.display()),
                fix,
            ));
        }
        mode_check(&f, 0o600, &mut checks);
    }
    checks
}

/// Migration backups left beside the vault: the vault as it was, under its old key.
fn backup_checks(path: &Path) -> Vec<Check> {
    backups(path)
        .into_iter()
        .map(|b| {
            problem(
                format!(
                    "migration backup {} is still beside the vault: it holds the vault as it was before the upgrade and opens with the passphrase of that time (`passwd` and `rekey` do not reach it)",
                    b.display()
                ),
                format!("once the vault works, delete it: rm {}", b.display()),
            )
        })
        .collect()
}

/// Plaintext exports recorded by `export -o` that are still on disk.
fn export_checks(vault: &mut crate::Vault) -> Result<Vec<Check>> {
    let mut checks: Vec<Check> = Vec::new();
    // Newest first, one line per file however often it was exported.
    for e in vault.exports()?.into_iter().rev() {
        if !e.path.exists() || checks.iter().any(|c| c.file.as_deref() == Some(&e.path)) {
            continue;
        }
        let ignored = git_ignore_state(&e.path);
        let when = super::output::date(e.at);
        let what = format!(
            "plaintext export of {} still at {} (written {when} UTC; {ignored})",
            e.scope,
            e.path.display(),
        );
        let fix = format!("delete it when done: rm {}", e.path.display());
        let mut loose = Vec::new();
        mode_check(&e.path, 0o600, &mut loose);
        let fix = match loose.first().and_then(|c| c.fix.as_ref()) {
            Some(chmod) => format!("{fix} (and it is readable by others: {chmod})"),
            None => fix,
        };
        checks.push(Check {
            file: Some(e.path.clone()),
            ..problem(what, fix)
        });
    }
    Ok(checks)
}

/// Whether git ignores `path`: `git check-ignore` exits 0 (ignored), 1 (not), 128 (no repo).
fn git_ignore_state(path: &Path) -> &'static str {
    let dir = path.parent().unwrap_or(Path::new("."));
    let status = crate::scan::git_command(dir)
        .args(["check-ignore", "-q", "--"])
        .arg(path)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
    match status.map(|s| s.code()) {
        Ok(Some(0)) => "git-ignored",
        Ok(Some(1)) => "NOT git-ignored",
        _ => "not in a git repository",
    }
}

fn keychain_check(ctx: &super::Ctx) -> Check {
    use crate::vault::KEYCHAIN_SLOT;
    let Ok(mut locked) = ctx.open_locked() else {
        return ok("keychain: not checked".into());
    };
    if !locked.has_slot(KEYCHAIN_SLOT).unwrap_or(false) {
        return ok("keychain slot: disabled (the passphrase unlocks the vault)".into());
    }
    let id = locked.id_hex();
    match crate::os::keychain::load(&id) {
        Ok(Some(key)) if locked.unlock_with_slot_key(KEYCHAIN_SLOT, &key).is_ok() => ok(format!(
            "keychain slot: enabled, the {} entry opens the vault",
            crate::os::keychain::store_name()
        )),
        Ok(_) => problem(
            "keychain slot: enabled, but its keychain entry is missing or does not open the vault"
                .into(),
            "devvault keychain enable".into(),
        ),
        Err(e) => problem(
            format!(
                "keychain slot: the {} does not answer ({e:#})",
                crate::os::keychain::store_name()
            ),
            crate::os::keychain::how_to_fix().to_string(),
        ),
    }
}
