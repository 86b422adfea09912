//! Memory hygiene of a long-running process: the TUI is unlocked with a passphrase, a
//! canary value is revealed, then `L` locks it; a core image taken with `gcore` (Debian
//! package `gdb`; it needs CAP_SYS_PTRACE, since devvault makes itself non-dumpable) must
//! then hold neither the passphrase nor the canary. A core taken while the canary is on
//! screen must hold it, which shows the search would find a leak. Needs tmux.

use crate::common;

use common::cli::{Env, FAST_INIT};
use common::tmux::{Tmux, binary};
use std::path::Path;
use std::process::Command;

const PASSPHRASE: &str = "memory test passphrase 7f3a9c";
const CANARY: &str = "canary-value-5d1e0b8a4c2f9e77";

/// A core image of `pid` written under `dir`, as bytes.
fn core_of(pid: u32, dir: &Path, name: &str) -> Vec<u8> {
    let prefix = dir.join(name);
    let out = Command::new("gcore")
        .arg("-o")
        .arg(&prefix)
        .arg(pid.to_string())
        .output()
        .unwrap_or_else(|e| panic!("cannot run gcore ({e}): install the Debian package gdb"));
    let file = dir.join(format!("{name}.{pid}"));
    assert!(
        file.exists(),
        "gcore wrote no core (root with CAP_SYS_PTRACE is needed): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&file).unwrap();
    std::fs::remove_file(&file).unwrap();
    bytes
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn a_locked_tui_keeps_neither_the_passphrase_nor_a_revealed_value_in_memory() {
    let env = Env::empty();
    env.cmd()
        .env("DEVVAULT_PASSPHRASE", PASSPHRASE)
        .args(FAST_INIT)
        .assert()
        .success();
    env.cmd()
        .env("DEVVAULT_PASSPHRASE", PASSPHRASE)
        .args(["set", "app", "CANARY"])
        .write_stdin(CANARY)
        .assert()
        .success();
    let home = env.dir.path().to_str().unwrap().to_string();
    let vault = env.vault.to_str().unwrap().to_string();
    let t = Tmux::start(
        &format!("{} tui", binary()),
        &env.work(),
        &[("HOME", &home), ("DEVVAULT_VAULT", &vault)],
        100,
        30,
    );
    t.wait_for("Passphrase:");
    t.type_text(PASSPHRASE);
    t.keys(&["Enter"]);
    t.wait_for("app/dev · 1 key");
    // The secrets pane has the focus on opening: Enter reveals (the detail pane).
    t.keys(&["Enter"]);
    t.wait_for(&CANARY[..20]);
    let pid = t.program_pid();
    let dir = tempfile::tempdir().unwrap();
    let revealed = core_of(pid, dir.path(), "revealed");
    assert!(
        contains(&revealed, CANARY),
        "the canary on screen is not in the core: the search cannot see a leak"
    );
    drop(revealed);
    t.keys(&["L"]);
    t.wait_for("Unlock");
    let locked = core_of(pid, dir.path(), "locked");
    assert!(locked.len() > 1 << 20, "a core of {} bytes", locked.len());
    assert!(
        !contains(&locked, CANARY),
        "the revealed value outlived the lock"
    );
    assert!(
        !contains(&locked, PASSPHRASE),
        "the passphrase outlived the lock"
    );
    eprintln!(
        "memory: locked TUI core of {} bytes: no canary, no passphrase",
        locked.len()
    );
}
