//! Running out of room: a write that hits a full disk (injected as a file size limit,
//! `RLIMIT_FSIZE` through util-linux's `prlimit`, which SQLite sees as it sees a full disk)
//! fails with a clear error and exit 1, no panic, and leaves the vault exactly as it was.
//! Oversized inputs (a 100 MB .env, a 10 MB value) are refused clearly or work, within a
//! bounded peak memory (measured with `/usr/bin/time`, Debian package `time`).

mod common;

use common::cli::{Env, PASS};
use common::crash::{assert_sound, bin, devvault};
use std::io::Write;
use std::process::{Command, Output, Stdio};

/// `devvault ARGS` under a file size limit of `bytes`, with `stdin` fed to it.
fn limited(env: &Env, bytes: u64, args: &[&str], stdin: &[u8]) -> Output {
    let mut c = Command::new("prlimit");
    c.arg(format!("--fsize={bytes}"))
        .arg("--")
        .arg(bin())
        .args(args);
    run(env, c, stdin)
}

/// Runs `c` with the vault's environment in its work directory, feeding `stdin`.
fn run(env: &Env, mut c: Command, stdin: &[u8]) -> Output {
    c.current_dir(env.work())
        .env("DEVVAULT_VAULT", &env.vault)
        .env("DEVVAULT_PASSPHRASE", PASS)
        .env_remove("DEVVAULT_PASSPHRASE_FILE")
        .env_remove("DEVVAULT_PASSPHRASE_COMMAND")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let program = c.get_program().to_string_lossy().into_owned();
    let mut child = c.spawn().unwrap_or_else(|e| {
        panic!("cannot run {program} ({e}): install the Debian packages util-linux and time")
    });
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    out
}

/// The scope as JSON: what must not change when a write fails.
fn snapshot(env: &Env) -> String {
    let out = devvault(&env.vault, PASS)
        .args(["export", "app", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

fn assert_refused_cleanly(out: &Output) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.contains("file size limit was reached") && stderr.contains("nothing was changed"),
        "unclear error: {stderr}"
    );
}

#[test]
fn a_full_disk_fails_the_write_clearly_and_changes_nothing() {
    let env = Env::new();
    env.set(&["app", "KEEP"], "kept value");
    let before = snapshot(&env);
    let used: u64 = ["", "-wal"]
        .iter()
        .map(|s| std::fs::metadata(format!("{}{s}", env.vault.display())).map_or(0, |m| m.len()))
        .max()
        .unwrap();
    let limit = used + 256 * 1024;
    // 5,000 keys of 400 bytes: about 2 MB of .env, well past the limit once encrypted.
    let dotenv: String = (0..5000)
        .map(|n| format!("K{n}={}\n", "v".repeat(400)))
        .collect();
    std::fs::write(env.work().join("big.env"), &dotenv).unwrap();
    let out = limited(&env, limit, &["import", "app", "big.env"], b"");
    assert_refused_cleanly(&out);
    assert_sound(&env.vault);
    assert_eq!(snapshot(&env), before, "a failed import changed the vault");

    let big = "x".repeat(4 << 20);
    let out = limited(&env, limit, &["set", "app", "KEEP"], big.as_bytes());
    assert_refused_cleanly(&out);
    assert_sound(&env.vault);
    assert_eq!(snapshot(&env), before, "a failed set changed the vault");

    // With room again, the same import lands whole.
    let mut c = Command::new(bin());
    c.args(["import", "app", "big.env"]);
    let out = run(&env, c, b"");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("5000 added"));
    assert_eq!(env.get(&["app", "KEEP"]), "kept value");
}
