//! Typed reads and writes of the vault's rows. Every blob here is ciphertext or a MAC made
//! by the vault; this file only moves bytes between SQLite and plain structs.

use super::Tx;
use crate::error::Result;
use rusqlite::{OptionalExtension, params};

/// The single header row.
pub struct Header {
    /// The schema/record format.
    pub format: i64,
    /// Random id bound into every ciphertext's associated data.
    pub vault_id: Vec<u8>,
    /// The next record id to hand out.
    pub next_record: i64,
    /// How many encryptions the vault key has made for records, names and policies (each
    /// audit entry is one more: they are counted by `audit`'s sequence number).
    pub encryptions: i64,
    /// One MAC per bucket of scopes (`id % 256`), 32 bytes each.
    pub buckets: Vec<u8>,
    /// The MAC over the header's counters, the bucket MACs and the two fields below.
    pub scopes_mac: Vec<u8>,
    /// The last audit entry's sequence number and tag (None before the first entry).
    pub audit: Option<(i64, Vec<u8>)>,
    /// The MAC over every policy row (None before the first policy).
    pub policies_mac: Option<Vec<u8>>,
    /// The MAC over every remote row (None before the first remote).
    pub remotes_mac: Option<Vec<u8>>,
    /// The MAC over every extra record (None before the first one).
    pub extras_mac: Option<Vec<u8>>,
}

/// A key slot: the vault key wrapped under a passphrase (or another key).
pub struct Slot {
    /// `passphrase` or `keychain`.
    pub kind: String,
    /// Canonical KDF parameters (empty for a random-key slot).
    pub kdf: String,
    /// KDF salt.
    pub salt: Vec<u8>,
    /// The sealed vault key.
    pub wrapped: Vec<u8>,
}

/// One scope row.
pub struct ScopeRow {
    /// Record id.
    pub id: i64,
    /// Blind index of the scope name.
    pub idx: Vec<u8>,
    /// Sealed `project/env`.
    pub name: Vec<u8>,
    /// MAC over the scope's current secrets.
    pub manifest: Vec<u8>,
    /// MAC over the scope's history.
    pub history_mac: Vec<u8>,
}

/// A secret or history record: sealed name, value and metadata.
pub struct Record {
    /// Record id.
    pub id: i64,
    /// The owning scope.
    pub scope_id: i64,
    /// Blind index of the key (unique per scope for secrets).
    pub idx: Vec<u8>,
    /// Sealed key name.
    pub name: Vec<u8>,
    /// Sealed value.
    pub value: Vec<u8>,
    /// Sealed metadata.
    pub meta: Vec<u8>,
}

fn record(r: &rusqlite::Row<'_>) -> rusqlite::Result<Record> {
    Ok(Record {
        id: r.get(0)?,
        scope_id: r.get(1)?,
        idx: r.get(2)?,
        name: r.get(3)?,
        value: r.get(4)?,
        meta: r.get(5)?,
    })
}

fn scope(r: &rusqlite::Row<'_>) -> rusqlite::Result<ScopeRow> {
    Ok(ScopeRow {
        id: r.get(0)?,
        idx: r.get(1)?,
        name: r.get(2)?,
        manifest: r.get(3)?,
        history_mac: r.get(4)?,
    })
}

/// Which table a record lives in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Table {
    /// Current values.
    Secrets,
    /// Earlier and deleted values.
    History,
}

impl Table {
    fn sql(self, tail: &str) -> String {
        match self {
            Table::Secrets => {
                format!("SELECT id, scope_id, idx, name, value, meta FROM secrets {tail}")
            }
            Table::History => {
                format!("SELECT id, scope_id, key_idx, name, value, meta FROM history {tail}")
            }
        }
    }
}

