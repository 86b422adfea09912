//! Unlocking without typing and changing the passphrase, through the real binary: `passwd`
//! (old refused, new accepted, secrets intact; atomic under SIGKILL), and the timed session
//! unlock in the kernel keyring (`unlock --for`, expiry, `lock`).

use crate::common;

use assert_cmd::Command;
use common::cli::FAST_INIT;
use devvault::{Passphrase, Vault};
use predicates::prelude::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const OLD: &str = "old passphrase 1234";
const NEW: &str = "new passphrase 5678";

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("devvault")
}

struct Env {
    _dir: tempfile::TempDir,
    vault: PathBuf,
}

impl Env {
    fn new() -> Env {
        let dir = tempfile::tempdir().unwrap();
        let vault = dir.path().join("vault.db");
        let e = Env { _dir: dir, vault };
        e.cmd(Some(OLD)).args(FAST_INIT).assert().success();
        for (k, v) in [("A", "alpha"), ("B", "beta\nmulti")] {
            e.cmd(Some(OLD))
                .args(["set", "app", k])
                .write_stdin(v)
                .assert()
                .success();
        }
        e
    }

    /// The binary with `pass` as its only passphrase source (None: no source at all), run in
    /// a new session with no controlling terminal so that nothing can prompt.
    fn cmd(&self, pass: Option<&str>) -> Command {
        let mut c = Command::new("setsid");
        c.arg(bin())
            .env("DEVVAULT_VAULT", &self.vault)
            .env_remove("DEVVAULT_PASSPHRASE")
            .env_remove("DEVVAULT_PASSPHRASE_FILE")
            .env_remove("DEVVAULT_PASSPHRASE_COMMAND")
            .env_remove("DEVVAULT_NEW_PASSPHRASE")
            .env_remove("DEVVAULT_NEW_PASSPHRASE_FILE");
        if let Some(p) = pass {
            c.env("DEVVAULT_PASSPHRASE", p);
        }
        c
    }

    fn opens_with(&self, pass: &str) -> bool {
        Vault::open(&self.vault)
            .unwrap()
            .unlock(&Passphrase::new(pass.into()))
            .is_ok()
    }
}

