//! The TUI end to end in tmux, issue 19: a bracketed paste keeps its lines, the Add form's
//! Enter moves to the value and an empty value is asked about, the detail pane shows a PEM
//! whole, a too-small terminal says so, and SIGTERM, SIGHUP and Ctrl-Z give the terminal
//! back (cooked mode, the main screen, no mouse reporting, a visible cursor). Needs tmux.

use crate::common;

use common::cli::{Env, PASS};
use common::tmux::{Tmux, binary};
use std::time::{Duration, Instant};

fn seeded() -> Env {
    common::tui::seeded(false)
}

/// `command` in tmux on `env`'s vault, unlocked by DEVVAULT_PASSPHRASE.
fn start(e: &Env, command: &str, w: u16, h: u16) -> Tmux {
    common::tui::start(
        e,
        command,
        &[("DEVVAULT_PASSPHRASE", PASS), ("PS1", "$ ")],
        w,
        h,
    )
}

/// The pid of devvault: the pane's process or one of its children (the pane runs a shell).
fn devvault_pid(t: &Tmux) -> u32 {
    let pane: u32 = t.format("#{pane_pid}").parse().unwrap();
    let comm = |pid: u32| std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
    if comm(pane).trim() == "devvault" {
        return pane;
    }
    let children = std::fs::read_to_string(format!("/proc/{pane}/task/{pane}/children")).unwrap();
    children
        .split_whitespace()
        .filter_map(|c| c.parse().ok())
        .find(|&c| comm(c).trim() == "devvault")
        .unwrap_or_else(|| panic!("no devvault under the pane's shell {pane}"))
}

/// The terminal modes the TUI takes and must give back, as tmux sees the pane.
fn modes(t: &Tmux) -> String {
    t.format("alt=#{alternate_on} mouse=#{mouse_any_flag}#{mouse_sgr_flag} cursor=#{cursor_flag}")
}

const RESTORED: &str = "alt=0 mouse=00 cursor=1";
const TAKEN: &str = "alt=1 mouse=11 cursor=0";

#[test]
fn a_bracketed_paste_keeps_its_lines_and_enter_in_key_moves_to_value() {
    let e = seeded();
    let t = start(&e, &format!("{} tui", binary()), 80, 24);
    t.wait_for("blog/dev · 1 key");
    t.keys(&["a"]);
    t.wait_for("Add a key to blog/dev");
    t.type_text("MULTI");
    // Enter in the Key field moves to the Value field; nothing is saved.
    t.wait_for("⏎ next field");
    t.keys(&["Enter"]);
    let screen = t.wait_for("⏎ save");
    assert!(screen.contains("Add a key to blog/dev"), "{screen}");
    // tmux turns each LF of the buffer into CR, as terminals do, inside ESC[200~..ESC[201~.
    t.paste("line1\nline2\nline3", true);
    t.wait_for("•••••••••••••••••");
    t.keys(&["Enter"]);
    t.wait_for("added MULTI to blog/dev");
    assert_eq!(e.get(&["blog/dev", "MULTI"]), "line1\nline2\nline3");

    // An empty value is saved only after a yes.
    t.keys(&["a"]);
    t.wait_for("Add a key to blog/dev");
    t.type_text("API_TOKEN");
    t.keys(&["Enter"]);
    t.keys(&["Enter"]);
    t.wait_for("Save API_TOKEN with an empty value?");
    t.keys(&["n"]);
    t.wait_gone("with an empty value?");
    t.type_text("tok-1");
    t.keys(&["Enter"]);
    t.wait_for("added API_TOKEN to blog/dev");
    assert_eq!(e.get(&["blog/dev", "API_TOKEN"]), "tok-1");
    t.keys(&["a"]);
    t.type_text("EMPTY");
    t.keys(&["Enter", "Enter"]);
    t.wait_for("Save EMPTY with an empty value?");
    t.keys(&["y"]);
    t.wait_for("added EMPTY to blog/dev");
    // An empty value reads `(empty)` in the table.
    t.wait_for("(empty)");
    assert_eq!(e.get(&["blog/dev", "EMPTY"]), "");
    t.keys(&["q"]);
    t.wait_exit();
}

