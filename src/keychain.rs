//! OS keychain glue (placeholder until the keychain slot lands).

use anyhow::Result;
use devvault::VaultKey;

/// The keychain slot's key for this vault, if the keychain holds one.
pub fn load(_vault_id: &str) -> Result<Option<VaultKey>> {
    Ok(None)
}
