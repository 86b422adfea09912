//! `devvault hook bash|zsh|fish|direnv`: prints the hook code a shell evaluates (see
//! [`crate::hook`]); with `--load` (what that code runs) prints the code that loads the
//! scope of the nearest allowed `.devvault.toml` into the shell, or clears it. `--load`
//! never prompts and never fails the shell: every problem is one `devvault: ...` line on
//! stderr naming the file or scope and the fix, and the shell's variables are cleared.

use crate::hook::{self, Shell};
use crate::vault::HookTrust;
use crate::{KeyName, Scope, SecretValue};
use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct Hook {
    /// The shell to print the hook for
    shell: ShellArg,
    /// Print the code that loads the current directory's scope (the hook runs this)
    #[arg(long, hide = true)]
    load: bool,
    /// With --load: say nothing about a scope that stays unloaded (a retry at a prompt)
    #[arg(long, hide = true, requires = "load")]
    quiet: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ShellArg {
    Bash,
    Zsh,
    Fish,
    Direnv,
}

impl From<ShellArg> for Shell {
    fn from(s: ShellArg) -> Shell {
        match s {
            ShellArg::Bash => Shell::Bash,
            ShellArg::Zsh => Shell::Zsh,
            ShellArg::Fish => Shell::Fish,
            ShellArg::Direnv => Shell::Direnv,
        }
    }
}

/// The nearest link file from the current directory, what it names and its digest.
pub(super) struct LinkFile {
    /// Its absolute path.
    pub path: PathBuf,
    /// The scope it names (with the user's environment applied).
    pub scope: Scope,
    /// [`hook::digest`] of it and its local file.
    pub digest: String,
}

/// The nearest usable link file, if any (see `link::nearest`).
pub(super) fn link_file() -> Result<Option<LinkFile>> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let Some(path) = super::link::nearest(&cwd) else {
        return Ok(None);
    };
    let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let local = std::fs::read(path.with_file_name(super::local_env::FILE)).ok();
    let scope = super::local_env::apply(&path, super::link::read(&path)?)?;
    let digest = hook::digest(&bytes, local.as_deref());
    Ok(Some(LinkFile {
        path,
        scope,
        digest,
    }))
}

/// Where the link file is (for the `devvault allow` fix).
pub(super) fn dir_of(link: &LinkFile) -> String {
    link.path
        .parent()
        .map(|d| d.display().to_string())
        .unwrap_or_default()
}

/// What `--load` found.
enum Outcome {
    /// Set these (the scope's keys the hook may set).
    Load(Scope, Vec<(KeyName, SecretValue)>),
    /// Nothing to load; `pending`: try again at the next prompt.
    Clear { pending: bool },
}

impl Hook {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let shell = Shell::from(self.shell);
        if !self.load {
            let exe = std::env::current_exe().context("cannot find devvault's own path")?;
            let text = hook::script(shell, &exe.to_string_lossy());
            return crate::os::console::product(text.as_bytes());
        }
        let link = match link_file() {
            Ok(l) => l,
            Err(e) => {
                self.say(&format!("{e:#}"));
                None
            }
        };
        let outcome = match &link {
            Some(l) => self.outcome(ctx, l),
            None => Outcome::Clear { pending: false },
        };
        let mut text = String::new();
        if shell == Shell::Direnv
            && let Some(l) = &link
        {
            let local = l.path.with_file_name(super::local_env::FILE);
            for p in [&l.path, &local] {
                let p = hook::quote_posix(&p.to_string_lossy());
                text.push_str(&format!("watch_file {p}\n"));
            }
        }
        match outcome {
            Outcome::Clear { pending } => text.push_str(&hook::clear(shell, pending)),
            Outcome::Load(scope, entries) => {
                let kept = self.filter(&entries);
                text.push_str(&hook::load(shell, &kept));
                crate::os::console::status!("devvault: loaded {scope} ({} keys)", kept.len());
            }
        }
        crate::os::console::product(text.as_bytes())
    }

    /// A line on stderr, unless this is a quiet retry.
    fn say(&self, line: &str) {
        if !self.quiet {
            let line = crate::text::Escaped::message(line);
            crate::os::console::status!("devvault: {line}");
        }
    }

    /// Unlock without asking, check the link is allowed as it is now, read the scope.
    fn outcome(&self, ctx: &super::Ctx, link: &LinkFile) -> Outcome {
        let scope = &link.scope;
        let dir = dir_of(link);
        let file = link.path.display();
        let vault_path = match ctx.vault_path() {
            Ok(p) if p.exists() => p,
            Ok(p) => {
                self.say(&format!(
                    "{file} names {scope}, but there is no vault at {}: devvault init",
                    p.display()
                ));
                return Outcome::Clear { pending: false };
            }
            Err(e) => {
                self.say(&format!("{e:#}"));
                return Outcome::Clear { pending: false };
            }
        };
        let mut vault = match crate::os::passphrase::unlock_cached(&vault_path) {
            Ok(Some(v)) => v,
            Ok(None) => {
                self.say(&format!("{scope} is locked: devvault unlock --for 8h"));
                return Outcome::Clear { pending: true };
            }
            Err(e) => {
                self.say(&format!("{scope}: {e:#}"));
                return Outcome::Clear { pending: false };
            }
        };
        match vault.hook_trust(&link.path, &link.digest) {
            Ok(HookTrust::Allowed) => {}
            Ok(HookTrust::Unknown) => {
                self.say(&format!(
                    "{file} (scope {scope}) is not allowed to load secrets into this shell: check it, then run `devvault allow` in {dir}"
                ));
                return Outcome::Clear { pending: true };
            }
            Ok(HookTrust::Changed) => {
                self.say(&format!(
                    "{file} changed since it was allowed (it now names {scope}); nothing loaded: check it, then run `devvault allow` in {dir}"
                ));
                return Outcome::Clear { pending: true };
            }
            Err(e) => {
                self.say(&format!("{e:#}"));
                return Outcome::Clear { pending: false };
            }
        }
        match vault.export_for(scope, crate::audit::EventKind::Hook) {
            Ok(entries) => Outcome::Load(scope.clone(), entries),
            Err(e @ crate::Error::NotFound { .. }) => {
                self.say(&format!(
                    "{file} names {scope}, which is not in the vault ({e}): add a key with `devvault set {scope} KEY`, or link another scope with `devvault link PROJECT/ENV` in {dir}"
                ));
                Outcome::Clear { pending: true }
            }
            Err(e @ crate::Error::MissingParent { .. }) => {
                self.say(&format!("{scope}: {e}"));
                Outcome::Clear { pending: true }
            }
            Err(e) => {
                self.say(&format!("{scope}: {e}"));
                Outcome::Clear { pending: false }
            }
        }
    }

    /// The entries the hook may set; one line names the others, by reason.
    fn filter<'a>(
        &self,
        entries: &'a [(KeyName, SecretValue)],
    ) -> Vec<(&'a KeyName, &'a SecretValue)> {
        let mut kept = Vec::with_capacity(entries.len());
        let mut skipped: Vec<(hook::Skip, Vec<&str>)> = Vec::new();
        for (k, v) in entries {
            match hook::skip(k, v) {
                None => kept.push((k, v)),
                Some(why) => match skipped.iter_mut().find(|(w, _)| *w == why) {
                    Some((_, names)) => names.push(k.as_str()),
                    None => skipped.push((why, vec![k.as_str()])),
                },
            }
        }
        for (why, names) in skipped {
            let names = crate::text::Escaped::message(&names.join(", ")).to_string();
            crate::os::console::status!("devvault: not set: {names}: {}", why.why());
        }
        kept
    }
}
