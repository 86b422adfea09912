//! The `devvault` binary end to end: every command of the first issue, every error the
//! contract names with its exit code, the unlock sources, and that a value given on stdin
//! never shows in argv, the environment, or an error (security test 12).

use assert_cmd::Command;
use predicates::prelude::*;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

const PASS: &str = "test passphrase 1234";

struct Env {
    dir: tempfile::TempDir,
    vault: PathBuf,
}

impl Env {
    /// A vault created with the cheapest Argon2id the floor allows, and a work directory.
    fn new() -> Env {
        let env = Env::empty();
        env.cmd()
            .args([
                "init",
                "--kdf-memory",
                "19MiB",
                "--kdf-time",
                "2",
                "--kdf-parallelism",
                "1",
            ])
            .assert()
            .success()
            .stderr(predicate::str::contains("created"));
        env
    }

    fn empty() -> Env {
        let dir = tempfile::tempdir().unwrap();
        let vault = dir.path().join("data/vault.db");
        std::fs::create_dir(dir.path().join("work")).unwrap();
        Env { dir, vault }
    }

    fn work(&self) -> PathBuf {
        self.dir.path().join("work")
    }

    /// The binary with only this test's vault and passphrase in its environment.
    fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("devvault").unwrap();
        c.current_dir(self.work())
            .env("HOME", self.dir.path())
            .env("DEVVAULT_VAULT", &self.vault)
            .env("DEVVAULT_PASSPHRASE", PASS)
            .env_remove("DEVVAULT_PASSPHRASE_FILE")
            .env_remove("DEVVAULT_PASSPHRASE_COMMAND")
            .env_remove("NO_COLOR");
        c
    }

    fn set(&self, args: &[&str], value: &str) {
        self.cmd()
            .arg("set")
            .args(args)
            .write_stdin(value)
            .assert()
            .success();
    }

    fn get(&self, args: &[&str]) -> String {
        let out = self.cmd().arg("get").args(args).assert().success();
        String::from_utf8(out.get_output().stdout.clone()).unwrap()
    }
}

#[test]
fn the_readme_tour_works() {
    let e = Env::new();
    e.cmd().args(["link", "myapp"]).assert().success();
    let link = std::fs::read_to_string(e.work().join(".devvault.toml")).unwrap();
    assert!(link.contains("scope = \"myapp/dev\""), "{link}");
    std::fs::write(
        e.work().join(".env"),
        "A=1\nexport B='two words'\n# comment\nC=\"x\\ny\"\n",
    )
    .unwrap();
    e.cmd().args(["import", ".env"]).assert().success().stdout(
        predicate::str::contains("+ A")
            .and(predicate::str::contains("3 added, 0 changed, 0 unchanged")),
    );
    e.cmd()
        .args(["import", ".env"])
        .assert()
        .success()
        .stdout(predicate::str::contains("0 added, 0 changed, 3 unchanged"));
    e.set(&["STRIPE_KEY"], "sk_live_x");
    e.cmd()
        .args(["set", "DB_PASSWORD", "--generate"])
        .assert()
        .success();
    assert_eq!(e.get(&["STRIPE_KEY"]), "sk_live_x");
    assert_eq!(e.get(&["C"]), "x\ny");
    let generated = e.get(&["DB_PASSWORD"]);
    assert_eq!(generated.len(), 32);
    assert!(generated.chars().all(|c| c.is_ascii_alphanumeric()));
    let ls = e
        .cmd()
        .arg("ls")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let ls = String::from_utf8(ls).unwrap();
    for k in [
        "A",
        "B",
        "C",
        "STRIPE_KEY",
        "DB_PASSWORD",
        "VERSION",
        "UPDATED",
    ] {
        assert!(ls.contains(k), "{ls}");
    }
    assert!(
        !ls.contains("sk_live_x") && !ls.contains(&generated),
        "ls shows a value"
    );
    e.cmd()
        .arg("export")
        .assert()
        .success()
        .stdout(predicate::str::contains("STRIPE_KEY='sk_live_x'"));
    e.cmd().args(["rm", "A"]).assert().success();
    e.cmd().args(["get", "A"]).assert().code(4);
    // Work from a subdirectory: the link file is found up the tree.
    let sub = e.work().join("src/deep");
    std::fs::create_dir_all(&sub).unwrap();
    e.cmd()
        .current_dir(&sub)
        .args(["get", "B"])
        .assert()
        .success()
        .stdout("two words");
}

