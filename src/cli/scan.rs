//! `devvault scan [PATH]`: every place a vault value (or its base64, URL-encoded or
//! JSON-escaped form) appears under PATH, in git history (`--git-history`) or in the
//! staged content (`--staged`, what the pre-commit hook runs); `--install-hook` installs
//! that hook. Reports file:line, key and scope, never the value. Exit 1 when anything is
//! found, 0 when clean, 4 when PATH does not exist.

use crate::scan::{self, Finding, Form};
use anyhow::{Context, Result, bail};
use clap::Args;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Args, Debug)]
pub struct Scan {
    /// A file or directory [default: .]
    path: Option<PathBuf>,
    /// Also every blob in the history of the git repository at PATH
    #[arg(long)]
    git_history: bool,
    /// Only the content staged for the next commit (what the pre-commit hook runs)
    #[arg(long, conflicts_with = "git_history")]
    staged: bool,
    /// Install a git pre-commit hook that runs `scan --staged` and blocks a leaking commit
    #[arg(long, conflicts_with_all = ["git_history", "staged"])]
    install_hook: bool,
    /// Ignore values shorter than N bytes
    #[arg(long, value_name = "N", default_value_t = scan::DEFAULT_MIN_LENGTH)]
    min_length: usize,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

impl Scan {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let root = self.path.clone().unwrap_or_else(|| PathBuf::from("."));
        if self.install_hook {
            return install_hook(ctx, &root);
        }
        if !root.exists() {
            bail!(crate::Error::NotFound {
                what: format!("path {}", root.display()),
                suggestion: None,
            });
        }
        let matcher = ctx.unlock()?.scan_matcher(self.min_length)?;
        let mut findings = Vec::new();
        if self.staged {
            findings = scan::scan_staged(&matcher, &root)?;
        } else {
            findings.extend(scan::scan_path(&matcher, &root)?.findings);
            if self.git_history {
                findings.extend(scan::scan_history(&matcher, &root)?);
            }
        }
        drop(matcher);
        report(&findings, self.json)?;
        if !findings.is_empty() {
            bail!(
                "{} place(s) hold a vault value; remove them, and rotate any key that was committed or shared",
                findings.len()
            );
        }
        Ok(())
    }
}

fn report(findings: &[Finding], json: bool) -> Result<()> {
    if json {
        return super::output::json(&findings);
    }
    let mut out = std::io::stdout().lock();
    for f in findings {
        let form = match f.form {
            Form::Raw => "",
            Form::Base64 => " [base64]",
            Form::UrlEncoded => " [url-encoded]",
            Form::JsonEscaped => " [json-escaped]",
        };
        let place = match &f.commit {
            Some(c) => format!("{c}:{}:{}", f.path, f.line),
            None => format!("{}:{}", f.path, f.line),
        };
        writeln!(out, "{place}: {} ({}){form}", f.key, f.scope)?;
    }
    out.flush()?;
    Ok(())
}

const HOOK_MARK: &str = "# devvault pre-commit hook";

/// The start of every hook devvault writes: a file is replaced only when it starts so.
fn hook_head() -> String {
    format!("#!/bin/sh\n{HOOK_MARK}")
}

/// Installs the hook in the repository's own hooks directory (`git rev-parse
/// --git-common-dir`/hooks, not a `core.hooksPath` the checkout may point anywhere),
/// replacing only a hook devvault wrote, never through a link.
fn install_hook(ctx: &super::Ctx, root: &Path) -> Result<()> {
    let out = crate::scan::git_command(root)
        .args(["rev-parse", "--path-format=absolute", "--git-common-dir"])
        .output()
        .context("cannot run git")?;
    if !out.status.success() {
        bail!("{} is not inside a git repository", root.display());
    }
    let hooks = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()).join("hooks");
    std::fs::create_dir_all(&hooks)?;
    let hook = hooks.join("pre-commit");
    refuse_foreign_hook(&hook)?;
    let exe = std::env::current_exe()?;
    let vault = std::path::absolute(ctx.vault_path()?)?;
    let q = |p: &Path| format!("'{}'", p.display().to_string().replace('\'', r"'\''"));
    let script = format!(
        "{}: blocks a commit whose staged content holds a vault value.\n\
         exec {} --vault {} scan --staged\n",
        hook_head(),
        q(&exe),
        q(&vault)
    );
    crate::os::private_file::replace(&hook, script.as_bytes(), 0o755)?;
    eprintln!("installed {}", hook.display());
    warn_hooks_path(root);
    Ok(())
}

/// Refuses a link, a non-file, or a hook that devvault did not write (binary or not).
fn refuse_foreign_hook(hook: &Path) -> Result<()> {
    let Ok(meta) = std::fs::symlink_metadata(hook) else {
        return Ok(());
    };
    let fix = format!(
        "move it away (`mv {0} {0}.old`) and run `devvault scan --install-hook` again, or add `devvault scan --staged` to it by hand",
        hook.display()
    );
    if meta.file_type().is_symlink() {
        bail!(
            "{} is a symbolic link; devvault never writes through one: {fix}",
            hook.display()
        );
    }
    let ours = meta.is_file()
        && std::fs::read(hook)
            .map(|b| b.starts_with(hook_head().as_bytes()))
            .unwrap_or(false);
    if !ours {
        bail!(
            "{} already exists and is not devvault's hook: {fix}",
            hook.display()
        );
    }
    Ok(())
}

/// Says so when the repository runs its hooks from somewhere else (`core.hooksPath` in a
/// config file; devvault's own `-c core.hooksPath=/dev/null` is left out).
fn warn_hooks_path(root: &Path) {
    let out = crate::scan::git_command(root)
        .args(["config", "--show-origin", "--get-all", "core.hooksPath"])
        .stderr(std::process::Stdio::null())
        .output();
    let Ok(out) = out else { return };
    let text = String::from_utf8_lossy(&out.stdout);
    let from_files = text
        .lines()
        .filter(|l| !l.starts_with("command line:"))
        .filter_map(|l| l.split_once('\t').map(|(_, v)| v.to_string()))
        .next_back();
    if let Some(dir) = from_files {
        eprintln!(
            "warning: this repository runs its hooks from {dir} (core.hooksPath), so git will not run this one; add `devvault scan --staged` to the pre-commit hook there"
        );
    }
}
