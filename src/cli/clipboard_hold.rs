//! `devvault __clipboard-hold --clear-after SECS` (hidden): the background process that serves
//! a copied value. On X11 a clipboard value lives only as long as the process that set it, so
//! `get --copy` re-executes the binary as this holder, in its own process group with no
//! terminal, stdout or stderr, and returns to the shell at once.
//!
//! The value comes over the holder's stdin pipe, never argv or the environment. The holder
//! serves it until the timeout, then clears the clipboard if it still holds the value; it
//! exits early, without clearing, as soon as another program takes the clipboard. It runs
//! with the same hardening as every devvault process (umask, no core dumps, not dumpable).

use crate::SecretValue;
use crate::os::clipboard::Clipboard;
use anyhow::{Context, Result};
use clap::Args;
use std::io::{Read, Write};
use std::os::fd::AsFd;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use zeroize::Zeroizing;

/// The internal command's name: recognised before clap parses the command line, so it is in
/// no help, completion or "did you mean" suggestion.
pub const NAME: &str = "__clipboard-hold";

/// `devvault __clipboard-hold --clear-after SECS`, parsed on its own.
#[derive(clap::Parser, Debug)]
#[command(name = NAME)]
pub struct HoldCli {
    #[command(flatten)]
    hold: ClipboardHold,
}

impl HoldCli {
    /// Runs the holder.
    pub fn run(&self) -> Result<()> {
        self.hold.run()
    }
}

/// How long `get --copy` waits for the holder to own the clipboard.
const READY_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Args, Debug)]
pub struct ClipboardHold {
    /// Seconds to serve the value before clearing it
    #[arg(long, value_name = "SECS")]
    clear_after: u64,
}

impl ClipboardHold {
    pub fn run(&self) -> Result<()> {
        // Read fd 0 unbuffered: std's stdin buffer would keep a copy that is never wiped.
        let stdin = std::io::stdin().as_fd().try_clone_to_owned()?;
        let value = read_secret(std::fs::File::from(stdin))?;
        let deadline = Instant::now() + Duration::from_secs(self.clear_after);
        let mut clipboard = Clipboard::open()?;
        clipboard.hold(&value, deadline)?;
        Ok(())
    }
}

/// Starts a detached holder serving `value` for `clear_after` seconds and waits until the
/// clipboard holds it. `clipboard` is this process's own connection, used only to check.
pub fn spawn(clipboard: &mut Clipboard, value: &SecretValue, clear_after: u64) -> Result<()> {
    let exe = std::env::current_exe().context("cannot find the devvault executable")?;
    let mut child = holder_command(&exe, clear_after)
        .spawn()
        .with_context(|| format!("cannot start the clipboard holder {}", exe.display()))?;
    let mut stdin = child
        .stdin
        .take()
        .context("the clipboard holder has no stdin")?;
    stdin
        .write_all(value.expose_secret().as_bytes())
        .context("cannot hand the value to the clipboard holder")?;
    drop(stdin);
    wait_until_held(clipboard, value, &mut child)
}

/// The holder's command line: no value in argv or the environment, no terminal, its own
/// process group (so the shell's Ctrl-C and job control do not reach it).
fn holder_command(exe: &std::path::Path, clear_after: u64) -> Command {
    use std::os::unix::process::CommandExt;
    let mut cmd = Command::new(exe);
    cmd.arg(NAME)
        .arg("--clear-after")
        .arg(clear_after.to_string())
        .env_remove("DEVVAULT_PASSPHRASE")
        .env_remove("DEVVAULT_PASSPHRASE_FILE")
        .env_remove("DEVVAULT_PASSPHRASE_COMMAND")
        .current_dir("/")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0);
    cmd
}

/// Polls until the clipboard holds `value`, failing early if the holder exits first.
fn wait_until_held(
    clipboard: &mut Clipboard,
    value: &SecretValue,
    child: &mut Child,
) -> Result<()> {
    let start = Instant::now();
    loop {
        if clipboard.holds(value) {
            return Ok(());
        }
        if let Some(status) = child.try_wait()? {
            anyhow::bail!("the clipboard holder exited ({status}) before taking the clipboard");
        }
        if start.elapsed() > READY_TIMEOUT {
            anyhow::bail!(
                "the clipboard holder did not take the clipboard within {} s",
                READY_TIMEOUT.as_secs()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Reads all of `input` as UTF-8 into zeroizing buffers (a grown buffer's old copy is wiped).
fn read_secret(mut input: impl Read) -> Result<SecretValue> {
    let mut buf = Zeroizing::new(Vec::with_capacity(4096));
    let mut chunk = Zeroizing::new([0u8; 4096]);
    loop {
        let n = input
            .read(&mut chunk[..])
            .context("cannot read the value")?;
        if n == 0 {
            break;
        }
        if buf.len() + n > buf.capacity() {
            let mut bigger = Zeroizing::new(Vec::with_capacity((buf.len() + n) * 2));
            bigger.extend_from_slice(&buf);
            buf = bigger;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let text = std::str::from_utf8(&buf).context("the value is not UTF-8")?;
    Ok(SecretValue::new(text.to_owned()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn read_secret_reads_everything_exactly() {
        let long = "é".repeat(5000) + " tail";
        let v = super::read_secret(long.as_bytes()).unwrap();
        assert_eq!(v.expose_secret(), long);
        assert!(super::read_secret(&[0xff_u8][..]).is_err());
    }
}