#[test]
fn the_detail_pane_shows_a_pem_whole_and_scrolls() {
    let e = seeded();
    let mut pem = String::from("-----BEGIN PRIVATE KEY-----\n");
    for i in 0..30 {
        pem.push_str(&format!(
            "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ{i:02}\n"
        ));
    }
    pem.push_str("-----END PRIVATE KEY-----");
    e.set(&["blog/dev", "TLS_KEY"], &pem);
    let t = start(&e, &format!("{} tui", binary()), 80, 24);
    t.wait_for("blog/dev · 2 keys");
    t.keys(&["j", "Enter"]);
    let screen = t.wait_for("-----BEGIN PRIVATE KEY-----");
    // Each line of the PEM on its own line of the screen.
    assert!(
        screen
            .lines()
            .any(|l| l.contains("MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ00")),
        "{screen}"
    );
    assert!(screen.contains("version"), "{screen}");
    assert!(!screen.contains("-----END PRIVATE KEY-----"), "{screen}");
    t.keys(&["End"]);
    t.wait_for("-----END PRIVATE KEY-----");
    t.keys(&["Escape"]);
    t.wait_gone("PRIVATE KEY");
    // The reveal is audited as before.
    let audit = e.cmd().args(["audit", "--json"]).assert().success();
    let out = String::from_utf8_lossy(&audit.get_output().stdout).to_string();
    assert!(out.contains("TLS_KEY") && out.contains("reveal"), "{out}");
    t.keys(&["q"]);
    t.wait_exit();
}

#[test]
fn a_too_small_terminal_says_so_until_resized() {
    let e = seeded();
    let t = start(&e, &format!("{} tui", binary()), 50, 12);
    t.wait_for("terminal too small: need 60x15");
    t.resize(60, 15);
    t.wait_for("blog/dev · 1 key");
    t.resize(80, 14);
    t.wait_for("terminal too small");
    t.keys(&["q"]);
    t.wait_exit();
}

#[test]
fn sigterm_and_sighup_restore_the_terminal() {
    for signal in ["TERM", "HUP"] {
        let e = seeded();
        let cmd = format!(
            "{} tui; stty -a > stty.tmp; mv stty.tmp stty.txt; sleep 30",
            binary()
        );
        let t = start(&e, &cmd, 80, 24);
        t.wait_for("blog/dev · 1 key");
        // The text can show before the end of the frame hides the cursor.
        t.wait_until("the TUI's modes", || modes(&t) == TAKEN);
        let pid = devvault_pid(&t);
        let status = std::process::Command::new("kill")
            .args([&format!("-{signal}"), &pid.to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let stty = e.work().join("stty.txt");
        t.wait_until("the shell's stty", || stty.exists());
        let words = std::fs::read_to_string(&stty).unwrap();
        let words: Vec<&str> = words.split_whitespace().collect();
        for mode in ["icanon", "echo", "isig"] {
            assert!(
                words.contains(&mode),
                "SIG{signal} left raw mode: no `{mode}`"
            );
        }
        assert_eq!(modes(&t), RESTORED, "after SIG{signal}");
    }
}

#[test]
fn a_hung_up_terminal_ends_the_tui() {
    let e = seeded();
    let t = start(&e, &format!("{} tui", binary()), 80, 24);
    t.wait_for("blog/dev · 1 key");
    let pid = devvault_pid(&t);
    // Closing the terminal: SIGHUP, then end-of-file on the tty for ever.
    drop(t);
    let start = Instant::now();
    while std::path::Path::new(&format!("/proc/{pid}")).exists() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "devvault {pid} still runs after its terminal closed"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn ctrl_z_suspends_and_fg_restores() {
    let e = seeded();
    let t = start(&e, "bash --norc --noprofile -i", 80, 24);
    t.wait_for("bash");
    t.type_text(&format!("{} tui", binary()));
    t.keys(&["Enter"]);
    t.wait_for("blog/dev · 1 key");
    t.keys(&["C-z"]);
    t.wait_for("Stopped");
    assert_eq!(modes(&t), RESTORED, "while suspended");
    t.type_text("fg");
    t.keys(&["Enter"]);
    let screen = t.wait_for("blog/dev · 1 key");
    assert!(screen.contains("SMTP_PASSWORD"), "{screen}");
    t.wait_until("the TUI's modes after fg", || modes(&t) == TAKEN);
    t.keys(&["q"]);
    t.wait_until("the shell's prompt", || modes(&t) == RESTORED);
}
