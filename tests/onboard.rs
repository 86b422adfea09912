//! `example`, `onboard`, `export -o` records and `doctor` end to end; the vault's own
//! records (age identity, export list) under its integrity protection; frozen v1/v2 vaults
//! migrating to schema 3.

use crate::common;

use common::cli::Env;
use predicates::prelude::*;
use std::os::unix::fs::PermissionsExt;

#[test]
fn example_lists_keys_and_comments_never_values() {
    let e = Env::new();
    e.set(&["myapp/dev", "API_KEY"], "value-never-shown-1");
    e.cmd()
        .args([
            "rotate",
            "myapp/dev",
            "API_KEY",
            "--url",
            "https://dash.example.com/keys",
        ])
        .write_stdin("value-never-shown-2")
        .assert()
        .success();
    e.set(&["myapp/dev", "DB_URL"], "value-never-shown-3");
    let out = e.cmd().args(["example", "myapp/dev"]).assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.contains("# issued at https://dash.example.com/keys\nAPI_KEY=\n"),
        "{text}"
    );
    assert!(text.contains("\nDB_URL=\n"), "{text}");
    assert!(!text.contains("never-shown"), "{text}");
    // What example writes, onboard reads back.
    let parsed = devvault::dotenv::parse(&text, ".env.example").unwrap();
    assert_eq!(parsed.len(), 2);
}

#[test]
fn onboard_lists_then_fills_the_missing_keys() {
    let e = Env::new();
    e.cmd().args(["link", "myapp"]).assert().success();
    e.set(&["HAVE_IT"], "already-here");
    std::fs::write(
        e.work().join(".env.example"),
        "# needed\nHAVE_IT=\nNEED_ONE=\nexport NEED_TWO=\nSKIPPED=\n",
    )
    .unwrap();
    // No terminal: list and exit 1.
    e.cmd()
        .arg("onboard")
        .assert()
        .code(1)
        .stdout("NEED_ONE\nNEED_TWO\nSKIPPED\n")
        .stderr(predicate::str::contains("3 keys"));
    // --stdin: one value a line in that order; an empty line skips.
    e.cmd()
        .args(["onboard", "--stdin"])
        .write_stdin("first value\nsecond value\n\n")
        .assert()
        .success()
        .stderr(predicate::str::contains("2 added, 1 skipped"));
    assert_eq!(e.get(&["NEED_ONE"]), "first value");
    assert_eq!(e.get(&["NEED_TWO"]), "second value");
    assert_eq!(e.get(&["HAVE_IT"]), "already-here");
    e.cmd().arg("onboard").assert().code(1).stdout("SKIPPED\n");
    // A bad line is reported as file:line.
    std::fs::write(e.work().join("bad.example"), "OK=\n1BAD=\n").unwrap();
    e.cmd()
        .args(["onboard", "--file", "bad.example"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("bad.example:2"));
}

/// Drives `devvault onboard` in a pseudo-terminal (Python's `pty`): answers each no-echo
/// prompt once it is shown, and returns everything the terminal displayed.
const PTY_DRIVER: &str = r#"
import os, pty, sys, termios, time
answers = sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "onboard"])
seen = b""
def read():
    global seen
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        return False
    seen += chunk
    return bool(chunk)
for i, a in enumerate(answers):
    while seen.count(b"empty skips): ") <= i and read():
        pass
    # rpassword shows the prompt, then turns echo off: type only once it is off.
    deadline = time.time() + 10
    while termios.tcgetattr(fd)[3] & termios.ECHO and time.time() < deadline:
        time.sleep(0.01)
    os.write(fd, a.encode() + b"\n")
while read():
    pass
os.waitpid(pid, 0)
sys.stdout.write(seen.decode(errors="replace"))
"#;

#[test]
fn onboard_prompts_without_echo_on_a_terminal() {
    let e = Env::new();
    e.cmd().args(["link", "myapp"]).assert().success();
    std::fs::write(e.work().join(".env.example"), "TYPED_KEY=\nLEFT_OUT=\n").unwrap();
    let bin = assert_cmd::cargo::cargo_bin("devvault");
    let out = std::process::Command::new("python3")
        .args(["-c", PTY_DRIVER])
        .arg(&bin)
        .args(["typed-secret-value", ""])
        .current_dir(e.work())
        .env("DEVVAULT_VAULT", &e.vault)
        .env("DEVVAULT_PASSPHRASE", common::cli::PASS)
        .output()
        .unwrap();
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(
        screen.contains("TYPED_KEY (hidden, empty skips):"),
        "{screen}"
    );
    assert!(screen.contains("1 added, 1 skipped"), "{screen}");
    assert!(!screen.contains("typed-secret-value"), "echoed: {screen}");
    assert_eq!(e.get(&["TYPED_KEY"]), "typed-secret-value");
}

fn git_init(dir: &std::path::Path) {
    let ok = std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(dir)
        .status()
        .unwrap()
        .success();
    assert!(ok);
}

