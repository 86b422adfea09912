//! The no-echo value prompt of `set`, `rotate` and `onboard`. The terminal is put in raw
//! mode with bracketed paste on, so a pasted value (a PEM key, several lines) arrives as
//! one paste and is taken whole, and nothing of it is left for the shell to run. A typed
//! value ends at Enter (or, with `--multiline`, at Ctrl-D); anything that arrives right
//! after Enter (a paste the terminal did not bracket) is swallowed and refused, so it
//! never reaches the shell either. Front-end side: the core only sees a [`SecretValue`].

use crate::{KeyName, SecretValue};
use anyhow::{Context, Result, bail};
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, EnableBracketedPaste, Event, KeyCode, KeyEventKind, KeyModifiers,
};
use ratatui::crossterm::{execute, terminal};
use std::io::Write;
use std::time::Duration;
use zeroize::{Zeroize, Zeroizing};

/// How long input may keep arriving after Enter before it counts as a separate line.
const TRAILING: Duration = Duration::from_millis(40);

/// Raw mode and bracketed paste on the terminal until dropped.
struct Raw(std::fs::File);

impl Raw {
    fn on() -> Result<Raw> {
        let mut tty = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/tty")
            .context("cannot open the terminal")?;
        terminal::enable_raw_mode().context("cannot set up the terminal")?;
        let _ = execute!(tty, EnableBracketedPaste);
        Ok(Raw(tty))
    }
}

impl Drop for Raw {
    fn drop(&mut self) {
        let _ = execute!(self.0, DisableBracketedPaste);
        let _ = terminal::disable_raw_mode();
        let _ = self.0.write_all(b"\r\n");
    }
}

/// Asks the value of `key` without echo; the label says how the value ends.
pub fn prompt_value(key: &KeyName, multiline: bool) -> Result<SecretValue> {
    let label = if multiline {
        format!("Value for {key} (hidden; type lines, Ctrl-D ends; a paste is taken whole): ")
    } else {
        format!("Value for {key} (hidden; Enter ends; a paste is taken whole): ")
    };
    let text = read_hidden(&label, multiline)?;
    Ok(SecretValue::new(text.to_string()))
}

/// Shows `label` and reads a hidden value from the terminal (see the module docs).
pub fn read_hidden(label: &str, multiline: bool) -> Result<Zeroizing<String>> {
    let mut raw = Raw::on()?;
    write!(raw.0, "{label}")?;
    raw.0.flush()?;
    let mut buf = Zeroizing::new(String::with_capacity(8192));
    loop {
        match event::read().context("cannot read from the terminal")? {
            Event::Paste(mut pasted) => {
                push_paste(&mut buf, &pasted);
                pasted.zeroize();
                if !multiline {
                    break;
                }
            }
            Event::Key(k) if k.kind == KeyEventKind::Press => {
                let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
                match k.code {
                    KeyCode::Char('c') if ctrl => bail!("Cancelled; nothing was changed."),
                    KeyCode::Char('d') if ctrl => break,
                    // A line feed (Ctrl-J) ends a line as Enter (carriage return) does.
                    KeyCode::Char('j') if ctrl && multiline => buf.push('\n'),
                    KeyCode::Char('j') if ctrl => {
                        refuse_trailing_input()?;
                        break;
                    }
                    KeyCode::Enter if multiline => buf.push('\n'),
                    KeyCode::Enter => {
                        refuse_trailing_input()?;
                        break;
                    }
                    KeyCode::Backspace => {
                        buf.pop();
                    }
                    KeyCode::Char(c) if !ctrl => buf.push(c),
                    _ => {}
                }
            }
            _ => {}
        }
    }
    drop(raw);
    Ok(buf)
}

/// Appends a paste with its line ends made `\n` (terminals send `\r`), one final line end
/// dropped, as `set` drops one from stdin.
fn push_paste(buf: &mut String, pasted: &str) {
    let start = buf.len();
    let mut chars = pasted.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                buf.push('\n');
            }
            c => buf.push(c),
        }
    }
    if buf.len() > start && buf.ends_with('\n') {
        buf.pop();
    }
}

/// Swallows whatever arrives right after Enter; if anything did, the value had more lines
/// than one (an unbracketed paste): refuse it rather than store the first line.
fn refuse_trailing_input() -> Result<()> {
    let mut more = false;
    while event::poll(TRAILING).unwrap_or(false) {
        let _ = event::read();
        more = true;
    }
    if more {
        bail!(
            "More input arrived after Enter (a multi-line paste the terminal did not mark as one); nothing was stored and the rest was discarded. Paste again with --multiline (Ctrl-D ends), or pipe the value in on stdin."
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn paste_line_ends() {
        let mut b = String::new();
        super::push_paste(&mut b, "-----BEGIN-----\rMIIE\r\nxyz\r");
        assert_eq!(b, "-----BEGIN-----\nMIIE\nxyz");
        let mut b = String::new();
        super::push_paste(&mut b, "one");
        assert_eq!(b, "one");
    }
}
