//! Reading the catalog from the vault for the TUI, so that a large vault opens at once: the
//! scope names and the first scope's keys make the first frame, and the other scopes' keys
//! follow in small batches while the user is idle ([`crate::tui::app::Effect::LoadScopes`]).
//! Only names and metadata: never a value.

use crate::{Error, Scope, SecretMeta, Vault};
use anyhow::Result;

/// Scopes with their keys' metadata.
pub type Listing = Vec<(Scope, Vec<SecretMeta>)>;

/// Every scope's name, with the keys of the first one listed; the others are pending.
pub fn first(vault: &mut Vault) -> Result<(Listing, Vec<Scope>)> {
    let mut scopes = vault.scopes()?;
    if scopes.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let head = scopes.remove(0);
    let metas = list_or_empty(vault, &head)?;
    Ok((vec![(head, metas)], scopes))
}

/// The keys of `scopes` (a scope removed meanwhile lists as empty).
pub fn batch(vault: &mut Vault, scopes: &[Scope]) -> Result<Listing> {
    scopes
        .iter()
        .map(|s| Ok((s.clone(), list_or_empty(vault, s)?)))
        .collect()
}

/// A scope's keys with those it inherits (the flattened scope, as export sees it).
pub fn flat(vault: &mut Vault, scope: &Scope) -> crate::Result<Vec<SecretMeta>> {
    Ok(vault
        .list_sources(scope)?
        .into_iter()
        .map(|l| l.meta)
        .collect())
}

/// A scope's keys (with those it inherits), or none when it is gone.
pub fn list_or_empty(vault: &mut Vault, scope: &Scope) -> Result<Vec<SecretMeta>> {
    match flat(vault, scope) {
        Ok(m) => Ok(m),
        Err(Error::NotFound { .. }) => Ok(Vec::new()),
        Err(e) => Err(e.into()),
    }
}