#[test]
fn doctor_finds_exports_env_files_and_loose_modes() {
    let e = Env::new();
    e.set(&["myapp/dev", "API_KEY"], "doctor-value-123");
    git_init(&e.work());
    e.cmd()
        .arg("doctor")
        .assert()
        .success()
        .stdout(predicate::str::contains("ok: vault"));
    e.cmd()
        .args(["export", "myapp/dev", "-o", "exported.env"])
        .assert()
        .success();
    std::fs::write(e.work().join(".env"), "X=1\n").unwrap();
    std::fs::set_permissions(e.work().join(".env"), PermissionsExt::from_mode(0o644)).unwrap();
    std::fs::write(e.work().join(".env.example"), "X=\n").unwrap();
    let out = e.cmd().arg("doctor").assert().code(1);
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.contains("plaintext export of myapp/dev still at"),
        "{text}"
    );
    assert!(text.contains("exported.env (written"), "{text}");
    assert!(text.contains("NOT git-ignored"), "{text}");
    assert!(text.contains("./.env is not git-ignored"), "{text}");
    assert!(text.contains("./.env has mode 644"), "{text}");
    assert!(!text.contains(".env.example"), "{text}");
    assert!(!text.contains("doctor-value-123"), "{text}");
    // Ignored, then removed: the export is reported ignored, then no longer at all.
    std::fs::write(e.work().join(".gitignore"), "exported.env\n.env\n").unwrap();
    std::fs::remove_file(e.work().join(".env")).unwrap();
    let out = e.cmd().args(["doctor", "--json"]).assert().code(1);
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let what = json[0]["what"].as_str().unwrap();
    assert!(
        what.contains("git-ignored") && !what.contains("NOT"),
        "{json}"
    );
    std::fs::remove_file(e.work().join("exported.env")).unwrap();
    e.cmd().arg("doctor").assert().success();
    // A loose vault file is named with the chmod that fixes it.
    std::fs::set_permissions(&e.vault, PermissionsExt::from_mode(0o644)).unwrap();
    e.cmd()
        .arg("doctor")
        .assert()
        .stdout(predicate::str::contains(format!(
            "chmod 600 {}",
            e.vault.display()
        )));
}

#[test]
fn the_vaults_own_records_are_under_its_integrity_check() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut v) = common::new_vault(dir.path());
    let r = v.age_recipient().unwrap();
    v.record_export(&dir.path().join("x.env"), &common::scope("a/dev"))
        .unwrap();
    assert_eq!(common::reopen(&path).age_recipient().unwrap(), r);
    drop(v);
    // Swap the two sealed rows, then delete one: both are integrity errors.
    let db = common::sql(&path);
    let rows: Vec<(i64, Vec<u8>)> = db
        .prepare("SELECT id, body FROM extras ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows.len(), 2);
    let set = |id: i64, body: &[u8]| {
        db.execute(
            "UPDATE extras SET body = ?1 WHERE id = ?2",
            rusqlite::params![body, id],
        )
        .unwrap()
    };
    set(rows[0].0, &rows[1].1);
    set(rows[1].0, &rows[0].1);
    assert!(common::is_integrity(common::reopen(&path).age_recipient()));
    set(rows[0].0, &rows[0].1);
    set(rows[1].0, &rows[1].1);
    assert_eq!(common::reopen(&path).age_recipient().unwrap(), r);
    db.execute("DELETE FROM extras WHERE id = ?1", [rows[1].0])
        .unwrap();
    assert!(common::is_integrity(common::reopen(&path).exports()));
    // No plaintext identity in the file.
    let bytes = std::fs::read(&path).unwrap();
    assert!(!bytes.windows(15).any(|w| w == b"AGE-SECRET-KEY-"));
}

#[test]
fn frozen_vaults_migrate_to_the_current_schema_and_get_an_identity() {
    for name in ["v1.db", "v2.db"] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::copy(
            format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR")),
            &path,
        )
        .unwrap();
        std::fs::set_permissions(&path, PermissionsExt::from_mode(0o600)).unwrap();
        let version: i64 = common::sql(&path)
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert!(version < 3);
        let pass = format!("devvault frozen vault {}", &name[..2]);
        let mut v = devvault::Vault::open(&path)
            .unwrap()
            .unlock(&common::pass(&pass))
            .unwrap();
        let r = v.age_recipient().unwrap();
        assert!(!v.projects().unwrap().is_empty());
        drop(v);
        let mut v = devvault::Vault::open(&path)
            .unwrap()
            .unlock(&common::pass(&pass))
            .unwrap();
        assert_eq!(v.age_recipient().unwrap(), r);
        let version: i64 = common::sql(&path)
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(
            version, 5,
            "{name}: schema 5 (onboarding, remotes, compact records)"
        );
    }
}

#[test]
fn doctor_lists_migration_backups_with_the_fix() {
    let e = Env::empty();
    std::fs::create_dir_all(e.vault.parent().unwrap()).unwrap();
    std::fs::set_permissions(e.vault.parent().unwrap(), PermissionsExt::from_mode(0o700)).unwrap();
    std::fs::copy(
        format!("{}/tests/data/v2.db", env!("CARGO_MANIFEST_DIR")),
        &e.vault,
    )
    .unwrap();
    std::fs::set_permissions(&e.vault, PermissionsExt::from_mode(0o600)).unwrap();
    let out = e
        .cmd()
        .env("DEVVAULT_PASSPHRASE", "devvault frozen vault v2")
        .arg("doctor")
        .assert()
        .code(1);
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let backup = format!("{}.bak-v2", e.vault.display());
    assert!(
        text.contains(&format!("migration backup {backup}")),
        "{text}"
    );
    assert!(text.contains(&format!("rm {backup}")), "{text}");
    let mode = std::fs::metadata(&backup).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}
