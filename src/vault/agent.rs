//! What coding agents may do with a scope, kept as sealed `extras` records (`G`): whether
//! `run` redacts its output by default, and the commands `devvault mcp` may run with the
//! scope injected. Set only on this machine by the user (`devvault redact`, `devvault mcp
//! allow`), never by a bundle or a pull, and never by the MCP server itself.

use super::extras::{self, Extra};
use super::trust::{encode, load_all};
use super::{Vault, state};
use crate::audit::{Event, EventKind};
use crate::error::{Error, Result};
use crate::model::Scope;
use serde::{Deserialize, Serialize};

/// The agent settings of one scope.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentPolicy {
    /// The scope (`project/env`).
    pub scope: String,
    /// `run` redacts the scope's values from its output unless `--no-redact`.
    #[serde(default)]
    pub redact: bool,
    /// The commands (exact argument lists) the MCP server may run with the scope.
    #[serde(default)]
    pub commands: Vec<Vec<String>>,
}

impl AgentPolicy {
    fn is_empty(&self) -> bool {
        !self.redact && self.commands.is_empty()
    }

    /// Whether `cmd` is exactly one of the allowed commands.
    pub fn allows(&self, cmd: &[String]) -> bool {
        self.commands.iter().any(|c| c.as_slice() == cmd)
    }
}

/// Every policy with its row id; a malformed record is an integrity error.
fn policies(rows: Vec<(crate::store::SealedRow, Extra)>) -> Result<Vec<(i64, AgentPolicy)>> {
    rows.into_iter()
        .filter_map(|(r, x)| match x {
            Extra::Agent(json) => Some(
                serde_json::from_slice(&json)
                    .map(|a| (r.id, a))
                    .map_err(|_| Error::integrity("an agent policy record is malformed")),
            ),
            _ => None,
        })
        .collect()
}

impl Vault {
    /// Every scope's agent settings, sorted by scope.
    pub fn agent_policies(&mut self) -> Result<Vec<AgentPolicy>> {
        let keys = &self.keys;
        let mut all: Vec<AgentPolicy> = self.store.read(|tx| {
            Ok(policies(load_all(tx, keys)?)?
                .into_iter()
                .map(|(_, p)| p)
                .collect())
        })?;
        all.sort_by(|a, b| a.scope.cmp(&b.scope));
        Ok(all)
    }

    /// The agent settings of `scope` (nothing allowed when none were set).
    pub fn agent_policy(&mut self, scope: &Scope) -> Result<AgentPolicy> {
        let want = scope.to_string();
        Ok(self
            .agent_policies()?
            .into_iter()
            .find(|p| p.scope == want)
            .unwrap_or(AgentPolicy {
                scope: want,
                ..AgentPolicy::default()
            }))
    }

    /// Replaces the agent settings of `policy.scope` (audited as a policy change with
    /// `detail`, e.g. `mcp allow: npm test`).
    pub fn set_agent_policy(&mut self, mut policy: AgentPolicy, detail: &str) -> Result<()> {
        let scope = Scope::parse(&policy.scope)?;
        policy.commands.sort();
        policy.commands.dedup();
        let keys = &self.keys;
        self.store.write(|tx| {
            let mut h = state::header(tx, keys)?;
            let old: Vec<i64> = policies(extras::load(tx, keys, &h)?)?
                .into_iter()
                .filter(|(_, p)| p.scope == policy.scope)
                .map(|(id, _)| id)
                .collect();
            let event = Event::new(EventKind::Policy).scope(&scope).detail(detail);
            let plain = match policy.is_empty() {
                true => None,
                false => Some(encode(b'G', &policy)?),
            };
            extras::change(tx, keys, &mut h, &old, plain.as_deref(), &event)
        })
    }
}
