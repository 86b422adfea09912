//! Telling a storage failure from tampering, and saying which file and which errno: SQLite's
//! error codes say "I/O error", "full", "read-only" or "corrupt", but not the file or the
//! errno, and the bundled SQLite reports a read that failed with EIO as SQLITE_CORRUPT. The
//! binary installs SQLite's error log (`note_sqlite_log`), whose lines name the system call,
//! the file and the errno; without it the thread's errno is used. Nothing here decides
//! whether a change landed: `store` does, from where in the commit the error came.

use super::Error;
use std::cell::RefCell;
use std::path::Path;

thread_local! {
    /// The last I/O failure SQLite logged on this thread: (extended code, message).
    static LAST_LOG: RefCell<Option<(i32, String)>> = const { RefCell::new(None) };
}

/// SQLite's error log callback (installed by the binary with `rusqlite::trace::config_log`):
/// keeps the last line about a failed system call, e.g. `os_unix.c:43163: (5)
/// fsync(/home/me/.local/share/devvault/vault.db-wal) - Input/output error`.
pub fn note_sqlite_log(code: std::ffi::c_int, msg: &str) {
    if matches!(code & 0xff, IOERR | FULL | CANTOPEN | READONLY) {
        LAST_LOG.with(|l| *l.borrow_mut() = Some((code, msg.to_string())));
    }
}

/// Forgets what SQLite logged before an operation starts.
pub(crate) fn forget_log() {
    LAST_LOG.with(|l| *l.borrow_mut() = None);
}

const CORRUPT: i32 = 11;
const NOTADB: i32 = 26;
const IOERR: i32 = 10;
const FULL: i32 = 13;
const CANTOPEN: i32 = 14;
const READONLY: i32 = 8;

/// What kind of storage failure an error is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// No room: a full disk, a quota or a file size limit.
    Full,
    /// The file or its file system cannot be written.
    ReadOnly,
    /// The disk failed a read.
    Read,
    /// The disk failed a write or a sync.
    Write,
    /// The file could not be opened.
    Open,
}

/// The SQLite extended result code of `e`, if it is a SQLite failure.
pub(crate) fn extended_code(e: &rusqlite::Error) -> Option<i32> {
    e.sqlite_error().map(|f| f.extended_code)
}

/// The storage failure `e` stands for, if it is one: SQLite's I/O, full, read-only and
/// can't-open codes, and SQLITE_CORRUPT when the failing read set errno to EIO/ENXIO/ERANGE
/// (`errno` is read by the caller right after the failure).
pub(crate) fn kind_of(e: &rusqlite::Error, errno: Option<i32>) -> Option<Kind> {
    let code = extended_code(e)?;
    let logged = LAST_LOG.with(|l| l.borrow().as_ref().map(|(c, _)| *c));
    match code & 0xff {
        FULL => Some(Kind::Full),
        READONLY => Some(Kind::ReadOnly),
        CANTOPEN => Some(Kind::Open),
        IOERR if is_read_code(code) => Some(Kind::Read),
        IOERR if logged_errno().or(errno).is_some_and(is_no_room) => Some(Kind::Full),
        IOERR => Some(Kind::Write),
        CORRUPT | NOTADB if logged.is_none() && errno.is_some_and(is_read_errno) => {
            Some(Kind::Read)
        }
        _ => None,
    }
}

fn is_read_code(code: i32) -> bool {
    // SQLITE_IOERR_READ, _SHORT_READ, _CORRUPTFS.
    matches!(code >> 8, 1 | 2 | 33)
}

fn is_read_errno(errno: i32) -> bool {
    // EIO, ENXIO, ERANGE: the errors the unix VFS turns into SQLITE_CORRUPT.
    matches!(errno, 5 | 6 | 34)
}

fn is_no_room(errno: i32) -> bool {
    // ENOSPC, EDQUOT, EFBIG.
    matches!(errno, 28 | 122 | 27)
}

/// The errno in the last logged line, e.g. `(5)` -> 5.
fn logged_errno() -> Option<i32> {
    LAST_LOG.with(|l| {
        let l = l.borrow();
        let msg = &l.as_ref()?.1;
        let open = msg.find(": (")? + 3;
        let close = msg[open..].find(')')? + open;
        msg[open..close].parse().ok()
    })
}

/// `fsync(/x/vault.db-wal) - Input/output error` -> `fsync of /x/vault.db-wal failed:
/// Input/output error (os error 5)`, from the last logged line.
fn logged_failure() -> Option<String> {
    let errno = logged_errno();
    LAST_LOG.with(|l| {
        let l = l.borrow();
        let msg = &l.as_ref()?.1;
        let start = msg.find(": (")? + 3;
        let call = &msg[msg[start..].find(") ")? + start + 2..];
        let (call, _) = call.split_once(" - ")?;
        let (name, file) = call.split_once('(')?;
        let file = file.strip_suffix(')')?;
        let file = if file.is_empty() { "the vault" } else { file };
        // SQLite's names for its wrappers: `full_fsync` is fsync/fdatasync, `seek` pwrite.
        let name = match name {
            "full_fsync" => "fsync",
            "seek" => "write",
            n => n,
        };
        Some(format!(
            "{name} of {file} failed: {}",
            errno.map_or_else(|| "an I/O error".into(), describe_errno)
        ))
    })
}

