//! Rows of the `remotes` table: sealed remote settings and per-scope sync states. Bytes
//! only: the vault seals the bodies and keeps their MAC in the header.

use super::Tx;
use crate::error::Result;
use rusqlite::params;

/// One stored remote row.
pub struct RemoteRow {
    /// Record id (bound into the body's associated data).
    pub id: i64,
    /// The sealed body.
    pub body: Vec<u8>,
}

impl Tx<'_> {
    /// Every remote row, by id.
    pub fn remote_rows(&self) -> Result<Vec<RemoteRow>> {
        let mut st = self
            .0
            .prepare_cached("SELECT id, body FROM remotes ORDER BY id")?;
        Ok(st
            .query_map([], |r| {
                Ok(RemoteRow {
                    id: r.get(0)?,
                    body: r.get(1)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Inserts or replaces a remote row.
    pub fn put_remote_row(&self, row: &RemoteRow) -> Result<()> {
        self.0.execute(
            "INSERT OR REPLACE INTO remotes (id, body) VALUES (?1, ?2)",
            params![row.id, row.body],
        )?;
        Ok(())
    }

    /// Deletes one remote row.
    pub fn delete_remote_row(&self, id: i64) -> Result<()> {
        self.0.execute("DELETE FROM remotes WHERE id = ?1", [id])?;
        Ok(())
    }
}
