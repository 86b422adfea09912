//! Rows of the `policies` table: a scope's (empty `key_idx`) or a key's sealed maximum age.
//! Bytes only: the vault seals the bodies and keeps their MAC in the header.

use super::Tx;
use crate::error::Result;
use rusqlite::params;

/// One stored policy.
pub struct PolicyRow {
    /// Record id (bound into the body's associated data).
    pub id: i64,
    /// The scope it applies to.
    pub scope_id: i64,
    /// The key's blind index, or empty for the whole scope.
    pub key_idx: Vec<u8>,
    /// The sealed policy.
    pub body: Vec<u8>,
}

impl Tx<'_> {
    /// Every policy, by id.
    pub fn policies(&self) -> Result<Vec<PolicyRow>> {
        let mut st = self
            .0
            .prepare_cached("SELECT id, scope_id, key_idx, body FROM policies ORDER BY id")?;
        Ok(st
            .query_map([], |r| {
                Ok(PolicyRow {
                    id: r.get(0)?,
                    scope_id: r.get(1)?,
                    key_idx: r.get(2)?,
                    body: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Inserts or replaces the policy of (scope, key).
    pub fn put_policy(&self, p: &PolicyRow) -> Result<()> {
        self.0.execute(
            "INSERT OR REPLACE INTO policies (id, scope_id, key_idx, body) VALUES (?1, ?2, ?3, ?4)",
            params![p.id, p.scope_id, p.key_idx, p.body],
        )?;
        Ok(())
    }

    /// Deletes one policy row.
    pub fn delete_policy(&self, id: i64) -> Result<()> {
        self.0.execute("DELETE FROM policies WHERE id = ?1", [id])?;
        Ok(())
    }

    /// Deletes the history rows of one key of a scope; how many went.
    pub fn delete_history(&self, scope_id: i64, key_idx: &[u8]) -> Result<usize> {
        Ok(self.0.execute(
            "DELETE FROM history WHERE scope_id = ?1 AND key_idx = ?2",
            params![scope_id, key_idx],
        )?)
    }
}