/// `Input/output error (EIO)`: the OS message and the errno's name.
pub(crate) fn describe_errno(n: i32) -> String {
    let name = match n {
        1 => "EPERM",
        5 => "EIO",
        6 => "ENXIO",
        13 => "EACCES",
        27 => "EFBIG",
        28 => "ENOSPC",
        30 => "EROFS",
        34 => "ERANGE",
        122 => "EDQUOT",
        _ => "",
    };
    let text = std::io::Error::from_raw_os_error(n).to_string();
    let text = text.split(" (os error").next().unwrap_or(&text).to_string();
    match name {
        "" => format!("{text} (errno {n})"),
        name => format!("{text} ({name})"),
    }
}

/// The storage error for `e` of `kind` on the vault at `path` (`errno` as read right after
/// the failure).
pub(crate) fn storage_error(kind: Kind, e: &rusqlite::Error, errno: Option<i32>) -> Error {
    let os = |fallback: &str| {
        errno
            .filter(|n| *n != 0)
            .map(describe_errno)
            .unwrap_or_else(|| fallback.to_string())
    };
    let (what, fix) = match kind {
        Kind::Full => (
            logged_failure()
                .unwrap_or_else(|| format!("cannot write the vault: {}", os(&e.to_string()))),
            "the disk is full or a file size limit was reached: free some space (`df -h`) and try again; reads still work".to_string(),
        ),
        Kind::ReadOnly => (
            format!("the vault is read-only ({e})"),
            READ_ONLY_FIX.to_string(),
        ),
        Kind::Read => (
            match logged_failure() {
                Some(s) => s,
                None => format!("a read of the vault failed: {}", os("an I/O error")),
            },
            "the disk failed to read the file; this is a disk error, not evidence of tampering: try again, and check the disk (`dmesg`, `smartctl -a`)".to_string(),
        ),
        Kind::Write => (
            logged_failure().unwrap_or_else(|| {
                format!("a write of the vault failed: {}", os(&e.to_string()))
            }),
            "the disk reported an error: check it (`dmesg`) and try again".to_string(),
        ),
        Kind::Open => (
            logged_failure().unwrap_or_else(|| format!("cannot open the vault: {}", os(&e.to_string()))),
            "check that the file and its directory exist and the disk works (`dmesg`)".to_string(),
        ),
    };
    Error::Storage {
        what,
        fix,
        path: None,
    }
}

/// How to make a read-only vault writable again.
pub(crate) const READ_ONLY_FIX: &str = "remount it read-write or fix its permissions, or copy it somewhere writable and pass --vault PATH; reads still work";

/// Whether `e` (from COMMIT) may have left the commit record in the WAL: a sync or the
/// wal-index failed after the frames were written, so the next open may recover the change.
pub(crate) fn commit_unsettled(e: &rusqlite::Error) -> bool {
    let Some(code) = extended_code(e) else {
        return false;
    };
    // IOERR_FSYNC, _DIR_FSYNC, _SHMOPEN, _SHMSIZE, _SHMLOCK, _SHMMAP, and a bare IOERR.
    code & 0xff == IOERR && matches!(code >> 8, 0 | 4 | 5 | 18 | 19 | 20 | 21)
}

/// The message of a change whose outcome is unknown.
pub(crate) fn unsettled(e: &rusqlite::Error, path: &Path) -> Error {
    let what = logged_failure().unwrap_or_else(|| format!("the disk reported an error ({e})"));
    Error::Unsettled {
        what: format!(
            "{what} after the change to {} was written, before the disk confirmed it",
            path.display()
        ),
        check: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(extended_code: i32) -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(extended_code), None)
    }

    #[test]
    fn a_logged_fsync_failure_names_the_call_the_file_and_the_errno() {
        note_sqlite_log(
            1034,
            "os_unix.c:43163: (5) full_fsync(/v/vault.db-wal) - Input/output error",
        );
        assert_eq!(
            logged_failure().as_deref(),
            Some("fsync of /v/vault.db-wal failed: Input/output error (EIO)")
        );
        assert!(commit_unsettled(&failure(1034)));
        assert!(
            !commit_unsettled(&failure(778)),
            "a failed write is no commit"
        );
        forget_log();
        assert_eq!(logged_failure(), None);
    }

    #[test]
    fn corrupt_after_an_eio_read_is_a_read_error_and_otherwise_stays_corruption() {
        forget_log();
        assert_eq!(kind_of(&failure(11), Some(5)), Some(Kind::Read));
        assert_eq!(kind_of(&failure(11), Some(2)), None);
        assert_eq!(kind_of(&failure(11), None), None);
        assert_eq!(kind_of(&failure(13), None), Some(Kind::Full));
        assert_eq!(kind_of(&failure(8), None), Some(Kind::ReadOnly));
        assert_eq!(kind_of(&failure(266), None), Some(Kind::Read));
    }

    #[test]
    fn errno_names() {
        assert_eq!(describe_errno(28), "No space left on device (ENOSPC)");
        assert_eq!(describe_errno(30), "Read-only file system (EROFS)");
    }
}
