//! The terminal UI (`devvault` with no arguments, or `devvault tui`), in the Elm shape:
//! `app` (model + `update`), `ui` (view), `event` (keymap), and this driver, which owns the
//! terminal, feeds events and clock ticks to `update` and hands the effects it returns to
//! the `runner`. A synchronous loop: rusqlite is synchronous and so is everything here.
//!
//! The terminal is restored on exit, on error (a guard's `Drop`) and on panic (a hook).

pub mod app;
pub mod catalog;
pub mod dialog;
pub mod event;
pub mod filter;
pub mod gate;
pub mod input;
pub mod layout;
pub mod lists;
pub mod msg;
pub mod offer;
pub mod runner;
pub mod scope_forms;
pub mod scopes;
pub mod sort;
pub mod terminal;
pub mod theme;
pub mod ui;

use anyhow::{Result, bail};
use app::{App, Config, Effect, Msg, Screen};
use ratatui::crossterm::event as term_event;
use std::collections::VecDeque;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// How the session starts.
pub struct Options {
    /// The vault file.
    pub path: PathBuf,
    /// Settings for the model.
    pub config: Config,
    /// Argon2id for a vault created on the welcome screen (None: calibrate).
    pub kdf: Option<crate::crypto::KdfParams>,
}

/// Runs the TUI until the user quits.
pub fn run(opts: Options) -> Result<()> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        bail!("the terminal UI needs a terminal; in scripts use the subcommands (devvault --help)");
    }
    let (screen, vault) = if opts.path.exists() {
        match crate::os::passphrase::unlock_quiet(&opts.path)? {
            Some(v) => (Screen::Main, Some(v)),
            None => (Screen::Unlock(gate::Unlock::new(None)), None),
        }
    } else {
        (Screen::Welcome(gate::Welcome::default()), None)
    };
    let unlocked = vault.is_some();
    let mut runner = runner::Runner::new(opts.path, vault, opts.kdf);
    let mut app = App::new(opts.config, screen, Instant::now(), unix_now());
    let mut queue: VecDeque<Effect> = VecDeque::new();
    if unlocked {
        queue.push_back(Effect::LoadAll);
    }
    let signals = terminal::Signals::catch()?;
    let mut terminal = terminal::enter()?;
    let _guard = terminal::Guard;
    let size = terminal.size()?;
    app.update(Msg::Resize(size.width, size.height));
    loop {
        terminal.draw(|f| f.render_widget(&app, f.area()))?;
        if app.quit {
            // Quit's effects (clearing the clipboard) still run.
            while let Some(fx) = queue.pop_front() {
                runner.run(fx);
            }
            return Ok(());
        }
        if let Some(fx) = queue.pop_front() {
            for msg in runner.run(fx) {
                queue.extend(app.update(msg));
            }
            continue;
        }
        // With work in the background, a key still comes first: poll without waiting.
        let busy = app.busy();
        let wait = Duration::from_millis(if busy { 0 } else { 250 });
        if signals.arrived() {
            queue.extend(app.stop());
            continue;
        }
        if term_event::poll(wait)? {
            let ev = term_event::read()?;
            if event::is_suspend(&ev) {
                terminal::suspend(&mut terminal)?;
            } else if let Some(msg) = event::to_msg(app.mode(), ev) {
                queue.extend(app.update(Msg::Tick(Instant::now(), unix_now())));
                queue.extend(app.update(msg));
            }
        } else if busy {
            queue.extend(app.update(Msg::Idle));
        } else if matches!(app.screen, Screen::Main) {
            // Nothing to do: a cheap look whether another process changed the vault.
            queue.push_back(Effect::CheckChanged);
        }
        queue.extend(app.update(Msg::Tick(Instant::now(), unix_now())));
    }
}

fn unix_now() -> i64 {
    crate::vault::now()
}

#[cfg(test)]
mod svg;
#[doc(hidden)]
pub mod test_support;
