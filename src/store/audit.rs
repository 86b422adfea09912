//! Rows of the audit log (`audit`: sealed bodies and chain tags) and of failed unlock
//! attempts waiting to be chained (`audit_pending`, written without the vault key). Bytes
//! only: sealing and chaining happen in the vault.

use super::{Header, Tx};
use crate::error::Result;
use rusqlite::params;

/// One stored audit entry.
pub struct AuditRow {
    /// Sequence number, 1 for the first entry.
    pub seq: i64,
    /// The sealed entry.
    pub body: Vec<u8>,
    /// HMAC chaining this entry to the previous one.
    pub tag: Vec<u8>,
}

/// A failed unlock attempt not yet in the chain.
pub struct Pending {
    /// Row id.
    pub id: i64,
    /// When (Unix seconds).
    pub at: i64,
    /// How many attempts this row stands for.
    pub count: i64,
}

/// At most this many pending rows; later failures are counted in the last one.
const MAX_PENDING: i64 = 1000;

impl Tx<'_> {
    /// Appends one audit entry.
    pub fn put_audit(&self, row: &AuditRow) -> Result<()> {
        self.0
            .prepare_cached("INSERT INTO audit (seq, body, tag) VALUES (?1, ?2, ?3)")?
            .execute(params![row.seq, row.body, row.tag])?;
        Ok(())
    }

    /// Rewrites one audit entry in place (same sequence number): for re-keying.
    pub fn update_audit(&self, row: &AuditRow) -> Result<()> {
        self.0
            .prepare_cached("UPDATE audit SET body = ?2, tag = ?3 WHERE seq = ?1")?
            .execute(params![row.seq, row.body, row.tag])?;
        Ok(())
    }

    /// Every audit entry, by sequence number.
    pub fn audit_rows(&self) -> Result<Vec<AuditRow>> {
        let mut st = self
            .0
            .prepare_cached("SELECT seq, body, tag FROM audit ORDER BY seq")?;
        Ok(st
            .query_map([], |r| {
                Ok(AuditRow {
                    seq: r.get(0)?,
                    body: r.get(1)?,
                    tag: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Rewrites only the header's audit tail and MAC, in place (the bucket MACs are
    /// unchanged), so that recording a read costs a page or two.
    pub fn put_header_tail(&self, h: &Header) -> Result<()> {
        self.0
            .prepare_cached(
                "UPDATE header SET audit_seq = ?1, audit_tag = ?2, scopes_mac = ?3 WHERE id = 1",
            )?
            .execute(params![
                h.audit.as_ref().map(|a| a.0),
                h.audit.as_ref().map(|a| &a.1),
                h.scopes_mac
            ])?;
        Ok(())
    }

    /// Records a failed unlock attempt at `at`.
    pub fn add_pending_failure(&self, at: i64) -> Result<()> {
        let n: i64 = self
            .0
            .query_row("SELECT count(*) FROM audit_pending", [], |r| r.get(0))?;
        if n >= MAX_PENDING {
            self.0.execute(
                "UPDATE audit_pending SET count = count + 1, at = ?1
                 WHERE id = (SELECT max(id) FROM audit_pending)",
                [at],
            )?;
        } else {
            self.0
                .execute("INSERT INTO audit_pending (at, count) VALUES (?1, 1)", [at])?;
        }
        Ok(())
    }

    /// Failed unlock attempts not yet chained, oldest first.
    pub fn pending_failures(&self) -> Result<Vec<Pending>> {
        let mut st = self
            .0
            .prepare_cached("SELECT id, at, count FROM audit_pending ORDER BY id")?;
        Ok(st
            .query_map([], |r| {
                Ok(Pending {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    count: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Whether any failed attempt waits to be chained.
    pub fn has_pending_failures(&self) -> Result<bool> {
        let mut st = self
            .0
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM audit_pending)")?;
        Ok(st.query_row([], |r| r.get(0))?)
    }

    /// Deletes pending rows up to `id` (once chained).
    pub fn clear_pending_failures(&self, up_to: i64) -> Result<()> {
        self.0
            .execute("DELETE FROM audit_pending WHERE id <= ?1", [up_to])?;
        Ok(())
    }
}
