//! SQLite's error log (`SQLITE_CONFIG_LOG`), installed once at start: SQLite writes there
//! which system call failed, on which file, with which errno (`fsync(/x/vault.db-wal) -
//! Input/output error`), which its error codes alone do not carry. The lines go to the
//! core ([`devvault::error::note_sqlite_log`]) so that storage errors can name the file and
//! the errno. The only `unsafe` of the binary: SQLite must not be in use while the callback
//! is installed, which holds at the top of `main`.

/// Installs the log callback; a failure only loses detail in error messages.
pub fn install() {
    // SAFETY: called first thing in `main`, before any SQLite call and with no other
    // thread running; the callback calls no SQLite function and only touches a
    // thread-local.
    #[allow(unsafe_code)]
    let _ = unsafe { rusqlite::trace::config_log(Some(devvault::error::note_sqlite_log)) };
}
