//! The one path every byte the command line prints goes through (the process's stdout and
//! stderr, beside the other OS glue here), so that no output can
//! panic (`println!` aborts on a full or failing stream) and each failure means what it
//! should:
//! - status lines, warnings, prompts and error messages on stderr are best effort: a full
//!   or closed stderr never stops or fails a command;
//! - a command's product on stdout (`get`, `export`, listings, `--json`) fails the command
//!   (exit 1, "cannot write to stdout") when stdout fails, except for a reader that closed
//!   the pipe (`| head`), which is success;
//! - the report of a change on stdout (`import`'s lines, `receive`'s preview) is best
//!   effort: the change is never skipped or half-done because its report could not be
//!   printed, and the exit code reflects the change.
//!
//! Use the macros: `status!` (stderr), `outln!`/`out!` (product, `?` the result), `report!`
//! (best-effort stdout).

use std::io::{self, Write};

/// Writes `args` and a newline to stderr, ignoring any failure.
pub fn write_status(args: std::fmt::Arguments<'_>) {
    let mut err = io::stderr().lock();
    let _ = err.write_fmt(args).and_then(|()| err.write_all(b"\n"));
}

/// Writes `args` to stderr without a newline (a prompt), ignoring any failure.
pub fn prompt(args: std::fmt::Arguments<'_>) {
    let mut err = io::stderr().lock();
    let _ = err.write_fmt(args).and_then(|()| err.flush());
}

/// Writes `bytes` to stdout as the command's product and flushes.
pub fn product(bytes: &[u8]) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(stdout_failed)
}

/// Stdout as an unbuffered file of its own (a duplicate of fd 1), for a relay that writes
/// each chunk as it comes (`run --redact`); its failures are the caller's to judge.
pub fn raw_stdout() -> io::Result<std::fs::File> {
    use std::os::fd::AsFd;
    Ok(io::stdout().as_fd().try_clone_to_owned()?.into())
}

/// Stderr as an unbuffered file of its own (a duplicate of fd 2), as [`raw_stdout`].
pub fn raw_stderr() -> io::Result<std::fs::File> {
    use std::os::fd::AsFd;
    Ok(io::stderr().as_fd().try_clone_to_owned()?.into())
}

/// Writes `args` to stdout as the command's product.
pub fn product_fmt(args: std::fmt::Arguments<'_>) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    out.write_fmt(args)
        .and_then(|()| out.flush())
        .map_err(stdout_failed)
}

/// Writes `args` to stdout as the report of a change, ignoring any failure.
pub fn write_report(args: std::fmt::Arguments<'_>) {
    let mut out = io::stdout().lock();
    let _ = out.write_fmt(args).and_then(|()| out.write_all(b"\n"));
}

/// Stdout for a command's product, as a `Write`: a failure other than a closed pipe says
/// "cannot write to stdout" (a closed pipe keeps its kind, so it counts as success).
pub fn stdout() -> Product {
    Product(io::stdout().lock())
}

/// See [`stdout`].
pub struct Product(io::StdoutLock<'static>);

impl Write for Product {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf).map_err(named)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush().map_err(named)
    }
}

impl Drop for Product {
    fn drop(&mut self) {
        let _ = self.0.flush();
    }
}

fn named(e: io::Error) -> io::Error {
    if e.kind() == io::ErrorKind::BrokenPipe {
        e
    } else {
        io::Error::new(e.kind(), StdoutFailed(e))
    }
}

/// Stdout for the report of a change, as a `Write` that never fails: what cannot be
/// written is dropped.
pub fn report_stdout() -> Report<io::StdoutLock<'static>> {
    Report(io::stdout().lock())
}

/// Stderr as a `Write` that never fails (a preview printed beside `--json` output).
pub fn report_stderr() -> Report<io::StderrLock<'static>> {
    Report(io::stderr().lock())
}

/// See [`report_stdout`].
pub struct Report<W: Write>(W);

impl<W: Write> Write for Report<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let _ = self.0.write_all(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let _ = self.0.flush();
        Ok(())
    }
}

/// Stdout could not be written (never a closed pipe: that is [`Closed`]).
#[derive(Debug)]
pub struct StdoutFailed(pub io::Error);

impl std::fmt::Display for StdoutFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "cannot write to stdout ({}): the output is incomplete; write it somewhere with room (a full disk or a failing device)",
            self.0
        )
    }
}

impl std::error::Error for StdoutFailed {}

/// The reader of stdout went away (`devvault ls | head -1`): the command stops quietly and
/// succeeds, as `cat` and `ls` do.
#[derive(Debug)]
pub struct Closed;

impl std::fmt::Display for Closed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("stdout was closed")
    }
}

impl std::error::Error for Closed {}

/// Classifies a failed write to stdout.
pub fn stdout_failed(e: io::Error) -> anyhow::Error {
    if e.kind() == io::ErrorKind::BrokenPipe {
        anyhow::Error::new(Closed)
    } else {
        anyhow::Error::new(StdoutFailed(e))
    }
}

/// A line on stderr, best effort: `status!("{key}: added")`.
macro_rules! status {
    ($($t:tt)*) => { $crate::os::console::write_status(format_args!($($t)*)) };
}

/// A line of the command's product on stdout; evaluates to `anyhow::Result<()>`.
macro_rules! outln {
    () => { $crate::os::console::product(b"\n") };
    ($($t:tt)*) => {
        $crate::os::console::product_fmt(format_args!("{}\n", format_args!($($t)*)))
    };
}

/// A line reporting a change on stdout, best effort.
macro_rules! report {
    ($($t:tt)*) => { $crate::os::console::write_report(format_args!($($t)*)) };
}

pub(crate) use {outln, report, status};
