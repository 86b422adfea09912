//! `devvault scope rm|mv|cp|inherit|diff`: the life of a scope. SCOPE is `PROJECT/ENV` for one
//! environment or `PROJECT` for the whole project. `rm`, `mv` and `cp` ask on a terminal
//! and take `--yes` in scripts; `diff` compares key names and values, printing names only.

use crate::{Scope, ScopeDiff, Target};
use anyhow::Result;
use clap::{Args, Subcommand};

#[derive(Args, Debug)]
pub struct ScopeCmd {
    #[command(subcommand)]
    action: Action,
}

#[derive(Subcommand, Debug)]
enum Action {
    /// Remove a scope's keys (kept in history), or with --purge the scope and its history
    Rm {
        /// PROJECT/ENV, or PROJECT for every environment of the project
        scope: String,
        /// Delete the scope with its history and policies; cannot be undone
        #[arg(long)]
        purge: bool,
        /// Do not ask (for scripts)
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Rename an environment (app/dev app/local) or a project with its environments (app new)
    Mv {
        old: String,
        new: String,
        /// Do not ask (for scripts)
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Copy keys with their notes, URLs and policies into another environment or project
    Cp {
        from: String,
        to: String,
        /// Replace keys the destination already holds (their values go to history)
        #[arg(long)]
        overwrite: bool,
        /// Do not ask (for scripts)
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Make an environment inherit another of its project (keys it does not set come from
    /// the parent at read time); --rm removes the link; no PARENT shows it
    Inherit {
        /// PROJECT/ENV that inherits
        child: String,
        /// PROJECT/ENV it inherits from
        #[arg(conflicts_with = "rm")]
        parent: Option<String>,
        /// Inherit nothing any more
        #[arg(long)]
        rm: bool,
    },
    /// Compare two environments by key: only in A, only in B, different, same (no values)
    Diff {
        a: String,
        b: String,
        /// Print JSON: {only_in_a, only_in_b, different, same}
        #[arg(long)]
        json: bool,
    },
}

fn target(s: &str) -> Result<Target> {
    Target::parse(s).map_err(|e| super::UsageError(e.to_string()).into())
}

impl ScopeCmd {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        match &self.action {
            Action::Rm { scope, purge, yes } => {
                let t = target(scope)?;
                let what = if *purge {
                    format!("Delete {t} with its history and policies for good?")
                } else {
                    format!("Remove every key of {t} (kept in history)?")
                };
                let mut vault = ctx.unlock()?;
                super::confirm::confirm(&what, *yes)?;
                let (scopes, n) = vault.remove_scope(&t, *purge)?;
                let names = join(scopes.iter());
                match purge {
                    true => crate::os::console::status!(
                        "Purged {names}: {n} {} and their history deleted.",
                        keys(n)
                    ),
                    false => crate::os::console::status!(
                        "Removed {n} {} from {names}; they are kept in history (`scope rm --purge` deletes them).",
                        keys(n)
                    ),
                }
                Ok(())
            }
            Action::Mv { old, new, yes } => {
                let (from, to) = (target(old)?, target(new)?);
                let mut vault = ctx.unlock()?;
                super::confirm::confirm(&format!("Rename {from} to {to}?"), *yes)?;
                for (s, t) in vault.rename_scope(&from, &to)? {
                    crate::os::console::status!("Renamed {s} to {t}.");
                }
                Ok(())
            }
            Action::Cp {
                from,
                to,
                overwrite,
                yes,
            } => {
                let (from, to) = (target(from)?, target(to)?);
                let mut vault = ctx.unlock()?;
                super::confirm::confirm(&format!("Copy the keys of {from} into {to}?"), *yes)?;
                for (s, t, r) in vault.copy_scope(&from, &to, *overwrite)? {
                    crate::os::console::status!(
                        "Copied {s} into {t}: {} added, {} changed, {} unchanged.",
                        r.added.len(),
                        r.changed.len(),
                        r.unchanged.len()
                    );
                }
                Ok(())
            }
            Action::Inherit { child, parent, rm } => super::inherit::run(
                ctx,
                &scope(child)?,
                parent.as_deref().map(scope).transpose()?,
                *rm,
            ),
            Action::Diff { a, b, json } => {
                let (a, b) = (scope(a)?, scope(b)?);
                let d = ctx.unlock()?.diff_scopes(&a, &b)?;
                if *json {
                    return super::output::json(&d);
                }
                print_diff(&a, &b, &d)
            }
        }
    }
}

fn scope(s: &str) -> Result<Scope> {
    Scope::parse(s).map_err(|e| super::UsageError(e.to_string()).into())
}

fn keys(n: usize) -> &'static str {
    if n == 1 { "key" } else { "keys" }
}

fn join<'a>(scopes: impl Iterator<Item = &'a Scope>) -> String {
    scopes.map(Scope::to_string).collect::<Vec<_>>().join(", ")
}

fn print_diff(a: &Scope, b: &Scope, d: &ScopeDiff) -> Result<()> {
    use std::io::Write;
    let mut out = crate::os::console::stdout();
    for (mark, list) in [
        ("<", &d.only_in_a),
        (">", &d.only_in_b),
        ("~", &d.different),
        ("=", &d.same),
    ] {
        for k in list {
            writeln!(out, "{mark} {k}")?;
        }
    }
    crate::os::console::status!(
        "{} only in {a}, {} only in {b}, {} different, {} same",
        d.only_in_a.len(),
        d.only_in_b.len(),
        d.different.len(),
        d.same.len()
    );
    Ok(())
}
