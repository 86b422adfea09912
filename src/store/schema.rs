//! Schema versions and migrations (`migrations/NNN_*.sql`, tracked in `PRAGMA user_version`).
//! A vault from an older version is copied to `vault.db.bak-vN` (mode 0600) before it is
//! migrated; a vault from a newer version is refused rather than misread.

use crate::error::{Error, Result};
use rusqlite::Connection;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

const MIGRATIONS: &[&str] = &[
    include_str!("migrations/001_init.sql"),
    include_str!("migrations/002_audit_policy.sql"),
    include_str!("migrations/003_onboarding.sql"),
    include_str!("migrations/004_remote.sql"),
    include_str!("migrations/005_compact_records.sql"),
];

/// The schema version this build writes.
pub const CURRENT: i64 = MIGRATIONS.len() as i64;

pub fn migrate(conn: &Connection, path: &Path) -> Result<()> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > CURRENT {
        return Err(Error::invalid(
            format!(
                "{} is a vault of schema version {version}; this devvault reads up to {CURRENT}",
                path.display()
            ),
            "upgrade devvault",
        ));
    }
    if version == CURRENT {
        return Ok(());
    }
    if version > 0 {
        backup(conn, path, version)?;
    }
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let result = (|| {
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            conn.execute_batch(sql)?;
            conn.pragma_update(None, "user_version", i as i64 + 1)?;
        }
        Ok::<_, rusqlite::Error>(())
    })();
    match result {
        Ok(()) => conn.execute_batch("COMMIT")?,
        Err(e) => {
            conn.execute_batch("ROLLBACK")?;
            return Err(e.into());
        }
    }
    Ok(())
}

fn backup(conn: &Connection, path: &Path, version: i64) -> Result<()> {
    let dest = super::sidecar(path, &format!(".bak-v{version}"));
    let tmp = super::sidecar(path, &format!(".bak-v{version}.tmp"));
    let _ = std::fs::remove_file(&tmp);
    // Created empty here, 0600 and exclusively (a link placed there is refused, never
    // followed), then filled by SQLite and renamed over the old backup.
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&tmp)
        .map_err(|e| Error::io(format!("cannot create backup {}", tmp.display()), e))?;
    conn.execute("VACUUM INTO ?1", [tmp.to_string_lossy()])?;
    std::fs::rename(&tmp, &dest)
        .map_err(|e| Error::io(format!("cannot write backup {}", dest.display()), e))
}
