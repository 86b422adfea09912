//! The `devvault` binary: harden the process, parse arguments, dispatch, and map errors to
//! the documented exit codes. Everything else lives in `cli/` and the library.

mod cli;
mod clipboard;
mod keychain;
mod private_file;
mod prompt_state;
mod session;
mod tui;
mod unlock;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    harden();
    // The internal clipboard holder (`get --copy` starts it) is not a listed subcommand.
    if std::env::args_os()
        .nth(1)
        .is_some_and(|a| a == cli::clipboard_hold::NAME)
    {
        let hold = cli::clipboard_hold::HoldCli::parse_from(std::env::args_os().skip(1));
        return match hold.run() {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("error: {err:#}");
                ExitCode::from(1)
            }
        };
    }
    let cli = cli::Cli::parse();
    match cli.run() {
        Ok(code) => code,
        Err(err) if cli::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(cli::exit_code(&err))
        }
    }
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
