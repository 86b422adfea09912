//! Rows of the `extras` table: the vault's own sealed records (its age identity, the list of
//! plaintext exports). Bytes only: the vault seals the bodies and keeps their MAC in the
//! header.

use super::Tx;
use crate::error::Result;
use rusqlite::params;

/// One stored extra record.
pub struct ExtraRow {
    /// Record id (bound into the body's associated data).
    pub id: i64,
    /// The sealed body.
    pub body: Vec<u8>,
}

impl Tx<'_> {
    /// Every extra record, by id.
    pub fn extras(&self) -> Result<Vec<ExtraRow>> {
        let mut st = self
            .0
            .prepare_cached("SELECT id, body FROM extras ORDER BY id")?;
        Ok(st
            .query_map([], |r| {
                Ok(ExtraRow {
                    id: r.get(0)?,
                    body: r.get(1)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Inserts or replaces one extra record.
    pub fn put_extra(&self, row: &ExtraRow) -> Result<()> {
        self.0.execute(
            "INSERT OR REPLACE INTO extras (id, body) VALUES (?1, ?2)",
            params![row.id, row.body],
        )?;
        Ok(())
    }
}
