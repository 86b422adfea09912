//! `devvault run --redact`: the child's stdout and stderr each pass through a
//! [`crate::redact::Stream`] on their way to devvault's own, as they come (no line
//! buffering: a prompt shows when it is written), byte for byte but for the scope's values
//! and their encoded forms, each `[devvault:KEY]`. stdin is the child's own. The exit code
//! is the child's; a child killed by a signal kills devvault with the same signal.
//! SIGTERM, SIGHUP, SIGUSR1 and SIGUSR2 sent to devvault are passed to the child; so are
//! SIGINT and SIGQUIT when stdin is not a terminal (from a terminal, its Ctrl-C already
//! reaches the child, which shares devvault's process group).

use crate::redact::Redactor;
use anyhow::{Context, Result};
use signal_hook::consts::signal::{SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2};
use std::io::{IsTerminal, Read, Write};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, ExitStatus, Stdio};

/// How much one read takes from the child's pipe.
const CHUNK: usize = 256 << 10;

/// Starts `cmd`, relays its output through `redactor` and ends this process as the child
/// ended (its exit code or its signal).
/// `not_started` turns a failure to start it into the caller's error (exit 127).
pub fn run(
    mut cmd: Command,
    redactor: &Redactor,
    name: &str,
    not_started: impl FnOnce(std::io::Error) -> anyhow::Error,
) -> Result<()> {
    for key in redactor.too_short() {
        crate::os::console::status!(
            "devvault: {key} is shorter than {} bytes and is not redacted",
            crate::redact::MIN_LENGTH
        );
    }
    let (out, err) = (
        crate::os::console::raw_stdout()?,
        crate::os::console::raw_stderr()?,
    );
    // Caught from before the start: a signal meant for the command is never lost.
    let mut signals =
        signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGUSR1, SIGUSR2, SIGINT, SIGQUIT])
            .context("cannot pass signals to the command")?;
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(not_started)?;
    let (Some(child_out), Some(child_err)) = (child.stdout.take(), child.stderr.take()) else {
        anyhow::bail!("cannot read the output of `{name}`");
    };
    let relay_ctl_c = !std::io::stdin().is_terminal();
    let pid = rustix::process::Pid::from_raw(child.id() as i32);
    let handle = signals.handle();
    let status = std::thread::scope(|s| {
        s.spawn(move || {
            for sig in signals.forever() {
                if (sig == SIGINT || sig == SIGQUIT) && !relay_ctl_c {
                    continue;
                }
                if let (Some(pid), Some(sig)) = (pid, rustix::process::Signal::from_named_raw(sig))
                {
                    let _ = rustix::process::kill_process(pid, sig);
                }
            }
        });
        let a = s.spawn(|| pump(child_out, out, redactor));
        let b = s.spawn(|| pump(child_err, err, redactor));
        let status = child.wait();
        let results = [a.join(), b.join()];
        handle.close();
        for r in results {
            if let Ok(Err(e)) = r {
                crate::os::console::status!("devvault: output of `{name}` cut short: {e}");
            }
        }
        status
    })
    .with_context(|| format!("cannot wait for `{name}`"))?;
    end_as(status)
}

/// Copies `from` to `to` through a redacting stream until `from` ends; a closed `to` (the
/// reader went away) ends the copy, so the child meets the closed pipe on its next write.
fn pump(mut from: impl Read, mut to: std::fs::File, r: &Redactor) -> std::io::Result<()> {
    let mut buf = zeroize::Zeroizing::new(vec![0u8; CHUNK]);
    let mut out = Vec::with_capacity(CHUNK + 1024);
    let mut stream = r.stream();
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        out.clear();
        stream.feed(&buf[..n], &mut out);
        match to.write_all(&out) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(()),
            r => r?,
        }
    }
    out.clear();
    stream.finish(&mut out);
    match to.write_all(&out) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r,
    }
}

/// Ends this process as the child ended: its exit code, or killed by its signal.
fn end_as(status: ExitStatus) -> Result<()> {
    if let Some(code) = status.code() {
        std::process::exit(code);
    }
    if let Some(sig) = status.signal() {
        let _ = signal_hook::low_level::emulate_default_handler(sig);
        std::process::exit(128 + sig);
    }
    std::process::exit(1)
}