#[test]
fn projects_and_ls_speak_json() {
    let e = Env::new();
    e.set(&["web/prod", "K1"], "v");
    e.set(&["web", "K2"], "v");
    e.set(&["api", "K3"], "v");
    let out = e
        .cmd()
        .args(["projects", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v[0]["project"], "api");
    assert_eq!(v[1]["project"], "web");
    assert_eq!(v[1]["environments"][0]["name"], "dev");
    assert_eq!(v[1]["environments"][1]["name"], "prod");
    assert_eq!(v[1]["environments"][1]["keys"], 1);
    let out = e
        .cmd()
        .args(["ls", "web/prod", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v[0]["key"], "K1");
    assert_eq!(v[0]["version"], 1);
    assert!(v[0]["created"].as_i64().unwrap() > 1_700_000_000);
    assert!(v[0].get("value").is_none());
}

#[test]
fn every_export_format_and_the_private_file() {
    let e = Env::new();
    e.set(&["app/prod", "TOKEN"], "t'o\"k");
    for (fmt, needle) in [
        ("dotenv", "TOKEN="),
        ("shell", "export TOKEN="),
        ("json", "\"TOKEN\": \"t'o\\\"k\""),
        ("yaml", "\"TOKEN\": "),
        ("docker", "TOKEN=t'o\"k"),
        ("k8s", "kind: Secret"),
    ] {
        e.cmd()
            .args(["export", "app/prod", "--format", fmt])
            .assert()
            .success()
            .stdout(predicate::str::contains(needle));
    }
    e.cmd()
        .args(["export", "app/prod", "--format", "toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("toml"));
    // -o: 0600, atomic, and a warning in a git repository that does not ignore it.
    std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(e.work())
        .status()
        .unwrap();
    e.cmd()
        .args(["export", "app/prod", "-o", ".env"])
        .assert()
        .success()
        .stderr(predicate::str::contains("not git-ignored"));
    let mode = std::fs::metadata(e.work().join(".env"))
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600);
    std::fs::write(e.work().join(".gitignore"), ".env\n").unwrap();
    e.cmd()
        .args(["export", "app/prod", "-o", ".env"])
        .assert()
        .success()
        .stderr(predicate::str::contains("not git-ignored").not());
    let leftovers: Vec<_> = std::fs::read_dir(e.work())
        .unwrap()
        .filter_map(|d| d.ok())
        .filter(|d| {
            d.file_name()
                .to_string_lossy()
                .starts_with(".devvault-export")
        })
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind");
}

#[test]
fn formats_refuse_what_they_cannot_carry_by_key_name() {
    let e = Env::new();
    e.set(&["app", "my.key"], "v");
    e.cmd()
        .args(["export", "app", "--format", "shell"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("my.key"));
    e.set(&["multi", "PEM"], "line1\nline2-secret");
    e.cmd()
        .args(["export", "multi", "--format", "docker"])
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("PEM").and(predicate::str::contains("line2-secret").not()),
        );
}

#[test]
fn run_injects_variables_and_passes_the_exit_code() {
    let e = Env::new();
    e.set(&["app", "GREETING"], "hello world");
    e.cmd()
        .args([
            "run",
            "app",
            "--",
            "sh",
            "-c",
            "printf %s \"$GREETING\"; exit 7",
        ])
        .assert()
        .code(7)
        .stdout("hello world");
    e.cmd()
        .args(["run", "app", "--", "definitely-not-a-command-xyz"])
        .assert()
        .code(127);
    e.set(&["nul", "BAD"], "a\0b");
    e.cmd()
        .args(["run", "nul", "--", "true"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("BAD").and(predicate::str::contains("NUL")));
    let files: Vec<_> = std::fs::read_dir(e.work()).unwrap().collect();
    assert!(files.is_empty(), "run wrote a file");
}

#[test]
fn unlock_sources_in_order() {
    let e = Env::new();
    e.set(&["app", "K"], "v");
    let file = e.dir.path().join("pass.txt");
    std::fs::write(&file, format!("{PASS}\n")).unwrap();
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
    assert_eq!(out.status.code(), Some(1), "{err}");
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
fn stdin_values_drop_one_newline_unless_raw() {
    let e = Env::new();
    e.set(&["app", "A"], "value\n");
    e.set(&["app", "B"], "value\r\n");
    e.set(&["app", "C"], "value\n\n");
    e.cmd()
        .args(["set", "app", "D", "--raw"])
        .write_stdin("value\n")
        .assert()
        .success();
    assert_eq!(e.get(&["app", "A"]), "value");
    assert_eq!(e.get(&["app", "B"]), "value");
    assert_eq!(e.get(&["app", "C"]), "value\n");
    assert_eq!(e.get(&["app", "D"]), "value\n");
    e.cmd()
        .args(["import", "app2", "-"])
        .write_stdin("X=1\n")
        .assert()
        .success();
    assert_eq!(e.get(&["app2", "X"]), "1");
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
fn init_refuses_weak_kdf_and_an_existing_vault() {
    let e = Env::empty();
    e.cmd()
        .args(["init", "--kdf-memory", "8MiB"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("below the floor"));
    assert!(!e.vault.exists());
    let e = Env::new();
    e.cmd()
        .args(["init"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("already exists"));
}

#[test]
fn completions_for_every_shell() {
    let e = Env::empty();
    for shell in ["bash", "zsh", "fish"] {
        e.cmd()
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(predicate::str::contains("export"));
    }
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
