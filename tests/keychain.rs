//! The keychain slot end to end through the `devvault` binary, against a real gnome-keyring
//! over D-Bus: enable/disable, unlocking with no passphrase source, and every way the
//! keychain can fail (deleted entry, another vault's entry, no bus, a bus that never
//! answers, a locked keyring) degrading to a one-line notice and the passphrase.
//!
//! CI runs this file inside `.ci/keyring-session`; without a D-Bus session every test fails
//! (never skips). The tests take turns on the shared bus.

use crate::common;

use assert_cmd::Command;
use common::cli::FAST_INIT;
use common::keychain::*;
use predicates::prelude::*;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

const PASS: &str = "keychain test passphrase";
static BUS: Mutex<()> = Mutex::new(());

/// The shared bus, one test at a time. Fails, never skips, without a keyring session.
fn bus() -> MutexGuard<'static, ()> {
    let addr = std::env::var("DBUS_SESSION_BUS_ADDRESS").unwrap_or_default();
    assert!(
        !addr.is_empty(),
        "DBUS_SESSION_BUS_ADDRESS is not set: these tests need a real, unlocked gnome-keyring; \
         run them via `.ci/keyring-session cargo test --test keychain`"
    );
    BUS.lock().unwrap_or_else(|e| e.into_inner())
}

struct Env {
    dir: tempfile::TempDir,
    vault: PathBuf,
    id: String,
}

impl Env {
    /// A vault with the cheapest Argon2id the floor allows and one secret, `app` K=`value`.
    fn new(value: &str) -> Env {
        let dir = tempfile::tempdir().unwrap();
        let vault = dir.path().join("vault.db");
        let mut e = Env {
            dir,
            vault,
            id: String::new(),
        };
        e.cmd().args(FAST_INIT).assert().success();
        e.cmd()
            .args(["set", "app", "K"])
            .write_stdin(value)
            .assert()
            .success();
        let account = e.status()["account"].as_str().unwrap().to_string();
        e.id = account.strip_prefix("vault-").unwrap().to_string();
        e
    }

    fn account(&self) -> String {
        format!("vault-{}", self.id)
    }

    /// The binary with this vault and its passphrase in the environment.
    fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("devvault").unwrap();
        c.current_dir(self.dir.path())
            .env("HOME", self.dir.path())
            .env("DEVVAULT_VAULT", &self.vault)
            .env("DEVVAULT_PASSPHRASE", PASS)
            .env_remove("DEVVAULT_PASSPHRASE_FILE")
            .env_remove("DEVVAULT_PASSPHRASE_COMMAND");
        c
    }

    /// The binary with no passphrase source at all and no terminal to ask on.
    fn no_source(&self, args: &[&str]) -> Output {
        std::process::Command::new("setsid")
            .arg("-w")
            .arg(assert_cmd::cargo::cargo_bin("devvault"))
            .args(args)
            .current_dir(self.dir.path())
            .env("HOME", self.dir.path())
            .env("DEVVAULT_VAULT", &self.vault)
            .env_remove("DEVVAULT_PASSPHRASE")
            .env_remove("DEVVAULT_PASSPHRASE_FILE")
            .env_remove("DEVVAULT_PASSPHRASE_COMMAND")
            .stdin(std::process::Stdio::null())
            .output()
            .expect("setsid (util-linux) is needed")
    }

    fn status(&self) -> serde_json::Value {
        let out = self.cmd().args(["keychain", "status", "--json"]).output();
        let out = out.unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    }

    fn enable(&self) {
        self.cmd()
            .args(["keychain", "enable"])
            .assert()
            .success()
            .stderr(predicate::str::contains("keychain slot enabled"));
    }

    /// The entry as gnome-keyring itself holds it (None: no entry).
    fn entry(&self) -> Option<String> {
        let out = secret_tool(&["lookup", "service", "devvault", "username", &self.account()]);
        out.status.success().then(|| text(&out.stdout))
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        if !self.id.is_empty() {
            secret_tool(&["clear", "service", "devvault", "username", &self.account()]);
        }
    }
}

