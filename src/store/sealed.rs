//! Tables of whole sealed records: `extras` (the vault's own records: its age identity, the
//! list of plaintext exports) and `remotes` (team remote settings and per-scope sync
//! states). Each row is an id and a body; bytes only: the vault seals the bodies (the id in
//! their associated data) and keeps one MAC per table in the header.

use super::Tx;
use crate::error::Result;
use rusqlite::params;

/// A table of sealed records.
#[derive(Clone, Copy, Debug)]
pub enum Sealed {
    /// `extras`: the vault's identity and export list.
    Extras,
    /// `remotes`: remote settings and sync states.
    Remotes,
}

impl Sealed {
    /// The table's name, also the label of its MAC.
    pub fn name(self) -> &'static str {
        match self {
            Sealed::Extras => "extras",
            Sealed::Remotes => "remotes",
        }
    }
}

/// One stored sealed record.
pub struct SealedRow {
    /// Record id (bound into the body's associated data).
    pub id: i64,
    /// The sealed body.
    pub body: Vec<u8>,
}

impl Tx<'_> {
    /// Every record of `table`, by id.
    pub fn sealed_rows(&self, table: Sealed) -> Result<Vec<SealedRow>> {
        let sql = format!("SELECT id, body FROM {} ORDER BY id", table.name());
        let mut st = self.0.prepare_cached(&sql)?;
        Ok(st
            .query_map([], |r| {
                Ok(SealedRow {
                    id: r.get(0)?,
                    body: r.get(1)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Inserts or replaces one record of `table`.
    pub fn put_sealed(&self, table: Sealed, row: &SealedRow) -> Result<()> {
        let sql = format!(
            "INSERT OR REPLACE INTO {} (id, body) VALUES (?1, ?2)",
            table.name()
        );
        self.0.execute(&sql, params![row.id, row.body])?;
        Ok(())
    }

    /// Deletes one record of `table`.
    pub fn delete_sealed(&self, table: Sealed, id: i64) -> Result<()> {
        let sql = format!("DELETE FROM {} WHERE id = ?1", table.name());
        self.0.execute(&sql, [id])?;
        Ok(())
    }
}
