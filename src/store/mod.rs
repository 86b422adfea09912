//! The SQLite store: opening with the pragmas of the security design checked, file modes,
//! versioned migrations, and typed access to rows. It sees only ciphertext, blind indexes
//! and counters: it never receives a plaintext name or value, and it does no cryptography.

mod audit;
mod policies;
mod rows;
mod schema;
mod sealed;

pub use audit::AuditRow;
pub use policies::PolicyRow;
pub use rows::{Header, Record, ScopeRow, Slot, Table};
pub use sealed::{Sealed, SealedRow};

use crate::error::{Error, Result};
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The WAL size past which a read's audit entry is checkpointed at once (see
/// [`Store::write_relaxed`]).
const WAL_READS_MAX: u64 = 256 << 10;

/// An open vault database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// Whether a `synchronous=FULL` write was made through this connection.
    wrote: bool,
    /// Why the vault cannot be written (a read-only file system or file), when it cannot:
    /// reads work, writes fail at once with this reason.
    readonly: Option<String>,
}

impl Store {
    /// Creates a new, empty vault file (and its directory, mode 0700). Fails if it exists.
    pub fn create(path: &Path) -> Result<Store> {
        if path.exists() {
            return Err(Error::invalid(
                format!("a vault already exists at {}", path.display()),
                "use it, or pass --vault PATH to create another",
            ));
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)
                .map_err(|e| Error::io(format!("cannot create {}", dir.display()), e))?;
        }
        // Create the file 0600 before SQLite opens it; SQLite gives -wal/-shm the same mode.
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode_0600()
            .open(path)
            .map_err(|e| Error::io(format!("cannot create {}", path.display()), e))?;
        let store = Self::connect(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
        schema::migrate(&store.conn, path)?;
        Ok(store)
    }

    /// Opens an existing vault, refusing loose file modes, and migrates its schema.
    pub fn open(path: &Path) -> Result<Store> {
        let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::NotFound {
                what: format!(
                    "vault {} (run `devvault init` to create one)",
                    path.display()
                ),
                suggestion: None,
            },
            _ => Error::io(format!("cannot read {}", path.display()), e),
        })?;
        check_mode(path, meta.permissions().mode())?;
        for suffix in ["-wal", "-shm"] {
            let side = sidecar(path, suffix);
            if let Ok(m) = std::fs::metadata(&side) {
                check_mode(&side, m.permissions().mode())?;
            }
        }
        let store = Self::connect(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
        if store.readonly.is_none() {
            schema::migrate(&store.conn, path).map_err(|e| e.in_file(path))?;
        }
        Ok(store)
    }

    fn connect(path: &Path, flags: OpenFlags) -> Result<Store> {
        crate::error::forget_log();
        let conn = Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .map_err(|e| Error::from(e).in_file(path))?;
        // The errno of SQLite's failed read-write open, if it fell back to read-only.
        let errno = std::io::Error::last_os_error();
        // SQLite opens a file it cannot open for writing read-only without a word: say
        // why, and refuse when the reason is a failing disk rather than a read-only file.
        let readonly = match conn.is_readonly(rusqlite::MAIN_DB)? {
            true => Some(readonly_reason(path, errno)?),
            false => None,
        };
        Self::configure(conn, path, readonly).map_err(|e| e.in_file(path))
    }

    fn configure(mut conn: Connection, path: &Path, readonly: Option<String>) -> Result<Store> {
        // Another process holds the write lock: short sleeps (SQLite's default grows them to
        // 100 ms, so a waiting writer idled long after the lock was free), about 10 s in all
        // before `database is locked` reaches the user.
        conn.busy_handler(Some(wait_for_lock))?;
        // Keep -wal and -shm between runs (emptied, mode 0600): creating and deleting them
        // was most of a short command's kernel time.
        conn.file_control(
            Some(rusqlite::MAIN_DB),
            rusqlite::FileControl::PersistWal(&mut 1),
        )?;
        conn.pragma_update(None, "journal_size_limit", 0)?;
        let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
        conn.execute_batch(
            "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;",
        )?;
        let sync: i64 = conn.query_row("PRAGMA synchronous", [], |r| r.get(0))?;
        let fk: i64 = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
        let sd: i64 = conn.query_row("PRAGMA secure_delete", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") || sync != 2 || fk != 1 || sd != 1 {
            return Err(Error::Unsafe {
                what: format!(
                    "SQLite refused the required settings for {}",
                    path.display()
                ),
                fix: "check that the file system supports WAL and file locking".into(),
            });
        }
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            wrote: false,
            readonly,
        })
    }

    /// Why the vault cannot be written, if it cannot.
    pub fn readonly(&self) -> Option<&str> {
        self.readonly.as_deref()
    }

    /// The error of a write to a read-only vault.
    fn refuse_write(&self, why: &str) -> Error {
        Error::Storage {
            what: format!("{} is read-only ({why})", self.path.display()),
            fix: crate::error::READ_ONLY_FIX.into(),
            path: None,
        }
    }

    /// The vault file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `PRAGMA data_version`: changes when another connection commits (not this one).
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }

    /// Runs `f` inside one `BEGIN IMMEDIATE` transaction: all of it commits, or none.
    pub fn write<T>(&mut self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        if let Some(why) = &self.readonly {
            return Err(self.refuse_write(why));
        }
        if !self.wrote {
            self.wrote = true;
            self.conn
                .set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, false)?;
        }
        self.commit(f)
    }

    /// Runs `f` in a write transaction and commits. An error before COMMIT, or a COMMIT that
    /// failed before its commit record was written, changed nothing ([`Error::Storage`]);
    /// a sync that failed after it leaves the outcome unknown ([`Error::Unsettled`]).
    fn commit<T>(&mut self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        crate::error::forget_log();
        let path = &self.path;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| Error::from(e).in_file(path))?;
        let out = f(&Tx(&tx)).map_err(|e| e.in_file(path))?;
        match tx.commit() {
            Ok(()) => Ok(out),
            Err(e) if crate::error::commit_unsettled(&e) => Err(crate::error::unsettled(&e, path)),
            Err(e) => Err(Error::from(e).in_file(path)),
        }
    }

    /// [`Store::write`] committed with `synchronous=NORMAL` (restored to `FULL` afterwards):
    /// as atomic and consistent, but the commit is made durable by the next `FULL` commit
    /// or checkpoint instead of its own fsync. For reads that only append their audit
    /// entry (`get`, `export`, `run`): a power cut may lose the last such entries, never a
    /// change to a secret, and never the chain's consistency. A connection that made no
    /// other write skips SQLite's checkpoint at close, so such a read never waits on fsync.
    pub fn write_relaxed<T>(&mut self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        if let Some(why) = &self.readonly {
            return Err(self.refuse_write(why));
        }
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        let out = self.commit(f);
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        if out.is_ok() && !self.wrote {
            // The entry is committed; a checkpoint that fails only leaves it in the WAL.
            let _ = self.fold_reads();
        }
        out
    }

    /// Checkpoints a WAL grown past [`WAL_READS_MAX`] by reads' audit entries.
    fn fold_reads(&mut self) -> Result<()> {
        {
            // Nor checkpointed at close, which would fsync: the entry stays in the WAL
            // until the next write's close folds it in. `vault.db` alone is then the
            // consistent state before these read entries, never a half of them. Every
            // process that opens the vault alone re-reads the whole WAL to index it, so
            // once it passes WAL_READS_MAX (some 30 reads) this read checkpoints after all.
            let wal = std::fs::metadata(sidecar(&self.path, "-wal")).map_or(0, |m| m.len());
            let skip = wal < WAL_READS_MAX;
            if !skip {
                self.conn
                    .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
            }
            self.conn
                .set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, skip)?;
        }
        Ok(())
    }

    /// Runs `f` inside one read transaction, so it sees one consistent snapshot.
    pub fn read<T>(&mut self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        crate::error::forget_log();
        let path = &self.path;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Deferred)
            .map_err(|e| Error::from(e).in_file(path))?;
        let out = f(&Tx(&tx)).map_err(|e| e.in_file(path))?;
        tx.finish().map_err(|e| Error::from(e).in_file(path))?;
        Ok(out)
    }
}

