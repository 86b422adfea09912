//! `devvault check [SCOPE] | --env`: the scope (or the process environment) against the
//! schema in the repository's `.env.example` comments (see [`crate::schema`]): missing
//! required keys, values not in their format, values older than their max-age, keys the
//! schema does not list. Names and rules only, never values; exit 1 on a problem.

use crate::audit::EventKind;
use crate::schema::{self, Present, Problem};
use anyhow::{Context, Result, bail};
use clap::Args;
use serde::Serialize;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct Check {
    /// PROJECT[/ENV] [default: from .devvault.toml]
    scope: Option<String>,
    /// Check this process's environment instead of the vault (for CI; no vault needed)
    #[arg(long, conflicts_with = "scope")]
    env: bool,
    /// The schema [default: .env.example here, else up to the .devvault.toml or .git directory]
    #[arg(long, value_name = "FILE")]
    file: Option<PathBuf>,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Report<'a> {
    checked: String,
    schema: String,
    keys: usize,
    problems: &'a [Problem],
}

impl Check {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let file = super::onboard::example_file(self.file.as_ref())?;
        let name = file.display().to_string();
        let text = std::fs::read_to_string(&file).with_context(|| format!("cannot read {name}"))?;
        let schema = schema::parse(&text, &name)?;
        let now = crate::vault::now();
        let (checked, problems) = if self.env {
            let vars: Vec<(String, String)> = std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .collect();
            let present: Vec<Present> = vars
                .iter()
                .map(|(k, v)| Present {
                    key: k,
                    value: Some(v),
                    updated: None,
                })
                .collect();
            let problems = schema::check(&schema, &present, now, false);
            ("the environment".to_string(), problems)
        } else {
            let scope = ctx.scope(self.scope.as_deref())?;
            let mut vault = ctx.unlock()?;
            let (values, metas) = match vault.export_for(&scope, EventKind::Check) {
                Ok(values) => (values, vault.list(&scope)?),
                Err(crate::Error::NotFound { .. }) => Default::default(),
                Err(e) => return Err(e.into()),
            };
            let present: Vec<Present> = values
                .iter()
                .map(|(k, v)| Present {
                    key: k.as_str(),
                    value: Some(v.expose_secret()),
                    updated: metas.iter().find(|m| &m.key == k).map(|m| m.updated),
                })
                .collect();
            (
                scope.to_string(),
                schema::check(&schema, &present, now, true),
            )
        };
        let printed = self.print(&checked, &name, schema.len(), &problems);
        // The verdict is the exit code: a reader that closed the pipe (`| head`) or a
        // failing stdout never turns a failed check into a pass.
        if problems.is_empty() {
            printed?;
        } else {
            let n = problems.len();
            bail!(
                "{checked} does not match {name}: {n} {}",
                if n == 1 { "problem" } else { "problems" }
            );
        }
        Ok(())
    }

    fn print(&self, checked: &str, name: &str, keys: usize, problems: &[Problem]) -> Result<()> {
        if self.json {
            let report = Report {
                checked: checked.to_string(),
                schema: name.to_string(),
                keys,
                problems,
            };
            return super::output::json(&report);
        }
        // A rule's text comes from the checkout (a cloned `.env.example`): escaped.
        for p in problems {
            crate::os::console::outln!("{}", crate::text::Escaped::line(&p.line()))?;
        }
        if problems.is_empty() {
            crate::os::console::status!("{checked} matches {name} ({keys} keys).");
        }
        Ok(())
    }
}
