//! The `devvault` binary end to end: every command of the vault core (init, link, projects,
//! ls, set, get, rm, import, export in every format, run, completions).

use crate::common;

use common::cli::Env;
use predicates::prelude::*;
use std::os::unix::fs::PermissionsExt;

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