#[test]
fn passwd_swaps_the_passphrase_and_keeps_every_secret() {
    let e = Env::new();
    e.cmd(Some(OLD))
        .arg("passwd")
        .env("DEVVAULT_NEW_PASSPHRASE", NEW)
        .assert()
        .success()
        .stderr(predicate::str::contains("passphrase changed"));
    e.cmd(Some(OLD)).args(["get", "app", "A"]).assert().code(3);
    e.cmd(Some(NEW))
        .args(["get", "app", "A"])
        .assert()
        .success()
        .stdout("alpha");
    e.cmd(Some(NEW))
        .args(["get", "app", "B"])
        .assert()
        .success()
        .stdout("beta\nmulti");
    // The new passphrase may come from a file; the cost can be raised; the floor holds.
    let file = e.vault.with_file_name("new.txt");
    std::fs::write(&file, format!("{OLD}\n")).unwrap();
    std::fs::set_permissions(&file, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    e.cmd(Some(NEW))
        .args(["passwd", "--kdf-memory", "24MiB", "--kdf-time", "3"])
        .env("DEVVAULT_NEW_PASSPHRASE_FILE", &file)
        .assert()
        .success()
        .stderr(predicate::str::contains("m=24 MiB, t=3"));
    assert!(e.opens_with(OLD) && !e.opens_with(NEW));
    e.cmd(Some(OLD))
        .args(["passwd", "--kdf-time", "1"])
        .env("DEVVAULT_NEW_PASSPHRASE", NEW)
        .assert()
        .failure()
        .stderr(predicate::str::contains("below the floor"));
    assert!(e.opens_with(OLD));
}

#[test]
fn passwd_without_a_new_source_or_terminal_changes_nothing() {
    let e = Env::new();
    e.cmd(Some(OLD))
        .arg("passwd")
        .assert()
        .failure()
        .stderr(predicate::str::contains("no terminal"));
    assert!(e.opens_with(OLD));
    e.cmd(Some("wrong"))
        .arg("passwd")
        .env("DEVVAULT_NEW_PASSPHRASE", NEW)
        .assert()
        .code(3);
    assert!(e.opens_with(OLD) && !e.opens_with(NEW));
}

#[test]
fn sigkill_during_passwd_leaves_exactly_one_passphrase_working() {
    let e = Env::new();
    let mut current = OLD;
    let mut rng = 0x9e37_79b9_u64;
    let mut killed_mid_way = 0;
    for _ in 0..40 {
        let next = if current == OLD { NEW } else { OLD };
        let mut child = std::process::Command::new(bin())
            .arg("passwd")
            .env("DEVVAULT_VAULT", &e.vault)
            .env("DEVVAULT_PASSPHRASE", current)
            .env("DEVVAULT_NEW_PASSPHRASE", next)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        std::thread::sleep(Duration::from_micros(rng % 150_000));
        let _ = child.kill();
        let status = child.wait().unwrap();
        let (old_ok, new_ok) = (e.opens_with(current), e.opens_with(next));
        assert!(old_ok ^ new_ok, "old works: {old_ok}, new works: {new_ok}");
        if new_ok {
            current = next;
        }
        if !status.success() && old_ok {
            killed_mid_way += 1;
        }
        let c = rusqlite::Connection::open(&e.vault).unwrap();
        let check: String = c
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok");
    }
    assert!(
        killed_mid_way > 0,
        "no kill landed before the commit: the test proved nothing"
    );
    e.cmd(Some(current))
        .args(["get", "app", "B"])
        .assert()
        .success()
        .stdout("beta\nmulti");
}

#[test]
fn a_timed_session_unlock_expires() {
    let e = Env::new();
    e.cmd(Some(OLD))
        .args(["unlock", "--for", "2s"])
        .assert()
        .success();
    let start = Instant::now();
    e.cmd(None)
        .args(["get", "app", "A"])
        .assert()
        .success()
        .stdout("alpha");
    std::thread::sleep(
        Duration::from_secs(2).saturating_sub(start.elapsed()) + Duration::from_millis(1200),
    );
    // Expired, it says so and when; locked with no source exits 3.
    e.cmd(None)
        .args(["get", "app", "A"])
        .assert()
        .code(3)
        .stderr(
            predicate::str::contains("no passphrase").and(predicate::str::contains(
                "session unlock of this vault expired at",
            )),
        );
}

#[test]
fn lock_forgets_the_session_key_now() {
    let e = Env::new();
    e.cmd(Some(OLD))
        .args(["unlock", "--for", "10m"])
        .assert()
        .success();
    e.cmd(None)
        .args(["export", "app"])
        .assert()
        .success()
        .stdout(predicate::str::contains("A='alpha'"));
    e.cmd(None)
        .arg("lock")
        .assert()
        .success()
        .stderr(predicate::str::contains("locked"));
    e.cmd(None).args(["export", "app"]).assert().failure();
    e.cmd(None)
        .arg("lock")
        .assert()
        .success()
        .stderr(predicate::str::contains("was not unlocked"));
}

#[test]
fn a_session_key_of_another_vault_is_not_used() {
    let a = Env::new();
    let b = Env::new();
    a.cmd(Some(OLD))
        .args(["unlock", "--for", "1m"])
        .assert()
        .success();
    b.cmd(None).args(["get", "app", "A"]).assert().failure();
    a.cmd(None).arg("lock").assert().success();
    assert!(Path::new(&a.vault).exists());
}

#[test]
fn bad_durations_are_named() {
    let e = Env::new();
    e.cmd(Some(OLD))
        .args(["unlock", "--for", "5y"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`5y`"));
}

/// `run` with `sh -c SCRIPT` as the command; SCRIPT calls the devvault binary as `$DV`.
fn run_sh(e: &Env, pass: Option<&str>, script: &str) -> assert_cmd::assert::Assert {
    e.cmd(pass)
        .args(["run", "app", "--", "sh", "-c", script])
        .env("DV", bin())
        .env("VAULT", &e.vault)
        .assert()
}

#[test]
fn a_child_of_run_cannot_read_another_scope() {
    let e = Env::new();
    e.cmd(Some(OLD))
        .args(["set", "other/prod", "PROD_KEY"])
        .write_stdin("production-secret")
        .assert()
        .success();
    // With the passphrase in the parent's environment and a session unlock active.
    e.cmd(Some(OLD))
        .args(["unlock", "--for", "1m"])
        .assert()
        .success();
    run_sh(
        &e,
        Some(OLD),
        r#"exec "$DV" --vault "$VAULT" export other/prod"#,
    )
    .failure()
    .stdout(predicate::str::contains("production-secret").not());
    // The same child outside `run` can (the session unlock is this session's).
    e.cmd(None)
        .args(["export", "other/prod"])
        .assert()
        .success()
        .stdout(predicate::str::contains("production-secret"));
    e.cmd(None).arg("lock").assert().success();
}

#[test]
fn a_child_of_run_sees_no_devvault_variable() {
    let e = Env::new();
    run_sh(&e, Some(OLD), "env")
        .success()
        .stdout(predicate::str::contains("A=alpha"))
        .stdout(predicate::str::contains("DEVVAULT_").not());
    // Unless named with --allow-env.
    e.cmd(Some(OLD))
        .args(["run", "--allow-env", "DEVVAULT_VAULT", "app", "--", "env"])
        .assert()
        .success()
        .stdout(predicate::str::contains("DEVVAULT_VAULT="))
        .stdout(predicate::str::contains("DEVVAULT_PASSPHRASE").not());
}

#[test]
fn unlock_for_needs_the_passphrase_not_the_session_key() {
    let e = Env::new();
    e.cmd(Some(OLD))
        .args(["unlock", "--for", "1m"])
        .assert()
        .success();
    // From a child of `run`, and from the session itself: no silent extension.
    run_sh(
        &e,
        Some(OLD),
        r#"exec "$DV" --vault "$VAULT" unlock --for 7d"#,
    )
    .failure();
    e.cmd(None)
        .args(["unlock", "--for", "7d"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("no passphrase"));
    // With the passphrase it replaces the session unlock and says so.
    e.cmd(Some(OLD))
        .args(["unlock", "--for", "2m"])
        .assert()
        .success()
        .stderr(predicate::str::contains("replaces"));
    e.cmd(None).arg("lock").assert().success();
}

/// A consistent copy of the vault file (what a backup or a synced folder keeps).
fn copy_of(vault: &Path, to: &Path) {
    rusqlite::Connection::open(vault)
        .unwrap()
        .execute("VACUUM INTO ?1", [to.to_str().unwrap()])
        .unwrap();
    std::fs::set_permissions(to, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
}

#[test]
fn after_passwd_an_old_copy_reads_nothing_new() {
    let e = Env::new();
    let old_copy = e.vault.with_file_name("old-copy.db");
    copy_of(&e.vault, &old_copy);
    e.cmd(Some(OLD))
        .arg("passwd")
        .env("DEVVAULT_NEW_PASSPHRASE", NEW)
        .assert()
        .success()
        .stderr(predicate::str::contains("re-sealed"));
    e.cmd(Some(NEW))
        .args(["set", "app", "LATER"])
        .write_stdin("written-after-the-change")
        .assert()
        .success();
    // The old copy still opens with the old passphrase (it is the old vault)...
    e.cmd(Some(OLD))
        .args(["--vault", old_copy.to_str().unwrap(), "get", "app", "A"])
        .assert()
        .success()
        .stdout("alpha");
    // ...but its key, held as a session unlock, does not read the new file.
    e.cmd(Some(OLD))
        .args([
            "--vault",
            old_copy.to_str().unwrap(),
            "unlock",
            "--for",
            "1m",
        ])
        .assert()
        .success();
    e.cmd(None)
        .args(["get", "app", "LATER"])
        .assert()
        .failure()
        .stdout(predicate::str::contains("written-after").not());
    e.cmd(None)
        .args(["--vault", old_copy.to_str().unwrap(), "lock"])
        .assert()
        .success();
    // Nor does the old passphrase slot copied into the new file.
    let slot: (String, Vec<u8>, Vec<u8>) = rusqlite::Connection::open(&old_copy)
        .unwrap()
        .query_row(
            "SELECT kdf, salt, wrapped FROM slots WHERE kind = 'passphrase'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    rusqlite::Connection::open(&e.vault)
        .unwrap()
        .execute(
            "UPDATE slots SET kdf = ?1, salt = ?2, wrapped = ?3 WHERE kind = 'passphrase'",
            rusqlite::params![slot.0, slot.1, slot.2],
        )
        .unwrap();
    for args in [["get", "app", "LATER"], ["get", "app", "A"]] {
        e.cmd(Some(OLD)).args(args).assert().failure().stdout("");
    }
}

#[test]
fn rekey_keeps_the_passphrase_and_every_secret_and_drops_the_session() {
    let e = Env::new();
    e.cmd(Some(OLD))
        .args(["policy", "app", "A", "--max-age", "30d"])
        .assert()
        .success();
    e.cmd(Some(OLD))
        .args(["rotate", "app", "A"])
        .write_stdin("alpha-2")
        .assert()
        .success();
    e.cmd(Some(OLD))
        .args(["unlock", "--for", "1m"])
        .assert()
        .success();
    let old_copy = e.vault.with_file_name("old-copy.db");
    copy_of(&e.vault, &old_copy);
    e.cmd(Some(OLD))
        .arg("rekey")
        .assert()
        .success()
        .stderr(predicate::str::contains("session unlock held the old key"));
    // No session any more; the passphrase still opens it, and nothing was lost.
    e.cmd(None).args(["get", "app", "A"]).assert().failure();
    e.cmd(Some(OLD))
        .args(["get", "app", "A"])
        .assert()
        .success()
        .stdout("alpha-2");
    e.cmd(Some(OLD))
        .args(["history", "app", "A", "--reveal"])
        .assert()
        .success()
        .stdout(predicate::str::contains("alpha"));
    e.cmd(Some(OLD))
        .args(["policy", "app", "A"])
        .assert()
        .success()
        .stdout(predicate::str::contains("30d"));
    e.cmd(Some(OLD))
        .args(["audit", "verify"])
        .assert()
        .success();
    e.cmd(Some(OLD))
        .arg("audit")
        .assert()
        .success()
        .stdout(predicate::str::contains("rekey"));
    // Every sealed byte changed: no ciphertext of the old file is in the new one.
    let blobs = |p: &Path| -> Vec<Vec<u8>> {
        let c = rusqlite::Connection::open(p).unwrap();
        let mut st = c
            .prepare("SELECT name FROM secrets UNION ALL SELECT value FROM history UNION ALL SELECT body FROM audit UNION ALL SELECT name FROM scopes")
            .unwrap();
        st.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let before = blobs(&old_copy);
    let after = blobs(&e.vault);
    assert!(!after.is_empty());
    assert!(after.iter().all(|b| !before.contains(b)));
}

#[test]
fn passwd_keep_key_says_what_it_does_not_protect() {
    let e = Env::new();
    e.cmd(Some(OLD))
        .args(["passwd", "--keep-key"])
        .env("DEVVAULT_NEW_PASSPHRASE", NEW)
        .assert()
        .success()
        .stderr(
            predicate::str::contains("old copy")
                .or(predicate::str::contains("copy of the vault file")),
        );
    assert!(e.opens_with(NEW) && !e.opens_with(OLD));
}

#[test]
fn a_guessable_passphrase_needs_allow_weak() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("weak.db");
    let init = |extra: &[&str]| {
        let mut c = Command::new("setsid");
        c.arg(bin())
            .env("DEVVAULT_VAULT", &vault)
            .env("DEVVAULT_PASSPHRASE", "password")
            .args(FAST_INIT)
            .args(extra);
        c
    };
    init(&[]).assert().failure().stderr(
        predicate::str::contains("zxcvbn score 0 of 4")
            .and(predicate::str::contains("--allow-weak"))
            .and(predicate::str::contains("`password`").not()),
    );
    assert!(!vault.exists(), "a refused passphrase created a vault");
    init(&["--allow-weak"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "warning: the passphrase is very weak",
        ));
    let e = Env::new();
    e.cmd(Some(OLD))
        .arg("passwd")
        .env("DEVVAULT_NEW_PASSPHRASE", "password")
        .assert()
        .failure()
        .stderr(predicate::str::contains("--allow-weak"));
    assert!(e.opens_with(OLD));
    e.cmd(Some(OLD))
        .args(["passwd", "--allow-weak"])
        .env("DEVVAULT_NEW_PASSPHRASE", "password")
        .assert()
        .success();
    assert!(e.opens_with("password"));
}
