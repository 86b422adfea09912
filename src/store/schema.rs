//! Schema versions and migrations (`migrations/NNN_*.sql`, tracked in `PRAGMA user_version`).
//! A vault from an older version is copied to `vault.db.bak-vN` (mode 0600) before it is
//! migrated; a vault from a newer version is refused rather than misread.

use crate::error::{Error, Result};
use rusqlite::Connection;
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
    if dest.exists() {
        std::fs::remove_file(&dest)
            .map_err(|e| Error::io(format!("cannot replace backup {}", dest.display()), e))?;
    }
    conn.execute("VACUUM INTO ?1", [dest.to_string_lossy()])?;
    std::fs::set_permissions(&dest, std::os::unix::fs::PermissionsExt::from_mode(0o600))
        .map_err(|e| Error::io(format!("cannot protect backup {}", dest.display()), e))
}
