//! `get --copy` against a real X server and xclip, no mocks: the value reaches the clipboard
//! exactly, is cleared after the timeout only if it is still there, and the background
//! holder exits. Needs DISPLAY: run under `.ci/x-session` (Debian packages xvfb xauth xclip);
//! without it these tests fail, they never skip.

use crate::common;

use common::cli::Env;
use common::x11::{other_program_copies, paste, require_display};
use predicates::prelude::*;
use std::process::{Child, Command};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// The clipboard is one per display: the tests of this file take turns.
static CLIPBOARD: Mutex<()> = Mutex::new(());

const VALUE: &str = "pa ss  wörd ✓ 🔑 — \"quoted\" $HOME";

/// The X display, or a failure saying how to get one.
fn x_display() -> MutexGuard<'static, ()> {
    let guard = CLIPBOARD.lock().unwrap_or_else(|e| e.into_inner());
    require_display();
    guard
}

fn wait_for(timeout: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < timeout {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    cond()
}

/// Pids of the running clipboard holders of this build of devvault.
fn holders() -> Vec<u32> {
    let exe = std::fs::canonicalize(assert_cmd::cargo::cargo_bin("devvault")).unwrap();
    let mut pids = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let args: Vec<&[u8]> = cmdline.split(|b| *b == 0).collect();
        if args.len() > 1
            && args[0] == exe.as_os_str().as_encoded_bytes()
            && args[1] == b"__clipboard-hold"
        {
            pids.push(pid);
        }
    }
    pids
}

fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .is_ok_and(|stat| !stat.rsplit(')').next().unwrap_or("").starts_with(" Z"))
}

/// Kills what a test started if it fails half-way: holders (by pid) and xclip.
struct Cleanup {
    holders: Vec<u32>,
    xclip: Option<Child>,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        for pid in self.holders.iter().filter(|p| alive(**p)) {
            let _ = Command::new("kill").arg(pid.to_string()).status();
        }
        if let Some(child) = &mut self.xclip {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// `get --copy` and the one holder it started.
fn copy(env: &Env, extra: &[&str], clear: Option<&str>) -> u32 {
    let before = holders();
    let mut cmd = env.cmd();
    cmd.args(["get", "myapp", "API_TOKEN", "--copy"])
        .args(extra);
    match clear {
        Some(c) => cmd.env("DEVVAULT_CLIPBOARD_CLEAR", c),
        None => cmd.env_remove("DEVVAULT_CLIPBOARD_CLEAR"),
    };
    cmd.assert()
        .success()
        .stdout("")
        .stderr("copied API_TOKEN to the clipboard; clears in 2 s\n");
    let new: Vec<u32> = holders()
        .into_iter()
        .filter(|p| !before.contains(p))
        .collect();
    assert_eq!(new.len(), 1, "one holder expected, found {new:?}");
    new[0]
}

#[test]
fn copy_puts_the_exact_value_on_the_clipboard_and_clears_it_after_the_timeout() {
    let _x = x_display();
    let env = Env::new();
    env.set(&["myapp", "API_TOKEN"], VALUE);
    let copied = Instant::now();
    let holder = copy(&env, &["--clear-after", "2s"], None);
    let _cleanup = Cleanup {
        holders: vec![holder],
        xclip: None,
    };
    assert_eq!(paste(), VALUE);
    let cmdline = std::fs::read(format!("/proc/{holder}/cmdline")).unwrap();
    assert!(!String::from_utf8_lossy(&cmdline).contains("wörd"));
    if let Ok(environ) = std::fs::read(format!("/proc/{holder}/environ")) {
        assert!(!String::from_utf8_lossy(&environ).contains("wörd"));
    }

    assert!(wait_for(Duration::from_secs(5), || paste().is_empty()));
    let cleared = copied.elapsed();
    assert!(
        cleared >= Duration::from_millis(1800),
        "cleared after {cleared:?}"
    );
    assert!(wait_for(Duration::from_secs(2), || !alive(holder)));
}

#[test]
fn another_programs_clipboard_is_left_alone_and_the_holder_exits() {
    let _x = x_display();
    let env = Env::new();
    env.set(&["myapp", "API_TOKEN"], VALUE);
    let copied = Instant::now();
    // The default timeout comes from DEVVAULT_CLIPBOARD_CLEAR.
    let holder = copy(&env, &[], Some("2s"));
    let mut cleanup = Cleanup {
        holders: vec![holder],
        xclip: None,
    };
    assert_eq!(paste(), VALUE);

    // Another program copies: xclip in the foreground (-quiet), killed at the end.
    cleanup.xclip = Some(other_program_copies("someone else's text"));
    assert!(wait_for(Duration::from_secs(2), || paste() == "someone else's text"));
    assert!(
        wait_for(Duration::from_secs(1), || !alive(holder)),
        "the holder should exit as soon as another program owns the clipboard"
    );

    std::thread::sleep(Duration::from_millis(3000).saturating_sub(copied.elapsed()));
    assert_eq!(paste(), "someone else's text");
}

#[test]
fn copy_without_a_display_fails_clearly_and_prints_no_value() {
    let env = Env::new();
    env.set(&["myapp", "API_TOKEN"], "canary-5e1f");
    env.cmd()
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .args(["get", "myapp", "API_TOKEN", "--copy"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(
            predicate::str::contains("DISPLAY").and(predicate::str::contains("WAYLAND_DISPLAY")),
        )
        .stderr(predicate::str::contains("canary").not());
    for (flag, var) in [(Some("0s"), None), (None, Some("0s"))] {
        let mut cmd = env.cmd();
        cmd.args(["get", "myapp", "API_TOKEN", "--copy"]);
        if let Some(f) = flag {
            cmd.args(["--clear-after", f]);
        }
        if let Some(v) = var {
            cmd.env("DEVVAULT_CLIPBOARD_CLEAR", v);
        }
        cmd.assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains("choose between 1s and 7d"));
    }
}
