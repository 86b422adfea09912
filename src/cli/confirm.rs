//! Asking the user to confirm a change on the terminal (`scope rm`, `--create`, ...): a
//! yes/no question on /dev/tty, answered by `--yes` in scripts. Never reads stdin, which
//! may carry a value.

use anyhow::{Result, bail};
use std::io::{BufRead, Write};

/// Whether a terminal is there to ask on.
pub fn has_terminal() -> bool {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .is_ok()
}

/// Asks `question` on the terminal (default no); true on `y`/`yes`.
pub fn ask(question: &str) -> Result<bool> {
    let mut tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")?;
    write!(tty, "{question} [y/N] ")?;
    tty.flush()?;
    let mut answer = String::new();
    std::io::BufReader::new(tty).read_line(&mut answer)?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}

/// Goes on when `yes` was given or the user says yes on the terminal; otherwise stops with
/// an error saying nothing changed (a usage error without a terminal: pass `--yes`).
pub fn confirm(question: &str, yes: bool) -> Result<()> {
    if yes {
        return Ok(());
    }
    if !has_terminal() {
        bail!(super::UsageError(format!(
            "{question} There is no terminal to ask on; pass --yes to go ahead."
        )));
    }
    if !ask(question)? {
        bail!("Stopped; nothing was changed.");
    }
    Ok(())
}