impl Tx<'_> {
    /// The header, if the vault has been initialised.
    pub fn header(&self) -> Result<Option<Header>> {
        Ok(self
            .0
            .query_row(
                "SELECT format, vault_id, next_record, encryptions, buckets, scopes_mac,
                 audit_seq, audit_tag, policies_mac, remotes_mac, extras_mac
                 FROM header WHERE id = 1",
                [],
                |r| {
                    let seq: Option<i64> = r.get(6)?;
                    let tag: Option<Vec<u8>> = r.get(7)?;
                    Ok(Header {
                        format: r.get(0)?,
                        vault_id: r.get(1)?,
                        next_record: r.get(2)?,
                        encryptions: r.get(3)?,
                        buckets: r.get(4)?,
                        scopes_mac: r.get(5)?,
                        // A half-present tail keeps `Some` with an empty tag: its MAC fails.
                        audit: match (seq, tag) {
                            (None, None) => None,
                            (s, t) => Some((s.unwrap_or(-1), t.unwrap_or_default())),
                        },
                        policies_mac: r.get(8)?,
                        remotes_mac: r.get(9)?,
                        extras_mac: r.get(10)?,
                    })
                },
            )
            .optional()?)
    }

    /// Writes the header row.
    pub fn put_header(&self, h: &Header) -> Result<()> {
        self.0.execute(
            "INSERT OR REPLACE INTO header (id, format, vault_id, next_record, encryptions, buckets,
             scopes_mac, audit_seq, audit_tag, policies_mac, remotes_mac, extras_mac)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                h.format,
                h.vault_id,
                h.next_record,
                h.encryptions,
                h.buckets,
                h.scopes_mac,
                h.audit.as_ref().map(|a| a.0),
                h.audit.as_ref().map(|a| &a.1),
                h.policies_mac,
                h.remotes_mac,
                h.extras_mac
            ],
        )?;
        Ok(())
    }

    /// The slot of `kind`, if any.
    pub fn slot(&self, kind: &str) -> Result<Option<Slot>> {
        Ok(self
            .0
            .query_row(
                "SELECT kind, kdf, salt, wrapped FROM slots WHERE kind = ?1",
                [kind],
                |r| {
                    Ok(Slot {
                        kind: r.get(0)?,
                        kdf: r.get(1)?,
                        salt: r.get(2)?,
                        wrapped: r.get(3)?,
                    })
                },
            )
            .optional()?)
    }

    /// Writes (or replaces) a slot.
    pub fn put_slot(&self, s: &Slot) -> Result<()> {
        self.0.execute(
            "INSERT OR REPLACE INTO slots (kind, kdf, salt, wrapped) VALUES (?1, ?2, ?3, ?4)",
            params![s.kind, s.kdf, s.salt, s.wrapped],
        )?;
        Ok(())
    }

    /// The kinds of every slot.
    pub fn slot_kinds(&self) -> Result<Vec<String>> {
        let mut st = self.0.prepare("SELECT kind FROM slots ORDER BY kind")?;
        Ok(st
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Deletes the slot of `kind`; true if it existed.
    pub fn delete_slot(&self, kind: &str) -> Result<bool> {
        Ok(self
            .0
            .execute("DELETE FROM slots WHERE kind = ?1", [kind])?
            > 0)
    }

    /// Every scope, by id.
    pub fn scopes(&self) -> Result<Vec<ScopeRow>> {
        let mut st = self.0.prepare_cached(
            "SELECT id, idx, name, manifest, history_mac FROM scopes ORDER BY id",
        )?;
        Ok(st.query_map([], scope)?.collect::<rusqlite::Result<_>>()?)
    }

    /// The scopes of one bucket (`id % 256`), by id.
    pub fn scopes_in_bucket(&self, bucket: i64) -> Result<Vec<ScopeRow>> {
        let mut st = self.0.prepare_cached(
            "SELECT id, idx, name, manifest, history_mac FROM scopes WHERE id % 256 = ?1 ORDER BY id",
        )?;
        Ok(st
            .query_map([bucket], scope)?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// The id of the scope with blind index `idx`.
    pub fn scope_id_by_idx(&self, idx: &[u8]) -> Result<Option<i64>> {
        let mut st = self
            .0
            .prepare_cached("SELECT id FROM scopes WHERE idx = ?1")?;
        Ok(st.query_row([idx], |r| r.get(0)).optional()?)
    }

    /// Inserts or replaces a scope row.
    pub fn put_scope(&self, s: &ScopeRow) -> Result<()> {
        self.0
            .prepare_cached(
                "INSERT INTO scopes (id, idx, name, manifest, history_mac) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(id) DO UPDATE SET idx = excluded.idx, name = excluded.name,
                 manifest = excluded.manifest, history_mac = excluded.history_mac",
            )?
            .execute(params![s.id, s.idx, s.name, s.manifest, s.history_mac])?;
        Ok(())
    }

    /// The records of `table` in scope `scope_id`, by id.
    pub fn records(&self, table: Table, scope_id: i64) -> Result<Vec<Record>> {
        let mut st = self
            .0
            .prepare_cached(&table.sql("WHERE scope_id = ?1 ORDER BY id"))?;
        Ok(st
            .query_map([scope_id], record)?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Number of current secrets per scope id.
    pub fn counts(&self) -> Result<Vec<(i64, usize)>> {
        let mut st = self
            .0
            .prepare_cached("SELECT scope_id, count(*) FROM secrets GROUP BY scope_id")?;
        Ok(st
            .query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as usize)))?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Inserts a record of `table`, or updates a current secret in place (same id and scope).
    pub fn put_record(&self, table: Table, r: &Record) -> Result<()> {
        let sql = match table {
            Table::Secrets => {
                "INSERT INTO secrets (id, scope_id, idx, name, value, meta) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(id) DO UPDATE SET idx = excluded.idx, name = excluded.name,
                 value = excluded.value, meta = excluded.meta"
            }
            Table::History => {
                "INSERT INTO history (id, scope_id, key_idx, name, value, meta) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
            }
        };
        self.0
            .prepare_cached(sql)?
            .execute(params![r.id, r.scope_id, r.idx, r.name, r.value, r.meta])?;
        Ok(())
    }

    /// Rewrites a record of `table` in place (same id and scope): for re-keying.
    pub fn update_record(&self, table: Table, r: &Record) -> Result<()> {
        let sql = match table {
            Table::Secrets => {
                "UPDATE secrets SET idx = ?2, name = ?3, value = ?4, meta = ?5 WHERE id = ?1"
            }
            Table::History => {
                "UPDATE history SET key_idx = ?2, name = ?3, value = ?4, meta = ?5 WHERE id = ?1"
            }
        };
        self.0
            .prepare_cached(sql)?
            .execute(params![r.id, r.idx, r.name, r.value, r.meta])?;
        Ok(())
    }

    /// Deletes a scope row with its secrets, history and policies (`scope rm --purge`).
    pub fn delete_scope(&self, id: i64) -> Result<()> {
        for sql in [
            "DELETE FROM secrets WHERE scope_id = ?1",
            "DELETE FROM history WHERE scope_id = ?1",
            "DELETE FROM policies WHERE scope_id = ?1",
            "DELETE FROM scopes WHERE id = ?1",
        ] {
            self.0.prepare_cached(sql)?.execute([id])?;
        }
        Ok(())
    }

    /// Deletes a current secret.
    pub fn delete_secret(&self, id: i64) -> Result<()> {
        self.0
            .prepare_cached("DELETE FROM secrets WHERE id = ?1")?
            .execute([id])?;
        Ok(())
    }
}
