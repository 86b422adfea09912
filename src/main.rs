//! The `devvault` binary: harden the process, then hand over to the library's command line
//! ([`devvault::cli::main`]), which parses arguments, dispatches and maps errors to the
//! documented exit codes.

use std::process::ExitCode;

fn main() -> ExitCode {
    harden();
    devvault::cli::main()
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