#[test]
fn enable_unlocks_without_a_passphrase_and_disable_takes_it_back() {
    let _bus = bus();
    let e = Env::new("value-1");
    e.enable();
    // The entry is in the real gnome-keyring, not in an in-memory mock.
    let entry = e.entry().expect("secret-tool sees the entry");
    assert!(entry.starts_with(&format!("devvault-keychain-v1 {} ", e.id)));
    let out = e.no_source(&["export", "app"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("value-1"));
    assert!(
        !text(&out.stderr).contains("notice"),
        "{}",
        text(&out.stderr)
    );
    let out = e.no_source(&["get", "app", "K"]);
    assert_eq!(text(&out.stdout), "value-1");

    e.cmd()
        .args(["keychain", "disable"])
        .assert()
        .success()
        .stderr(
            predicate::str::contains("keychain slot removed").and(predicate::str::contains(
                "deleted from the Secret Service (D-Bus)",
            )),
        );
    assert_eq!(e.entry(), None);
    let out = e.no_source(&["export", "app"]);
    let err = text(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("no passphrase") && err.contains("DEVVAULT_PASSPHRASE"),
        "{err}"
    );
    assert!(!err.contains("notice"), "{err}");
    e.cmd().args(["export", "app"]).assert().success();
}

#[test]
fn an_entry_deleted_behind_our_back_gives_a_notice_and_the_passphrase_works() {
    let _bus = bus();
    let e = Env::new("value-2");
    e.enable();
    secret_tool(&["clear", "service", "devvault", "username", &e.account()]);
    let out = e.no_source(&["export", "app"]);
    assert!(!out.status.success());
    assert!(one_notice(&out.stderr).contains("no entry for this vault"));
    let out = e.cmd().args(["export", "app"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(one_notice(&out.stderr).contains("using the passphrase"));
    assert!(text(&out.stdout).contains("value-2"));
    assert_eq!(e.status()["entry"], "missing");
}

#[test]
fn two_vaults_keep_their_own_entries_and_refuse_each_others() {
    let _bus = bus();
    let (a, b) = (Env::new("from-a"), Env::new("from-b"));
    a.enable();
    b.enable();
    assert_eq!(text(&a.no_source(&["get", "app", "K"]).stdout), "from-a");
    assert_eq!(text(&b.no_source(&["get", "app", "K"]).stdout), "from-b");
    a.cmd().args(["keychain", "disable"]).assert().success();
    assert!(!a.no_source(&["get", "app", "K"]).status.success());
    assert_eq!(text(&b.no_source(&["get", "app", "K"]).stdout), "from-b");

    // a's entry now holds b's payload: refused, with a notice, and the passphrase works.
    a.enable();
    let foreign = b.entry().unwrap();
    secret_tool(&["clear", "service", "devvault", "username", &a.account()]);
    let stored = std::process::Command::new("sh")
        .args([
            "-c",
            "printf %s \"$P\" | secret-tool store --label=x service devvault username \"$A\"",
        ])
        .env("P", &foreign)
        .env("A", a.account())
        .status()
        .unwrap();
    assert!(stored.success());
    assert_eq!(a.entry().as_deref(), Some(foreign.as_str()));
    let out = a.cmd().args(["get", "app", "K"]).output().unwrap();
    assert_eq!(text(&out.stdout), "from-a", "{}", text(&out.stderr));
    assert!(one_notice(&out.stderr).contains("another vault"));
    assert!(!a.no_source(&["get", "app", "K"]).status.success());
    let status = a.status();
    assert_eq!(status["entry"], "unreadable");
    assert!(status["error"].as_str().unwrap().contains("another vault"));
}

#[test]
fn no_bus_at_all_gives_a_notice_within_seconds() {
    let _bus = bus();
    let e = Env::new("value-3");
    e.enable();
    let start = Instant::now();
    let out = e
        .cmd()
        .env("DBUS_SESSION_BUS_ADDRESS", no_such_bus(e.dir.path()))
        .args(["export", "app"])
        .output()
        .unwrap();
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("value-3"));
    assert!(one_notice(&out.stderr).contains("cannot reach the Secret Service (D-Bus)"));
}

#[test]
fn a_bus_that_never_answers_is_given_up_after_two_seconds() {
    let _bus = bus();
    let e = Env::new("value-4");
    e.enable();
    let sock = e.dir.path().join("silent.sock");
    let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
    let start = Instant::now();
    let out = e
        .cmd()
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            format!("unix:path={}", sock.display()),
        )
        .args(["export", "app"])
        .output()
        .unwrap();
    let took = start.elapsed();
    assert!(
        took >= Duration::from_millis(1900) && took < Duration::from_secs(5),
        "{took:?}"
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(one_notice(&out.stderr).contains("did not answer within 2 s"));
}

#[test]
fn a_locked_keyring_gives_a_notice_and_the_passphrase_works() {
    let _bus = bus();
    let e = Env::new("value-5");
    // Locking needs a prompt to undo, so this runs in a keyring session of its own.
    let script = r#"set -eu
"$DV" keychain enable
dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets \
    org.freedesktop.Secret.Service.Lock array:objpath:/org/freedesktop/secrets/aliases/default >/dev/null
if secret-tool lookup service devvault username "$ACCOUNT" >/dev/null 2>&1; then
    echo "the keyring did not lock" >&2; exit 3
fi
t0=$(date +%s%N)
"$DV" export app
echo "elapsed-ms $(( ($(date +%s%N) - t0) / 1000000 ))"
"$DV" keychain status"#;
    let session = Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/keyring-session");
    let out = std::process::Command::new(session)
        .args(["sh", "-c", script])
        .current_dir(e.dir.path())
        .env("DV", assert_cmd::cargo::cargo_bin("devvault"))
        .env("ACCOUNT", e.account())
        .env("DEVVAULT_VAULT", &e.vault)
        .env("DEVVAULT_PASSPHRASE", PASS)
        .output()
        .unwrap();
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.lines().next().is_some_and(|l| l.contains("value-5")),
        "{stdout}"
    );
    let ms: u64 = stdout
        .lines()
        .find_map(|l| l.strip_prefix("elapsed-ms "))
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(ms < 5000, "export took {ms} ms");
    assert!(one_notice(&out.stderr).contains("locked"), "{stderr}");
    assert!(
        stdout.contains("unreadable: the Secret Service (D-Bus) is locked"),
        "{stdout}"
    );
}

#[test]
fn status_tells_the_store_when_and_whether_the_entry_opens_the_vault() {
    let _bus = bus();
    let e = Env::new("value-6");
    let s = e.status();
    assert_eq!(
        (s["enabled"].as_bool(), s["entry"].as_str()),
        (Some(false), Some("missing"))
    );
    let before = now();
    e.enable();
    let s = e.status();
    assert_eq!(s["enabled"], true);
    assert_eq!(s["store"], "Secret Service (D-Bus)");
    assert_eq!(s["service"], "devvault");
    assert_eq!(s["opens_vault"], true);
    let at = s["enabled_at"].as_i64().unwrap();
    assert!((before..=now()).contains(&at), "{at}");
    let out = e.cmd().args(["keychain", "status"]).output().unwrap();
    let shown = text(&out.stdout);
    for want in [
        "keychain slot: enabled",
        "Secret Service (D-Bus)",
        "present, stored 20",
    ] {
        assert!(shown.contains(want), "{want:?} not in\n{shown}");
    }
    assert!(shown.contains("opens vault:   yes"), "{shown}");
    e.cmd().args(["keychain", "disable"]).assert().success();
    let out = e.cmd().args(["keychain", "status"]).output().unwrap();
    assert!(text(&out.stdout).contains("keychain slot: disabled"));
}

#[test]
fn enable_without_a_keychain_fails_and_leaves_no_slot() {
    let _bus = bus();
    let e = Env::new("value-7");
    let out = e
        .cmd()
        .env("DBUS_SESSION_BUS_ADDRESS", no_such_bus(e.dir.path()))
        .args(["keychain", "enable"])
        .output()
        .unwrap();
    let err = text(&out.stderr);
    assert!(!out.status.success());
    for want in ["Secret Service (D-Bus)", "not enabled", "gnome-keyring"] {
        assert!(err.contains(want), "{want:?} not in {err}");
    }
    assert_eq!(e.status()["enabled"], false);
    assert!(!e.no_source(&["export", "app"]).status.success());
}

#[test]
fn disable_without_a_keychain_removes_the_slot_and_names_the_entry_left() {
    let _bus = bus();
    let e = Env::new("value-8");
    e.enable();
    let out = e
        .cmd()
        .env("DBUS_SESSION_BUS_ADDRESS", no_such_bus(e.dir.path()))
        .args(["keychain", "disable"])
        .output()
        .unwrap();
    let err = text(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("keychain slot removed"), "{err}");
    assert!(err.contains("could not remove the keychain entry"), "{err}");
    assert!(e.entry().is_some());
    let s = e.status();
    assert_eq!(
        (s["enabled"].as_bool(), s["entry"].as_str()),
        (Some(false), Some("present"))
    );
    e.cmd()
        .args(["keychain", "disable"])
        .assert()
        .success()
        .stderr(
            predicate::str::contains("has no keychain slot")
                .and(predicate::str::contains("deleted")),
        );
    assert_eq!(e.entry(), None);
}
