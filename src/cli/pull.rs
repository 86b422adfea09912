//! `devvault pull [SCOPE] | --all`: brings a team remote's changes in through the vault's
//! normal write path (replaced values kept in history); a scope with local changes not
//! pushed stops unless `--theirs` or `--ours` says which side wins.

use crate::kv::plan::{Resolution, SyncReport};
use crate::{Error, Scope};
use anyhow::{Result, bail};
use clap::Args;

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
        let mut reports = Vec::new();
        let mut conflicts = Vec::new();
        for scope in &scopes {
            match vault.pull(Some(&config.name), scope, &access, resolution) {
                Ok(r) => reports.push(r),
                Err(e @ Error::Conflict { .. }) if self.all => {
                    eprintln!("error: {e}");
                    conflicts.push(scope.to_string());
                }
                Err(e) => return Err(e.into()),
            }
        }
        if self.json {
            println!("{}", serde_json::to_string_pretty(&reports)?);
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

fn show(r: &SyncReport, remote: &str) {
    for (mark, list) in [("+", &r.added), ("~", &r.changed), ("-", &r.removed)] {
        for k in list {
            eprintln!("{mark} {k}");
        }
    }
    let scope = &r.scope;
    match r.action {
        "pulled" => eprintln!(
            "pulled {scope} from {remote} version {}: {} added, {} changed, {} removed (old values in history)",
            r.version,
            r.added.len(),
            r.changed.len(),
            r.removed.len()
        ),
        "kept-ours" => eprintln!(
            "{scope}: kept your values over {remote} version {}; `devvault push {scope}` overwrites it",
            r.version
        ),
        "local-ahead" => eprintln!(
            "{scope}: nothing new on {remote}; your changes are not pushed yet (`devvault push {scope}`)"
        ),
        _ => eprintln!("{scope} is in sync with {remote} (version {})", r.version),
    }
}
