//! `devvault pull [SCOPE] | --all`: brings a team remote's changes in through the vault's
//! normal write path (replaced values kept in history); a scope with local changes not
//! pushed stops unless `--theirs` or `--ours` says which side wins. Each scope's changes
//! are previewed first (hints, notes, dangerous names; never values) and confirmed on a
//! terminal (`--yes` skips the question, `--dry-run` stops there); an entry setting a
//! dangerous name lands only when each is named (`--allow-env NAME`).

use super::incoming;
use crate::kv::plan::{Resolution, SyncReport};
use crate::vault::PullPreview;
use crate::{Error, Scope};
use anyhow::{Result, bail};
use clap::Args;
use std::io::{IsTerminal, Write};

#[derive(Args, Debug)]
pub struct Pull {
    /// PROJECT[/ENV] (default: the linked scope)
    scope: Option<String>,
    /// Every scope under the remote's prefix
    #[arg(long, conflicts_with = "scope")]
    all: bool,
    /// On a conflict, take the remote's values (yours stay in history)
    #[arg(long, conflicts_with = "ours")]
    theirs: bool,
    /// On a conflict, keep your values; the next push overwrites the remote
    #[arg(long)]
    ours: bool,
    /// The remote (optional with one remote)
    #[arg(long)]
    remote: Option<String>,
    /// Print the results as JSON
    #[arg(long)]
    json: bool,
    /// Pull without asking on a terminal (dangerous names still need --allow-env)
    #[arg(long, short = 'y')]
    yes: bool,
    /// Only show what would change; import nothing
    #[arg(long)]
    dry_run: bool,
    /// Import this dangerous name (PATH, BASH_ENV, NODE_OPTIONS, GIT_*...); repeatable
    #[arg(long, value_name = "NAME")]
    allow_env: Vec<String>,
    /// Make a project or environment the remote brings even when its name is close to an
    /// existing one
    #[arg(long)]
    create: bool,
}

impl Pull {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let resolution = match (self.theirs, self.ours) {
            (true, _) => Some(Resolution::Theirs),
            (_, true) => Some(Resolution::Ours),
            _ => None,
        };
        let mut vault = ctx.unlock()?;
        let config = vault.remote(self.remote.as_deref())?;
        let access = super::remote::access(&vault, &config)?;
        let scopes: Vec<Scope> = if self.all {
            vault.remote_scopes(Some(&config.name), &access)?
        } else {
            vec![ctx.scope(self.scope.as_deref())?]
        };
        if !self.dry_run {
            for scope in &scopes {
                super::creation::check(&mut vault, scope, self.create)?;
            }
        }
        let mut reports = Vec::new();
        let mut conflicts = Vec::new();
        let mut refused = Vec::new();
        let mut gate = |s: &Scope, p: &PullPreview| self.gate(s, p, &config.name);
        for scope in &scopes {
            match vault.pull_gated(Some(&config.name), scope, &access, resolution, &mut gate) {
                Ok(r) => reports.push(r),
                Err(e @ Error::Conflict { .. }) if self.all => {
                    let text = e.to_string();
                    crate::os::console::status!("error: {}", crate::text::Escaped::message(&text));
                    conflicts.push(scope.to_string());
                }
                Err(e @ Error::InvalidInput { .. }) if self.all => {
                    crate::os::console::status!("error: {e}");
                    refused.push(scope.to_string());
                }
                Err(e) => return Err(e.into()),
            }
        }
        if !refused.is_empty() {
            bail!(
                "{} of {} scopes not pulled because of dangerous names: {}",
                refused.len(),
                scopes.len(),
                refused.join(", ")
            );
        }
        if self.json {
            crate::os::console::report!("{}", serde_json::to_string_pretty(&reports)?);
        } else {
            reports.iter().for_each(|r| show(r, &config.name));
        }
        if !conflicts.is_empty() {
            return Err(Error::Conflict {
                what: format!(
                    "{} of {} scopes stopped: {}",
                    conflicts.len(),
                    scopes.len(),
                    conflicts.join(", ")
                ),
                fix: "pull each with --theirs or --ours".into(),
            }
            .into());
        }
        if self.all && scopes.is_empty() {
            bail!(Error::NotFound {
                what: format!(
                    "any scope on remote `{}` under {}/metadata/{}",
                    config.name, config.mount, config.prefix
                ),
                suggestion: None
            });
        }
        Ok(())
    }
}

impl Pull {
    /// Shows what pulling `scope` changes and says whether it lands.
    fn gate(&self, scope: &Scope, p: &PullPreview, remote: &str) -> crate::Result<bool> {
        let io = |e: std::io::Error| Error::io("cannot print the preview", e);
        // With --json, stdout carries only the JSON report.
        let mut out: Box<dyn Write> = match self.json {
            // A report of a change: a full or closed stream must not stop the pull.
            true => Box::new(crate::os::console::report_stderr()),
            false => Box::new(crate::os::console::report_stdout()),
        };
        writeln!(out, "{scope} from {remote}:").map_err(io)?;
        for c in &p.changes {
            let word = incoming::outcome_word(c.outcome);
            incoming::write_line(&mut out, word, c.key.as_str(), Some(c)).map_err(|e| {
                Error::invalid("the preview", format!("it could not be printed ({e})"))
            })?;
        }
        for k in &p.removed {
            writeln!(out, "  {:<9} {k}", "removed").map_err(io)?;
        }
        out.flush().map_err(io)?;
        drop(out);
        if self.dry_run {
            return Ok(false);
        }
        let flagged = incoming::flagged(&p.changes);
        let source = format!("{remote}'s entry for {scope}");
        incoming::admit(&flagged, &self.allow_env, self.yes, &source)?;
        if self.yes || !std::io::stdin().is_terminal() {
            return Ok(true);
        }
        crate::os::console::prompt(format_args!("Pull these changes into {scope}? [y/N] "));
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .map_err(|e| Error::io("cannot read the answer", e))?;
        Ok(matches!(line.trim(), "y" | "Y" | "yes"))
    }
}

fn show(r: &SyncReport, remote: &str) {
    for (mark, list) in [("+", &r.added), ("~", &r.changed), ("-", &r.removed)] {
        for k in list {
            crate::os::console::status!("{mark} {k}");
        }
    }
    let scope = &r.scope;
    match r.action {
        "pulled" => crate::os::console::status!(
            "pulled {scope} from {remote} version {}: {} added, {} changed, {} removed (old values in history)",
            r.version,
            r.added.len(),
            r.changed.len(),
            r.removed.len()
        ),
        "kept-ours" => crate::os::console::status!(
            "{scope}: kept your values over {remote} version {}; `devvault push {scope}` overwrites it",
            r.version
        ),
        "declined" => crate::os::console::status!(
            "{scope}: nothing pulled from {remote} version {} (preview only or declined)",
            r.version
        ),
        "local-ahead" => crate::os::console::status!(
            "{scope}: nothing new on {remote}; your changes are not pushed yet (`devvault push {scope}`)"
        ),
        _ => {
            crate::os::console::status!("{scope} is in sync with {remote} (version {})", r.version)
        }
    }
}
