//! `devvault scan [PATH]`: every place a vault value (or its base64, URL-encoded or
//! JSON-escaped form) appears under PATH, in git history (`--git-history`) or in the
//! staged content (`--staged`, what the pre-commit hook runs); `--install-hook` installs
//! that hook. Reports file:line, key and scope, never the value. Exit 1 when anything is
//! found, 0 when clean, 4 when PATH does not exist. `--agents` and `--shell-history`
//! sweep where coding agents and shells keep text instead (`sweep.rs`), `--redact`
//! rewriting it.

use crate::scan::{self, Finding};
use anyhow::{Context, Result, bail};
use clap::Args;
use std::path::{Path, PathBuf};

#[derive(Args, Debug)]
pub struct Scan {
    /// A file or directory [default: .]; with --agents or --shell-history, files or
    /// directories swept as well
    paths: Vec<PathBuf>,
    /// Sweep where coding agents keep transcripts and settings (Claude Code, Codex, Aider;
    /// more in DEVVAULT_AGENT_PATHS) instead of the working tree
    #[arg(long, conflicts_with_all = ["git_history", "staged", "install_hook"])]
    agents: bool,
    /// Sweep the shell histories (bash, zsh, fish) instead of the working tree
    #[arg(long, conflicts_with_all = ["git_history", "staged", "install_hook"])]
    shell_history: bool,
    /// With --agents or --shell-history: rewrite each file with every occurrence replaced
    /// by `[devvault:KEY]`
    #[arg(long)]
    redact: bool,
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
    /// Also scan files git ignores (left out by default)
    #[arg(long)]
    include_ignored: bool,
    /// Also search for plain values: only letters and spaces, at most 16 characters
    /// (`development`, `Acme Billing`), left out by default
    #[arg(long)]
    include_plain: bool,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

impl Scan {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        if self.agents || self.shell_history {
            return super::sweep::Sweep {
                agents: self.agents,
                shell_history: self.shell_history,
                paths: &self.paths,
                redact: self.redact,
                min_length: self.min_length,
                include_plain: self.include_plain,
                json: self.json,
            }
            .run(ctx);
        }
        if self.redact {
            bail!(super::UsageError(
                "--redact rewrites swept files: use it with --agents or --shell-history (a working tree is yours to edit)".into()
            ));
        }
        let root = match self.paths.as_slice() {
            [] => PathBuf::from("."),
            [one] => one.clone(),
            _ => bail!(super::UsageError(
                "scan takes one PATH (several only with --agents or --shell-history)".into()
            )),
        };
        if self.install_hook {
            return install_hook(ctx, &root);
        }
        if !root.exists() {
            bail!(crate::Error::NotFound {
                what: format!("path {}", root.display()),
                suggestion: None,
            });
        }
        let (ignore_dir, ignore) = ignore_file(&root);
        let mut vault = ctx.unlock()?;
        let matcher = vault.scan_matcher_with(self.min_length, self.include_plain, &ignore.keys)?;
        let mut findings = Vec::new();
        if self.staged {
            findings = scan::scan_staged(&matcher, &root)?;
        } else {
            let walked = scan::scan_tree(&matcher, &root, self.include_ignored)?;
            if walked.ignored > 0 && !self.json {
                crate::os::console::status!(
                    "{} git-ignored {} not scanned (--include-ignored scans them).",
                    walked.ignored,
                    if walked.ignored == 1 { "file" } else { "files" }
                );
            }
            findings.extend(walked.findings);
            if self.git_history {
                findings.extend(scan::scan_history(&matcher, &root)?);
            }
        }
        drop(matcher);
        findings.retain(|f| {
            let rel = std::path::absolute(&f.path)
                .ok()
                .and_then(|a| a.strip_prefix(&ignore_dir).ok().map(Path::to_path_buf));
            !rel.is_some_and(|r| ignore.skips_path(&r.to_string_lossy()))
        });
        let exports = vault.exports()?;
        let (own, findings): (Vec<Finding>, Vec<Finding>) = findings
            .into_iter()
            .partition(|f| f.commit.is_none() && is_own_export(&root, f, &exports));
        for f in &own {
            crate::os::console::status!(
                "{}:{}: {} ({}): devvault's own export of {}, not a leak (`devvault doctor` lists exports)",
                f.path,
                f.line,
                f.key,
                f.scope,
                f.scope
            );
        }
        super::sweep::report(&findings, self.json)?;
        if !findings.is_empty() {
            let n = findings.len();
            bail!(
                "{n} {} a vault value; remove {}, and rotate any key that was committed or shared (a line can be allowed with a `devvault:allow` comment, a key or path in {})",
                if n == 1 { "place holds" } else { "places hold" },
                if n == 1 { "it" } else { "them" },
                scan::filter::IGNORE_FILE
            );
        }
        Ok(())
    }
}

/// The nearest `.devvault-scan-ignore` from `root` up to the repository's top, with the
/// directory its paths are relative to.
fn ignore_file(root: &Path) -> (PathBuf, scan::filter::Ignore) {
    let Ok(start) = std::path::absolute(root) else {
        return Default::default();
    };
    let start = if start.is_dir() {
        start
    } else {
        start.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    for dir in start.ancestors() {
        if let Ok(text) = std::fs::read_to_string(dir.join(scan::filter::IGNORE_FILE)) {
            return (dir.to_path_buf(), scan::filter::Ignore::parse(&text));
        }
        if dir.join(".git").exists() {
            break;
        }
    }
    Default::default()
}

/// Whether finding `f` is in a file devvault itself wrote with `export -o` for its scope.
fn is_own_export(root: &Path, f: &Finding, exports: &[crate::vault::ExportRecord]) -> bool {
    let path = if root.is_dir() || Path::new(&f.path).is_absolute() {
        PathBuf::from(&f.path)
    } else {
        root.to_path_buf()
    };
    let Ok(abs) = std::path::absolute(&path) else {
        return false;
    };
    exports.iter().any(|e| e.path == abs && e.scope == f.scope)
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
        "#!/bin/sh\n{HOOK_MARK}: blocks a commit whose staged content holds a vault value.\n\
         out=$({} --vault {} scan --staged 2>&1)\n\
         code=$?\n\
         [ \"$code\" -eq 0 ] && exit 0\n\
         printf '%s\\n' \"$out\" | sed 's/^/devvault pre-commit: /' >&2\n\
         if [ \"$code\" -eq 3 ]; then\n\
         \x20 echo 'devvault pre-commit: the vault is locked and there is no terminal to ask on (a GUI git client?): run `devvault unlock --for 8h` in a terminal, or `devvault keychain enable`, then commit again.' >&2\n\
         fi\n\
         echo 'devvault pre-commit: the commit was stopped. To commit once without this check: git commit --no-verify' >&2\n\
         exit 1\n",
        q(&exe),
        q(&vault)
    );
    crate::os::private_file::replace(&hook, script.as_bytes(), 0o755)?;
    crate::os::console::status!("installed {}", hook.display());
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
        crate::os::console::status!(
            "warning: this repository runs its hooks from {dir} (core.hooksPath), so git will not run this one; add `devvault scan --staged` to the pre-commit hook there"
        );
    }
}
