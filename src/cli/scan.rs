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

fn install_hook(ctx: &super::Ctx, root: &Path) -> Result<()> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["rev-parse", "--git-path", "hooks"])
        .output()
        .context("cannot run git")?;
    if !out.status.success() {
        bail!("{} is not inside a git repository", root.display());
    }
    let hooks = root.join(String::from_utf8_lossy(&out.stdout).trim());
    std::fs::create_dir_all(&hooks)?;
    let hook = hooks.join("pre-commit");
    if let Ok(old) = std::fs::read_to_string(&hook)
        && !old.contains(HOOK_MARK)
    {
        bail!(
            "{} already exists and is not devvault's; add `devvault scan --staged` to it by hand",
            hook.display()
        );
    }
    let exe = std::env::current_exe()?;
    let vault = std::path::absolute(ctx.vault_path()?)?;
    let q = |p: &Path| format!("'{}'", p.display().to_string().replace('\'', r"'\''"));
    let script = format!(
        "#!/bin/sh\n{HOOK_MARK}: blocks a commit whose staged content holds a vault value.\n\
         exec {} --vault {} scan --staged\n",
        q(&exe),
        q(&vault)
    );
    std::fs::write(&hook, script)?;
    std::fs::set_permissions(&hook, std::os::unix::fs::PermissionsExt::from_mode(0o755))?;
    eprintln!("installed {}", hook.display());
    Ok(())
}
