//! Writes that would make a new project or environment: say so, and stop a likely typo
//! (`prdo` beside `prod`, see [`crate::model::is_near_name`]) unless `--create` is given
//! or the user says yes on the terminal.

use crate::{Scope, Vault};
use anyhow::{Result, bail};

/// Checks that writing to `scope` is meant; prints a line when it will be created.
pub fn check(vault: &mut Vault, scope: &Scope, create: bool) -> Result<()> {
    if vault.has_scope(scope)? {
        return Ok(());
    }
    let scopes = vault.scopes()?;
    let project_known = scopes.iter().any(|s| s.project == scope.project);
    let (what, name, mut known): (&str, &str, Vec<&str>) = if project_known {
        let envs = scopes.iter().map(|s| s.env.as_str()).collect();
        ("environment", scope.env.as_str(), envs)
    } else {
        let projects = scopes.iter().map(|s| s.project.as_str()).collect();
        ("project", scope.project.as_str(), projects)
    };
    known.sort_unstable();
    known.dedup();
    let near = known
        .into_iter()
        .find(|k| crate::model::is_near_name(name, k));
    if let (Some(near), false) = (near, create) {
        let question = format!(
            "{scope} would create the new {what} `{name}`, close to the existing `{near}`."
        );
        if !super::confirm::has_terminal() {
            bail!(super::UsageError(format!(
                "{question} Nothing was written; if `{name}` is meant, pass --create."
            )));
        }
        if !super::confirm::ask(&format!("{question} Create it?"))? {
            bail!(super::UsageError(format!(
                "Nothing was written; use `{near}`, or pass --create to make `{name}`."
            )));
        }
    }
    crate::os::console::status!("Creating {what} `{name}` ({scope}).");
    Ok(())
}
