//! A pull or push that finds no live remote entry: the entry was deleted (`kv delete`),
//! its latest version destroyed (`kv destroy`) or erased with its metadata (`kv metadata
//! delete`). Each is named with the two ways on (`push --recreate`, `pull
//! --accept-deletion`); nothing is resurrected or removed without the user's word.

use super::PullPreview;
use crate::error::{Error, Result};
use crate::kv::RemoteConfig;
use crate::kv::payload::Entry;
use crate::kv::plan::{self, Base, Digest, State, SyncReport};
use crate::model::Scope;
use crate::vault::Vault;

/// The error of a scope whose remote entry went away: how, and the two ways on.
pub(super) fn gone_error(config: &RemoteConfig, scope: &Scope, st: State, version: u64) -> Error {
    let how = st.gone().map_or("", plan::Gone::how);
    let undelete = match st {
        State::RemoteDeleted => format!(
            "; or bring the server's copy back with `bao kv undelete -mount={} -versions={version} {}`",
            config.mount,
            config.path(scope)
        ),
        _ => String::new(),
    };
    Error::Conflict {
        what: format!(
            "{scope} is {} `{}` ({}, version {version}): {how}",
            st.as_str(),
            config.name,
            config.location(scope)
        ),
        fix: format!(
            "restore it from your copy with `devvault push {scope} --recreate`, or remove the local scope with `devvault pull {scope} --accept-deletion` (its values stay in history){undelete}"
        ),
    }
}

/// A pull that found no live entry: what it knows.
pub(super) struct Gone<'a> {
    pub config: &'a RemoteConfig,
    pub scope: &'a Scope,
    pub st: State,
    pub version: u64,
    pub base: Option<Base>,
    pub local: Option<&'a [Entry]>,
    pub ldigest: Option<Digest>,
}

impl Vault {
    /// A pull of a scope with no live remote entry: a deletion is named and waits for the
    /// user's choice; accepted (`accept_deletion`), the local keys are removed (kept in
    /// history) through the gate. A deletion accepted earlier is in sync; a scope that was
    /// never there, or never here, is not found.
    pub(super) fn pull_gone(
        &mut self,
        g: Gone<'_>,
        accept_deletion: bool,
        gate: &mut dyn FnMut(&Scope, &PullPreview) -> Result<bool>,
    ) -> Result<SyncReport> {
        let (config, scope) = (g.config, g.scope);
        let empty = Base {
            version: g.version,
            digest: plan::digest(&[]),
        };
        let mut report = SyncReport::new(scope, g.st, "up-to-date", g.version);
        match (g.st.gone(), g.base) {
            (Some(_), _) if accept_deletion => {
                let preview = PullPreview::between(g.local.unwrap_or(&[]), &[]);
                if !preview.is_empty() && !gate(scope, &preview)? {
                    report.action = "declined";
                    return Ok(report);
                }
                report.action = "deletion-accepted";
                self.apply(&config.name, scope, &[], empty, g.ldigest, &mut report)?;
                Ok(report)
            }
            (Some(_), _) => Err(gone_error(config, scope, g.st, g.version)),
            (None, Some(_)) if g.st == State::InSync => {
                self.record_base(&config.name, scope, empty, None)?;
                Ok(report)
            }
            _ => Err(Error::NotFound {
                what: format!(
                    "{scope} on remote `{}` ({}{})",
                    config.name,
                    config.location(scope),
                    if g.version > 0 { ", deleted there" } else { "" }
                ),
                suggestion: None,
            }),
        }
    }
}
