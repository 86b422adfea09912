//! The dangerous env names (see [`crate::dangerous`]) the user allowed for `run` in a
//! scope, kept as sealed `extras` records (`A`): set only by `devvault allow-env` on this
//! machine, never by a bundle or a pull.

use super::extras::{self, Extra};
use super::trust::{encode, load_all};
use super::{Vault, state};
use crate::audit::{Event, EventKind};
use crate::error::Result;
use crate::model::Scope;
use serde::{Deserialize, Serialize};

/// The dangerous names the user allowed for `run` in one scope.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvAllowance {
    /// The scope (`project/env`).
    pub scope: String,
    /// The names allowed.
    pub names: Vec<String>,
}

impl Vault {
    /// The dangerous names allowed for `run` in `scope`.
    pub fn env_allowed(&mut self, scope: &Scope) -> Result<Vec<String>> {
        let keys = &self.keys;
        let want = scope.to_string();
        self.store.read(|tx| {
            Ok(load_all(tx, keys)?
                .into_iter()
                .find_map(|(_, x)| match x {
                    Extra::Allow(a) if a.scope == want => Some(a.names),
                    _ => None,
                })
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
            let old: Vec<i64> = extras::load(tx, keys, &h)?
                .into_iter()
                .filter_map(|(r, x)| {
                    matches!(x, Extra::Allow(a) if a.scope == want).then_some(r.id)
                })
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
