//! The `devvault` binary's errors: every one the contract names with its exit code, the
//! unlock sources, and that a value given on stdin never shows in argv, the environment or
//! an error (security test 12).

use crate::common;

use common::cli::{Env, PASS};
use predicates::prelude::*;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

#[test]
fn unlock_sources_in_order() {
    let e = Env::new();
    e.set(&["app", "K"], "v");
    let file = e.dir.path().join("pass.txt");
    std::fs::write(&file, format!("{PASS}\n")).unwrap();
    // Open to other users: refused as ssh refuses such a key, with the fix.
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    e.cmd()
        .env("DEVVAULT_PASSPHRASE_FILE", &file)
        .args(["get", "app", "K"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(format!(
            "chmod 600 {}",
            file.display()
        )));
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    // The file wins over a wrong DEVVAULT_PASSPHRASE.
    e.cmd()
        .env("DEVVAULT_PASSPHRASE", "wrong")
        .env("DEVVAULT_PASSPHRASE_FILE", &file)
        .args(["get", "app", "K"])
        .assert()
        .success();
    e.cmd()
        .env("DEVVAULT_PASSPHRASE", "wrong")
        .env(
            "DEVVAULT_PASSPHRASE_COMMAND",
            format!("printf '%s' '{PASS}'"),
        )
        .args(["get", "app", "K"])
        .assert()
        .success();
    e.cmd()
        .env("DEVVAULT_PASSPHRASE_COMMAND", "exit 3")
        .args(["get", "app", "K"])
        .assert()
        .failure();
}

#[test]
fn no_terminal_and_no_source_names_the_options() {
    let e = Env::new();
    let mut c = std::process::Command::new("setsid");
    c.arg(assert_cmd::cargo::cargo_bin("devvault"))
        .args(["ls", "app"])
        .current_dir(e.work())
        .env("DEVVAULT_VAULT", &e.vault)
        .env_remove("DEVVAULT_PASSPHRASE")
        .env_remove("DEVVAULT_PASSPHRASE_FILE")
        .env_remove("DEVVAULT_PASSPHRASE_COMMAND")
        .stdin(std::process::Stdio::null());
    let out = c
        .output()
        .expect("setsid (util-linux) is needed: apt-get install util-linux");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(3),
        "a locked vault with no source exits 3: {err}"
    );
    for source in [
        "DEVVAULT_PASSPHRASE_FILE",
        "DEVVAULT_PASSPHRASE_COMMAND",
        "DEVVAULT_PASSPHRASE",
        "terminal",
    ] {
        assert!(err.contains(source), "{err}");
    }
}

#[test]
fn wrong_passphrase_exits_3_and_changes_nothing() {
    let e = Env::new();
    e.set(&["app", "K"], "original");
    e.cmd()
        .env("DEVVAULT_PASSPHRASE", "not it")
        .args(["set", "app", "K"])
        .write_stdin("changed")
        .assert()
        .code(3)
        .stderr(predicate::str::contains("wrong passphrase"));
    assert_eq!(e.get(&["app", "K"]), "original");
}

#[test]
fn not_found_exits_4_with_a_suggestion() {
    let e = Env::new();
    e.set(&["myapp", "STRIPE_KEY"], "v");
    e.cmd()
        .args(["get", "myapp", "STRIPE_KY"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("STRIPE_KEY"));
    e.cmd()
        .args(["ls", "myap"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("myapp/dev"));
    e.cmd().args(["rm", "myapp", "NOPE"]).assert().code(4);
    let none = Env::empty();
    none.cmd()
        .args(["ls", "x"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("devvault init"));
}

#[test]
fn usage_errors_exit_2() {
    let e = Env::new();
    e.cmd().args(["get"]).assert().code(2);
    e.cmd()
        .args(["ls"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("devvault link"));
    e.cmd().args(["bogus"]).assert().code(2);
}

#[test]
fn a_value_on_the_command_line_is_refused_without_echoing_it() {
    let e = Env::new();
    for args in [
        &["set", "API_KEY", "sk_live_argv_canary"][..],
        &["set", "app", "API_KEY", "sk_live_argv_canary"][..],
    ] {
        e.cmd().args(args).assert().code(2).stderr(
            predicate::str::contains("never taken on the command line")
                .and(predicate::str::contains("sk_live_argv_canary").not()),
        );
    }
}

#[test]
fn bad_names_and_malformed_files_are_named() {
    let e = Env::new();
    e.cmd()
        .args(["set", "app", "1BAD"])
        .write_stdin("secret-canary")
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("`1BAD`").and(predicate::str::contains("secret-canary").not()),
        );
    e.cmd()
        .args(["set", "App", "K"])
        .write_stdin("v")
        .assert()
        .failure()
        .stderr(predicate::str::contains("`App`"));
    std::fs::write(
        e.work().join("bad.env"),
        "GOOD=1\nOTHER='unterminated-canary\n",
    )
    .unwrap();
    e.cmd()
        .args(["import", "app", "bad.env"])
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("bad.env:2").and(predicate::str::contains("canary").not()),
        );
    // Nothing of a rejected file is imported.
    e.cmd().args(["get", "app", "GOOD"]).assert().code(4);
}

#[test]
fn a_tampered_vault_exits_5() {
    let e = Env::new();
    e.set(&["app", "K"], "v");
    let c = rusqlite::Connection::open(&e.vault).unwrap();
    c.execute(
        "UPDATE secrets SET value = substr(value, 1, length(value) - 1) || x'00'",
        [],
    )
    .unwrap();
    drop(c);
    e.cmd()
        .args(["get", "app", "K"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("integrity"));
    e.cmd().args(["export", "app"]).assert().code(5).stdout("");
}

#[test]
fn a_canary_on_stdin_never_reaches_argv_environment_or_output() {
    let e = Env::new();
    let canary = "canary-9f1d-stdin-value";
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("devvault"))
        .args(["set", "app", "CANARY"])
        .current_dir(e.work())
        .env("DEVVAULT_VAULT", &e.vault)
        .env("DEVVAULT_PASSPHRASE", PASS)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(canary.as_bytes()).unwrap();
    stdin.flush().unwrap();
    // The process is blocked reading stdin to its end: look at it now.
    std::thread::sleep(std::time::Duration::from_millis(200));
    let proc_dir = Path::new("/proc").join(child.id().to_string());
    for f in ["cmdline", "environ"] {
        let bytes = std::fs::read(proc_dir.join(f)).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(canary),
            "canary in /proc/PID/{f}"
        );
    }
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let all = [out.stdout, out.stderr].concat();
    assert!(!String::from_utf8_lossy(&all).contains(canary));
    assert_eq!(e.get(&["app", "CANARY"]), canary);
    // An error about that key names it, never its value.
    let out = e.cmd().args(["get", "app", "CANARX"]).output().unwrap();
    assert_eq!(out.status.code(), Some(4));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("CANARY") && !err.contains(canary), "{err}");
}

#[test]
fn vault_files_are_private() {
    let e = Env::new();
    e.set(&["app", "K"], "v");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(e.vault.parent().unwrap()), 0o700);
    assert_eq!(mode(&e.vault), 0o600);
    std::fs::set_permissions(&e.vault, std::fs::Permissions::from_mode(0o640)).unwrap();
    e.cmd()
        .args(["ls", "app"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("chmod 600"));
}
