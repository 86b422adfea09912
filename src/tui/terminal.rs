//! The terminal's lifecycle: into the TUI's modes (raw, alternate screen, mouse reporting,
//! bracketed paste) and back out, on every way out: return, error, panic, Ctrl-Z (suspend,
//! then `fg` brings the screen back) and SIGTERM/SIGHUP (the loop sees [`Signals`] and ends
//! as a quit does). Nothing here reads the vault.

use anyhow::Result;
use ratatui::crossterm::{cursor, event as term_event, execute, terminal};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Puts the terminal in the TUI's modes and returns ratatui's handle on it; installs the
/// panic hook that restores it.
pub fn enter() -> Result<ratatui::DefaultTerminal> {
    install_panic_hook();
    let terminal = ratatui::try_init()?;
    execute!(
        std::io::stdout(),
        term_event::EnableMouseCapture,
        term_event::EnableBracketedPaste
    )?;
    Ok(terminal)
}

/// Puts the terminal back: paste and mouse modes off, the cursor shown, the main screen,
/// raw mode off. Best effort: the terminal may be gone (SIGHUP).
pub fn leave() {
    let _ = execute!(
        std::io::stdout(),
        term_event::DisableBracketedPaste,
        term_event::DisableMouseCapture,
        cursor::Show
    );
    ratatui::restore();
}

/// Ctrl-Z: restores the terminal, stops the process as the shell's job control expects,
/// and once continued (`fg`) takes the terminal again and redraws everything.
pub fn suspend(term: &mut ratatui::DefaultTerminal) -> Result<()> {
    leave();
    signal_hook::low_level::raise(signal_hook::consts::SIGTSTP)?;
    terminal::enable_raw_mode()?;
    execute!(
        std::io::stdout(),
        terminal::EnterAlternateScreen,
        term_event::EnableMouseCapture,
        term_event::EnableBracketedPaste
    )?;
    term.clear()?;
    Ok(())
}

/// SIGTERM or SIGHUP arrived: the loop ends as a quit does and the guard restores the
/// terminal (the default action would kill the process with the terminal left raw).
pub struct Signals(Arc<AtomicBool>);

/// How long the loop has to end after a signal before the process exits anyway.
const GRACE: Duration = Duration::from_secs(2);

impl Signals {
    /// Catches SIGTERM and SIGHUP from now on. A watchdog thread ends the process if the
    /// loop has not ended [`GRACE`] after one: on a hung-up terminal crossterm's read of
    /// the tty sees end-of-file forever and never returns to the loop.
    pub fn catch() -> Result<Signals> {
        let flag = Arc::new(AtomicBool::new(false));
        for sig in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP] {
            signal_hook::flag::register(sig, Arc::clone(&flag))?;
        }
        let watched = Arc::clone(&flag);
        std::thread::Builder::new()
            .name("signal-watchdog".into())
            .spawn(move || {
                while !watched.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(100));
                }
                std::thread::sleep(GRACE);
                leave();
                std::process::exit(1);
            })?;
        Ok(Signals(flag))
    }

    /// Whether one arrived.
    pub fn arrived(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// Restores the terminal when the loop ends, by return, error or unwinding.
pub struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        leave();
    }
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        leave();
        previous(info);
    }));
}
