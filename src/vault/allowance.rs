//! The dangerous env names (see [`crate::dangerous`]) the user allowed for `run` in a
//! scope, kept as sealed `extras` records (`A`): set only by `devvault allow-env` on this
//! machine, never by a bundle or a pull.

use super::extras::{self, Extra};
use super::trust::{encode, load_all};
use super::{Vault, state};
use crate::audit::{Event, EventKind};
use crate::dangerous;
use crate::error::{Error, Result};
use crate::model::{KeyName, Scope};
use crate::secret::SecretValue;
use serde::{Deserialize, Serialize};

/// The dangerous names the user allowed for `run` in one scope.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvAllowance {
    /// The scope (`project/env`).
    pub scope: String,
    /// The names allowed.
    pub names: Vec<String>,
}

/// Every allowance with its row id; a malformed record is an integrity error.
fn allowances(rows: Vec<(crate::store::SealedRow, Extra)>) -> Result<Vec<(i64, EnvAllowance)>> {
    rows.into_iter()
        .filter_map(|(r, x)| match x {
            Extra::Allow(json) => Some(
                serde_json::from_slice(&json)
                    .map(|a| (r.id, a))
                    .map_err(|_| Error::integrity("an env allowance record is malformed")),
            ),
            _ => None,
        })
        .collect()
}

impl Vault {
    /// The scope's keys and values for `run`, recorded as a run; refused (nothing read
    /// past the names, nothing recorded) while the scope holds a dangerous name that is
    /// neither in `allowed` (`--allow-env`) nor allowed for the scope (`allow-env`).
    pub fn export_for_run(
        &mut self,
        scope: &Scope,
        allowed: &[String],
    ) -> Result<Vec<(KeyName, SecretValue)>> {
        let want = scope.to_string();
        self.export_gated(scope, EventKind::Run, &|tx, keys, names| {
            let flagged = dangerous::find(names.iter().map(|k| k.as_str()));
            if flagged.is_empty() {
                return Ok(());
            }
            let mut ok = allowed.to_vec();
            let h = state::header(tx, keys)?;
            for (_, a) in allowances(extras::load(tx, keys, &h)?)? {
                if a.scope == want {
                    ok.extend(a.names);
                }
            }
            let missing = dangerous::not_allowed(&flagged, &ok);
            if missing.is_empty() {
                return Ok(());
            }
            Err(Error::invalid(
                format!(
                    "{want} sets {}, names that change how programs load code or find binaries; nothing was run",
                    missing.join(", ")
                ),
                format!(
                    "if you set them yourself, pass {} (or allow them for this scope with `devvault allow-env {want} {}`)",
                    dangerous::allow_flags(&missing),
                    missing.join(" ")
                ),
            ))
        })
    }

    /// The dangerous names allowed for `run` in `scope`.
    pub fn env_allowed(&mut self, scope: &Scope) -> Result<Vec<String>> {
        let keys = &self.keys;
        let want = scope.to_string();
        self.store.read(|tx| {
            Ok(allowances(load_all(tx, keys)?)?
                .into_iter()
                .find(|(_, a)| a.scope == want)
                .map(|(_, a)| a.names)
                .unwrap_or_default())
        })
    }

    /// Sets the dangerous names allowed for `run` in `scope` (empty: none).
    pub fn set_env_allowed(&mut self, scope: &Scope, mut names: Vec<String>) -> Result<()> {
        names.sort();
        names.dedup();
        let keys = &self.keys;
        let want = scope.to_string();
        self.store.write(|tx| {
            let mut h = state::header(tx, keys)?;
            let old: Vec<i64> = allowances(extras::load(tx, keys, &h)?)?
                .into_iter()
                .filter(|(_, a)| a.scope == want)
                .map(|(id, _)| id)
                .collect();
            let event = Event::new(EventKind::Policy)
                .scope(scope)
                .detail(format!("env names allowed for run: {}", names.join(" ")));
            let plain = match names.is_empty() {
                true => None,
                false => Some(encode(
                    b'A',
                    &EnvAllowance {
                        scope: want.clone(),
                        names: names.clone(),
                    },
                )?),
            };
            extras::change(tx, keys, &mut h, &old, plain.as_deref(), &event)
        })
    }
}
