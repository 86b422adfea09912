//! Runs another manager's own tool (`keepassxc-cli`, `gpg`) on a source: a passphrase on
//! its stdin (never in argv), its stdout kept in a buffer wiped on drop, its stderr kept for
//! the error message. A missing tool is an error saying how to install it.

use crate::error::{Error, Result};
use std::io::Write;
use std::process::{Command, Stdio};
use zeroize::Zeroizing;

/// What a run of the tool gave.
pub struct Output {
    /// Whether it exited 0.
    pub ok: bool,
    /// Its stdout (secrets: wiped on drop).
    pub stdout: Zeroizing<Vec<u8>>,
    /// Its stderr, lossily decoded.
    pub stderr: String,
}

impl Output {
    /// The tool's own words for a message: its stderr lines that `keep` accepts, folded to
    /// one escaped line.
    pub fn said(&self, keep: impl Fn(&str) -> bool) -> String {
        let lines: Vec<&str> = self.stderr.lines().filter(|l| keep(l)).collect();
        crate::text::server_text(&lines.join(" "))
    }
}

/// Runs `cmd` with `stdin` written to it; `install` says how to get the tool.
pub fn run(mut cmd: Command, stdin: &[u8], install: &str) -> Result<Output> {
    let name = cmd.get_program().to_string_lossy().into_owned();
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| {
        Error::invalid(
            format!("cannot run `{name}` ({e})"),
            format!("install it ({install}) and try again"),
        )
    })?;
    if let Some(mut input) = child.stdin.take() {
        // A tool that exits before reading (a file it cannot open) closes the pipe: its
        // status and stderr below say why.
        let _ = input.write_all(stdin);
    }
    let out = child
        .wait_with_output()
        .map_err(|e| Error::io(format!("cannot read what `{name}` wrote"), e))?;
    Ok(Output {
        ok: out.status.success(),
        stdout: Zeroizing::new(out.stdout),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    })
}
