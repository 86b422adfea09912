//! Running out of room: a write that hits a full disk (injected as a file size limit,
//! `RLIMIT_FSIZE` through util-linux's `prlimit`, which SQLite sees as it sees a full disk)
//! fails with a clear error and exit 1, no panic, and leaves the vault exactly as it was.
//! Oversized inputs (a 100 MB .env, a 10 MB value) are refused clearly or work, within a
//! bounded peak memory (measured with `/usr/bin/time`, Debian package `time`).

use crate::common;

use common::cli::{Env, PASS};
use common::crash::{assert_sound, bin, devvault};
use std::process::{Command, Output};

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
    env.vault_env(&mut c, PASS);
    common::cli::output(
        &mut c,
        stdin,
        "install the Debian packages util-linux and time",
    )
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

/// `devvault ARGS` under `/usr/bin/time`: its output and its peak resident memory in MB.
fn measured(env: &Env, args: &[&str], stdin: &[u8]) -> (Output, u64) {
    let mut c = Command::new("/usr/bin/time");
    c.args(["-f", "peak-rss-kb %M"]).arg(bin()).args(args);
    let out = run(env, c, stdin);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let kb: u64 = stderr
        .lines()
        .find_map(|l| l.strip_prefix("peak-rss-kb "))
        .unwrap_or_else(|| panic!("no peak from /usr/bin/time: {stderr}"))
        .trim()
        .parse()
        .unwrap();
    (out, kb / 1024)
}

fn assert_too_large(out: &Output, what: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let want = format!("{what} is larger than 64 MiB, the most devvault reads at once");
    assert!(stderr.contains(&want), "unclear error: {stderr}");
}

#[test]
fn a_100_mb_env_is_refused_clearly_with_bounded_memory() {
    let env = Env::new();
    env.set(&["app", "KEEP"], "kept value");
    let before = snapshot(&env);
    let line = format!("BIG={}\n", "y".repeat(10_000_000));
    let big = line.repeat(10);
    std::fs::write(env.work().join("huge.env"), &big).unwrap();
    let (out, mb) = measured(&env, &["import", "app", "huge.env"], b"");
    assert_too_large(&out, "huge.env");
    assert!(mb < 64, "a refused file took {mb} MB");
    let (out, stdin_mb) = measured(&env, &["import", "app", "-"], big.as_bytes());
    assert_too_large(&out, "stdin");
    assert!(stdin_mb < 200, "a refused stdin took {stdin_mb} MB");
    assert_eq!(snapshot(&env), before);
    eprintln!("limits: 100 MB .env refused, peak {mb} MB (file), {stdin_mb} MB (stdin)");
}

#[test]
fn a_10_mb_value_works_and_a_70_mb_one_is_refused() {
    let env = Env::new();
    let value: String = (0..10_000_000u32)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();
    let (out, mb) = measured(&env, &["set", "app", "BIG"], value.as_bytes());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(mb < 150, "a 10 MB value took {mb} MB");
    assert!(
        env.get(&["app", "BIG"]) == value,
        "the 10 MB value came back changed"
    );
    let huge = vec![b'z'; 70 << 20];
    let (out, huge_mb) = measured(&env, &["set", "app", "HUGE"], &huge);
    assert_too_large(&out, "the value for HUGE on stdin");
    assert!(huge_mb < 200, "a refused 70 MB value took {huge_mb} MB");
    eprintln!("limits: 10 MB value stored, peak {mb} MB; 70 MB value refused, peak {huge_mb} MB");
}

#[test]
fn a_crafted_kdf_header_is_refused_before_any_work() {
    let env = Env::new();
    env.set(&["app", "A"], "alpha");
    rusqlite::Connection::open(&env.vault)
        .unwrap()
        .execute(
            "UPDATE slots SET kdf = 'argon2id$v=19$m=4194304,t=64,p=16' WHERE kind = 'passphrase'",
            [],
        )
        .unwrap();
    let start = std::time::Instant::now();
    env.cmd()
        .args(["get", "app", "A"])
        .assert()
        .failure()
        .stderr(predicates::str::contains("--allow-expensive-kdf"))
        .stderr(predicates::str::contains("m=4194304,t=64,p=16"));
    assert!(start.elapsed() < std::time::Duration::from_secs(3));
    // Just over the budget: 2 GiB x 3 passes.
    rusqlite::Connection::open(&env.vault)
        .unwrap()
        .execute(
            "UPDATE slots SET kdf = 'argon2id$v=19$m=2097152,t=3,p=1' WHERE kind = 'passphrase'",
            [],
        )
        .unwrap();
    env.cmd()
        .args(["get", "app", "A"])
        .assert()
        .failure()
        .stderr(predicates::str::contains("--allow-expensive-kdf"));
    // `init` never makes such a vault.
    let other = Env::empty();
    other
        .cmd()
        .args(["init", "--kdf-memory", "4GiB", "--kdf-time", "2"])
        .assert()
        .failure()
        .stderr(predicates::str::contains("stay within 2048 MiB"));
    other
        .cmd()
        .args(["init", "--kdf-memory", "256MiB", "--kdf-time", "17"])
        .assert()
        .failure();
}
