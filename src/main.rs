//! The `devvault` binary: harden the process, then hand over to the library's command line
//! ([`devvault::cli::main`]), which parses arguments, dispatches and maps errors to the
//! documented exit codes.

use std::process::ExitCode;

fn main() -> ExitCode {
    harden();
    sqlite_log();
    devvault::cli::main()
}

/// SQLite's error log (`SQLITE_CONFIG_LOG`): SQLite writes there which system call failed,
/// on which file, with which errno (`fsync(/x/vault.db-wal) - Input/output error`), which
/// its error codes do not carry; the lines go to the core
/// ([`devvault::error::note_sqlite_log`]) so that storage errors can name them. A failure to
/// install it only loses that detail.
fn sqlite_log() {
    // SAFETY: first thing in `main`, before any SQLite call and with no other thread
    // running; the callback calls no SQLite function and only touches a thread-local.
    #[allow(unsafe_code)]
    let _ = unsafe { rusqlite::trace::config_log(Some(devvault::error::note_sqlite_log)) };
}

/// Files are private from the first one created; no core dump can carry a secret; a file
/// size limit is an error, not a kill.
fn harden() {
    use rustix::process;
    process::umask(rustix::fs::Mode::from_raw_mode(0o077));
    let zero = process::Rlimit {
        current: Some(0),
        maximum: Some(0),
    };
    let _ = process::setrlimit(process::Resource::Core, zero);
    let _ = process::set_dumpable_behavior(process::DumpableBehavior::NotDumpable);
    // A file size limit (`ulimit -f`) must fail the write with EFBIG, so SQLite rolls the
    // transaction back and the error is reported, instead of SIGXFSZ killing the process.
    let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let _ = signal_hook::flag::register(signal_hook::consts::SIGXFSZ, flag);
}
