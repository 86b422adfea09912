//! A real terminal for the TUI's end-to-end tests: devvault runs in a private tmux server
//! (its own socket, no user config, no escape delay); keys go in with `send-keys` and the
//! screen comes back with `capture-pane`.

use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// The binary under test: `DEVVAULT_E2E_BIN` (the release build, in CI), else this build's.
pub fn binary() -> String {
    std::env::var("DEVVAULT_E2E_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_devvault").into())
}

/// One tmux server with one window running a command.
pub struct Tmux {
    socket: String,
}

impl Tmux {
    /// Starts `command` (a shell command line) in a `w` x `h` window in `dir`, with `env`.
    pub fn start(command: &str, dir: &Path, env: &[(&str, &str)], w: u16, h: u16) -> Tmux {
        let socket = format!(
            "devvault-e2e-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        );
        let mut cmd = Command::new("tmux");
        cmd.args(["-L", &socket, "-f", "/dev/null", "new-session", "-d"])
            .args(["-x", &w.to_string(), "-y", &h.to_string()])
            .arg("-c")
            .arg(dir);
        for (k, v) in env {
            cmd.args(["-e", &format!("{k}={v}")]);
        }
        cmd.arg(command);
        let out = cmd.output().unwrap_or_else(|e| {
            panic!("cannot run tmux ({e}): install it with `apt-get install tmux`")
        });
        assert!(
            out.status.success(),
            "tmux new-session failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let t = Tmux { socket };
        t.tmux(&["set", "-s", "escape-time", "0"]);
        t
    }

    fn tmux(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux")
    }

    /// Sends keys (tmux key names such as `Enter`, `Tab`, `Escape`, `C-u`, or text with `-l`).
    /// After `Escape`, wait for what it does before sending more: an ESC the program has
    /// not read yet merges with the next key into Alt+key.
    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "0"];
        args.extend_from_slice(keys);
        assert!(self.tmux(&args).status.success(), "send-keys {keys:?}");
        // Let the app read them one batch at a time.
        std::thread::sleep(Duration::from_millis(60));
    }

    /// Pastes `text` as a terminal would: bracketed (`ESC[200~ .. ESC[201~`) when the
    /// program asked for bracketed paste and `bracketed` is set, else as plain keys.
    pub fn paste(&self, text: &str, bracketed: bool) {
        assert!(self.tmux(&["set-buffer", "--", text]).status.success());
        let mut args = vec!["paste-buffer", "-t", "0"];
        if bracketed {
            args.push("-p");
        }
        assert!(self.tmux(&args).status.success(), "paste-buffer");
        std::thread::sleep(Duration::from_millis(60));
    }

    /// Types `text` literally.
    pub fn type_text(&self, text: &str) {
        self.keys(&["-l", text]);
    }

    /// The visible screen.
    pub fn screen(&self) -> String {
        String::from_utf8_lossy(&self.tmux(&["capture-pane", "-p", "-t", "0"]).stdout).into_owned()
    }

    /// Waits until the screen contains `text` (10 s at most); returns the screen.
    pub fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            if start.elapsed() > Duration::from_secs(10) {
                panic!("`{text}` never appeared; the screen is:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until the screen contains every one of `texts` at once (10 s at most); returns
    /// that screen. For a state shown by several parts, some of which an earlier screen
    /// may already hold.
    pub fn wait_for_all(&self, texts: &[&str]) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if texts.iter().all(|t| screen.contains(t)) {
                return screen;
            }
            if start.elapsed() > Duration::from_secs(10) {
                panic!("{texts:?} never appeared together; the screen is:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until `cond` holds (10 s at most), for what the screen's text does not show
    /// (the terminal's modes, a file the command writes).
    pub fn wait_until(&self, what: &str, mut cond: impl FnMut() -> bool) {
        let start = Instant::now();
        while !cond() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "{what} never happened; the screen is:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until the screen no longer contains `text`; returns the screen.
    pub fn wait_gone(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if !screen.contains(text) {
                return screen;
            }
            if start.elapsed() > Duration::from_secs(10) {
                panic!("`{text}` never went away; the screen is:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// A tmux format of the pane (e.g. `#{alternate_on}`, `#{cursor_flag}`), expanded.
    pub fn format(&self, f: &str) -> String {
        let out = self.tmux(&["display-message", "-p", "-t", "0", f]);
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Resizes the window.
    pub fn resize(&self, w: u16, h: u16) {
        self.tmux(&[
            "resize-window",
            "-t",
            "0",
            "-x",
            &w.to_string(),
            "-y",
            &h.to_string(),
        ]);
        std::thread::sleep(Duration::from_millis(100));
    }

    /// The process id of the program in the window (the first one when the pane's
    /// shell started it as a child).
    pub fn program_pid(&self) -> u32 {
        let out = self.tmux(&["display-message", "-p", "-t", "0", "#{pane_pid}"]);
        let pane: u32 = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
        let comm = std::fs::read_to_string(format!("/proc/{pane}/comm")).unwrap_or_default();
        if comm.trim() != "sh" {
            return pane;
        }
        let children =
            std::fs::read_to_string(format!("/proc/{pane}/task/{pane}/children")).unwrap();
        children.split_whitespace().next().unwrap().parse().unwrap()
    }

    /// Waits until the command in the window has exited (the session is gone).
    pub fn wait_exit(&self) {
        let start = Instant::now();
        while self.tmux(&["has-session"]).status.success() {
            if start.elapsed() > Duration::from_secs(10) {
                panic!("devvault did not exit; the screen is:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
}