/// A transaction on the store; row access lives in `rows.rs`.
pub struct Tx<'a>(&'a rusqlite::Transaction<'a>);

/// The path of SQLite's `-wal` or `-shm` file beside `path`.
pub fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Why SQLite opened `path` read-only: a read-only file system or a file this user cannot
/// write (reads work); anything else, such as an I/O error, is an error at open.
fn readonly_reason(path: &Path, errno: std::io::Error) -> Result<String> {
    let probe = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path);
    let err = match probe {
        // Writable now: SQLite's own attempt failed for another reason (its errno).
        Ok(_) => errno,
        Err(e) => e,
    };
    match err.raw_os_error() {
        Some(30) => Ok("it is on a read-only file system".into()),
        Some(13 | 1) => Ok("this user may not write it".into()),
        _ => Err(Error::Storage {
            what: format!(
                "cannot open {} for writing: {}",
                path.display(),
                err.raw_os_error()
                    .map_or_else(|| err.to_string(), crate::error::describe_errno)
            ),
            fix: "the disk reported an error: check it (`dmesg`) and try again".into(),
            path: None,
        }),
    }
}

fn check_mode(path: &Path, mode: u32) -> Result<()> {
    if mode & 0o077 != 0 {
        return Err(Error::Unsafe {
            what: format!(
                "{} is readable or writable by other users (mode {:o})",
                path.display(),
                mode & 0o777
            ),
            fix: format!("run `chmod 600 {}` and try again", path.display()),
        });
    }
    Ok(())
}

trait Mode0600 {
    fn mode_0600(&mut self) -> &mut Self;
}

impl Mode0600 for std::fs::OpenOptions {
    fn mode_0600(&mut self) -> &mut Self {
        std::os::unix::fs::OpenOptionsExt::mode(self, 0o600)
    }
}

/// Sleeps 1 ms for the first 10 tries, 2 ms to the 50th, then 5 ms: about 10 s in all.
fn wait_for_lock(attempt: i32) -> bool {
    let ms = match attempt {
        0..10 => 1,
        10..50 => 2,
        50..2030 => 5,
        _ => return false,
    };
    std::thread::sleep(Duration::from_millis(ms));
    true
}
