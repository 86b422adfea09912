//! `devvault pull [SCOPE] | --all`: brings a team remote's changes in through the vault's
//! normal write path (replaced values kept in history); a scope with local changes not
//! pushed stops unless `--theirs` or `--ours` says which side wins. Each scope's changes
//! are previewed first (hints, notes, dangerous names; never values) and confirmed on a
//! terminal (`--yes` skips the question, `--dry-run` stops there); an entry setting a
//! dangerous name lands only when each is named (`--allow-env NAME`). A scope deleted on
//! the remote is named and kept unless `--accept-deletion`. `--all` names the paths it
//! skips, reports each scope and goes on past a bad one, exiting non-zero at the end.

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
    /// When the remote entry was deleted, destroyed or erased, remove the local scope's keys
    /// too (they stay in history)
    #[arg(long)]
    accept_deletion: bool,
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
        let scopes = self.scopes(ctx, &mut vault, &config, &access)?;
        let mut reports = Vec::new();
        let mut failed: Vec<(String, Error)> = Vec::new();
        let mut gate = |s: &Scope, p: &PullPreview| self.gate(s, p, &config.name);
        for scope in &scopes {
            let pulled = vault.pull_gated(
                Some(&config.name),
                scope,
                &access,
                resolution,
                self.accept_deletion,
                &mut gate,
            );
            match pulled {
                Ok(r) => reports.push(r),
                Err(e @ Error::NotFound { .. }) if self.all => {
                    crate::os::console::status!("note: nothing to pull: {e}");
                }
                Err(e) if self.all && per_scope(&e) => {
                    let text = e.to_string();
                    crate::os::console::status!("error: {}", crate::text::Escaped::message(&text));
                    failed.push((scope.to_string(), e));
                }
                Err(e) => return Err(e.into()),
            }
        }
        if self.json {
            crate::os::console::report!("{}", serde_json::to_string_pretty(&reports)?);
        } else {
            reports.iter().for_each(|r| show(r, &config.name));
        }
        if let Some(e) = summary(&failed, scopes.len()) {
            return Err(e.into());
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

/// Whether `pull --all` reports `e` for its scope and goes on: a conflict or a deletion
/// waiting for a choice, dangerous names not allowed, an entry that cannot be read.
fn per_scope(e: &Error) -> bool {
    matches!(e, Error::Conflict { .. } | Error::InvalidInput { .. })
        || crate::kv::client::is_bad_entry(e)
}

/// The error `pull --all` ends with when scopes were not pulled: it names them, and keeps
/// the exit code of the first (7 for a conflict or deletion, 1 for dangerous names, 6 for
/// an unreadable entry).
fn summary(failed: &[(String, Error)], total: usize) -> Option<Error> {
    let (_, first) = failed.first()?;
    let names: Vec<&str> = failed.iter().map(|(s, _)| s.as_str()).collect();
    let what = format!(
        "{} of {total} scopes not pulled: {}",
        failed.len(),
        names.join(", ")
    );
    let fix = "see each scope's error above (pull it alone with --theirs, --ours, --accept-deletion or --allow-env NAME, or fix its entry on the server)".to_string();
    Some(match first {
        Error::Conflict { .. } => Error::Conflict { what, fix },
        Error::Remote { remote, url, .. } => Error::Remote {
            remote: remote.clone(),
            url: url.clone(),
            status: None,
            what,
            fix,
        },
        _ => Error::invalid(what, fix),
    })
}

impl Pull {
    /// The scope given (or linked), or with `--all` every scope on the remote, naming the
    /// paths under the prefix that are skipped.
    fn scopes(
        &self,
        ctx: &super::Ctx,
        vault: &mut crate::Vault,
        config: &crate::kv::RemoteConfig,
        access: &crate::kv::Access,
    ) -> Result<Vec<Scope>> {
        if !self.all {
            return Ok(vec![ctx.scope(self.scope.as_deref())?]);
        }
        let (scopes, skipped) = vault.remote_scopes(Some(&config.name), access)?;
        if !skipped.is_empty() {
            crate::os::console::status!(
                "skipped under {}/metadata/{} (not PROJECT/ENV scopes): {}",
                config.mount,
                config.prefix,
                skipped.join(", ")
            );
        }
        Ok(scopes)
    }

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
        "deletion-accepted" => crate::os::console::status!(
            "{scope}: deleted on {remote} (version {}), so its {} keys were removed here (kept in history)",
            r.version,
            r.removed.len()
        ),
        "local-ahead" => crate::os::console::status!(
            "{scope}: nothing new on {remote}; your changes are not pushed yet (`devvault push {scope}`)"
        ),
        _ => {
            crate::os::console::status!("{scope} is in sync with {remote} (version {})", r.version)
        }
    }
}
