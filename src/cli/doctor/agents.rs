//! doctor's check of the coding agents' settings in the repository: a settings file whose
//! permissions let an agent read `.env` files (see [`crate::scan::sweep::allows_reading_env`]).

use super::{Check, problem_at};
use crate::scan::sweep::{AGENT_SETTINGS, allows_reading_env};
use std::path::Path;

/// A problem for each agent settings file under `dir` or its ancestors up to the
/// repository's top that allows reading `.env`.
pub(super) fn checks(dir: &Path) -> Vec<Check> {
    let Ok(start) = std::path::absolute(dir) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for d in start.ancestors() {
        for name in AGENT_SETTINGS {
            let file = d.join(name);
            let Ok(text) = std::fs::read_to_string(&file) else {
                continue;
            };
            let rules = allows_reading_env(&text);
            if !rules.is_empty() {
                out.push(problem_at(
                    &file,
                    format!(
                        "{} lets a coding agent read .env files: {}",
                        file.display(),
                        rules.join(", ")
                    ),
                    "remove those rules from permissions.allow, add \"Read(./.env)\" and \"Read(./.env.*)\" to permissions.deny, and have the agent use `devvault run --redact` (`devvault agent-rules` prints the instructions)".into(),
                ));
            }
        }
        if d.join(".git").exists() {
            break;
        }
    }
    out
}
