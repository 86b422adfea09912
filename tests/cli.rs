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
fn an_empty_scope_is_listed_with_no_keys() {
    let e = Env::new();
    e.set(&["web/prod", "K1"], "v");
    // What the TUI's `n` calls.
    let pass = devvault::Passphrase::new(common::cli::PASS.to_string());
    let mut v = devvault::Vault::open(&e.vault)
        .unwrap()
        .unlock(&pass)
        .unwrap();
    assert!(
        v.create_scope(&devvault::Scope::parse("web/staging").unwrap())
            .unwrap()
    );
    drop(v);
    let out = e.cmd().args(["projects", "--json"]).assert().success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v[0]["environments"][0]["name"], "prod");
    assert_eq!(v[0]["environments"][0]["keys"], 1);
    assert_eq!(v[0]["environments"][1]["name"], "staging");
    assert_eq!(v[0]["environments"][1]["keys"], 0);
    let out = e.cmd().args(["projects"]).assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(text.contains("staging"), "{text}");
    e.cmd().args(["ls", "web/staging"]).assert().success();
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
        .args(["import", "second", "-"])
        .write_stdin("X=1\n")
        .assert()
        .success();
    assert_eq!(e.get(&["second", "X"]), "1");
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

/// The binary with no terminal to ask on (a new session), `stdin` as its input.
fn detached(e: &Env, args: &[&str], stdin: &str) -> std::process::Output {
    use std::io::Write;
    let mut c = std::process::Command::new("setsid");
    c.arg(assert_cmd::cargo::cargo_bin("devvault"))
        .args(args)
        .current_dir(e.work())
        .env("HOME", e.dir.path())
        .env("DEVVAULT_VAULT", &e.vault)
        .env("DEVVAULT_PASSPHRASE", common::cli::PASS)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = c.spawn().expect("setsid (util-linux) is needed");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn an_empty_stdin_changes_nothing_without_allow_empty() {
    let e = Env::new();
    e.set(&["app", "STRIPE_KEY"], "sk_live_1");
    for cmd in ["set", "rotate"] {
        e.cmd()
            .args([cmd, "app", "STRIPE_KEY"])
            .write_stdin("")
            .assert()
            .code(2)
            .stderr(
                predicate::str::contains("stdin for STRIPE_KEY was empty")
                    .and(predicate::str::contains("--allow-empty")),
            );
        assert_eq!(e.get(&["app", "STRIPE_KEY"]), "sk_live_1");
    }
    e.cmd()
        .args(["set", "app", "EMPTY", "--allow-empty"])
        .write_stdin("")
        .assert()
        .success();
    assert_eq!(e.get(&["app", "EMPTY"]), "");
    // `import` of `KEY=` stays allowed: it is explicit.
    e.cmd()
        .args(["import", "app", "-"])
        .write_stdin("BLANK=\n")
        .assert()
        .success();
}

#[test]
fn a_value_given_as_key_equals_value_is_refused_unechoed() {
    let e = Env::new();
    for args in [
        &["set", "STRIPE_KEY=sk_live_abc"][..],
        &["set", "app", "STRIPE_KEY=sk_live_abc"],
    ] {
        e.cmd().args(args).write_stdin("x").assert().code(2).stderr(
            predicate::str::contains("`STRIPE_KEY=...`")
                .and(predicate::str::contains("sk_live").not()),
        );
    }
}

#[test]
fn a_new_scope_is_announced_and_a_near_name_needs_create() {
    let e = Env::new();
    e.set(&["repo/prod", "K"], "v");
    e.cmd()
        .args(["set", "billing/dev", "K"])
        .write_stdin("v")
        .assert()
        .success()
        .stderr(predicate::str::contains("Creating project `billing`"));
    for (args, near) in [
        (vec!["set", "repo/prdo", "K"], "`prod`"),
        (vec!["import", "rpeo", "-"], "`repo`"),
    ] {
        let out = detached(&e, &args, "K=v\n");
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(near) && err.contains("--create"), "{err}");
    }
    let projects = e.cmd().args(["projects", "--json"]).assert().success();
    let list = String::from_utf8_lossy(&projects.get_output().stdout).into_owned();
    assert!(!list.contains("prdo") && !list.contains("rpeo"), "{list}");
    e.cmd()
        .args(["set", "repo/prdo", "K", "--create"])
        .write_stdin("v")
        .assert()
        .success()
        .stderr(predicate::str::contains("Creating environment `prdo`"));
}

#[test]
fn scopes_are_removed_renamed_copied_and_compared() {
    let e = Env::new();
    e.cmd()
        .args(["import", "app/dev", "-"])
        .write_stdin("A=1\nB=2\nC=3\n")
        .assert()
        .success();
    e.cmd()
        .args(["policy", "app/dev", "--max-age", "30d"])
        .assert()
        .success();
    // Without a terminal, rm/mv/cp need --yes; nothing changes.
    for args in [
        vec!["scope", "rm", "app/dev"],
        vec!["scope", "mv", "app/dev", "app/local"],
        vec!["scope", "cp", "app/dev", "app/staging"],
        vec!["mv", "app/dev", "A", "AA"],
    ] {
        let out = detached(&e, &args, "");
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(stderr(&out).contains("--yes"), "{}", stderr(&out));
    }
    e.cmd()
        .args(["scope", "cp", "app/dev", "app/staging", "--yes"])
        .assert()
        .success()
        .stderr(predicate::str::contains("3 added"));
    assert_eq!(e.get(&["app/staging", "B"]), "2");
    e.cmd()
        .args(["policy", "app/staging"])
        .assert()
        .success()
        .stdout(predicate::str::contains("max age 30d (set on the scope)"));
    e.set(&["app/staging", "B"], "two");
    e.set(&["app/staging", "D"], "4");
    e.cmd().args(["rm", "app/staging", "C"]).assert().success();
    let d = e
        .cmd()
        .args(["scope", "diff", "app/dev", "app/staging", "--json"])
        .assert()
        .success();
    let d: serde_json::Value = serde_json::from_slice(&d.get_output().stdout).unwrap();
    assert_eq!(d["only_in_a"], serde_json::json!(["C"]));
    assert_eq!(d["only_in_b"], serde_json::json!(["D"]));
    assert_eq!(d["different"], serde_json::json!(["B"]));
    assert_eq!(d["same"], serde_json::json!(["A"]));
    // A copy onto keys that exist needs --overwrite.
    e.cmd()
        .args(["scope", "cp", "app/dev", "app/staging", "--yes"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("already holds A, B"));
    // Key rename keeps history.
    e.set(&["app/dev", "A"], "1b");
    e.cmd()
        .args(["mv", "app/dev", "A", "ALPHA", "--yes"])
        .assert()
        .success();
    assert_eq!(e.get(&["app/dev", "ALPHA"]), "1b");
    e.cmd()
        .args(["history", "app/dev", "ALPHA", "--reveal", "--json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"value\": \"1\""));
    e.cmd().args(["get", "app/dev", "A"]).assert().code(4);
    // Rename an environment, then a whole project.
    e.cmd()
        .args(["scope", "mv", "app/dev", "app/local", "--yes"])
        .assert()
        .success();
    assert_eq!(e.get(&["app/local", "B"]), "2");
    e.cmd().args(["ls", "app/dev"]).assert().code(4);
    e.cmd()
        .args(["scope", "mv", "app", "shop", "--yes"])
        .assert()
        .success();
    assert_eq!(e.get(&["shop/staging", "D"]), "4");
    // rm keeps history; --purge removes the scope.
    e.cmd()
        .args(["scope", "rm", "shop/local", "--yes"])
        .assert()
        .success()
        .stderr(predicate::str::contains("kept in history"));
    e.cmd()
        .args(["history", "shop/local", "B"])
        .assert()
        .success();
    e.cmd()
        .args(["scope", "rm", "shop", "--purge", "--yes"])
        .assert()
        .success();
    let projects = e.cmd().args(["projects", "--json"]).assert().success();
    assert!(!String::from_utf8_lossy(&projects.get_output().stdout).contains("shop"));
    e.cmd().args(["audit", "verify"]).assert().success();
    e.cmd().args(["audit"]).assert().success().stdout(
        predicate::str::contains("scope-rm")
            .and(predicate::str::contains("scope-mv"))
            .and(predicate::str::contains("scope-cp"))
            .and(predicate::str::contains("mv")),
    );
}

#[test]
fn export_to_a_file_never_clobbers() {
    let e = Env::new();
    e.set(&["app", "K"], "v");
    let hand = e.work().join(".env");
    std::fs::write(&hand, "# my notes\nX=1\n").unwrap();
    e.cmd()
        .args(["export", "app", "-o", ".env"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--force"));
    assert_eq!(std::fs::read_to_string(&hand).unwrap(), "# my notes\nX=1\n");
    e.cmd()
        .args(["export", "app", "-o", ".env", "--force"])
        .assert()
        .success();
    // Its own recorded export of the same scope is replaced without --force.
    e.cmd()
        .args(["export", "app", "-o", ".env"])
        .assert()
        .success();
    // But not as another scope's.
    e.set(&["other", "K"], "v");
    e.cmd()
        .args(["export", "other", "-o", ".env"])
        .assert()
        .code(2);
    // `-o -` is stdout.
    e.cmd()
        .args(["export", "app", "-o", "-"])
        .assert()
        .success()
        .stdout(predicate::str::contains("K="));
    assert!(!e.work().join("-").exists());
    e.cmd()
        .args(["export", "app", "-o", "nodir/x.env"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("folder nodir"));
    // A file git tracks: refused even with --force, unless --allow-tracked.
    let git = |args: &[&str]| {
        assert!(
            std::process::Command::new("git")
                .args(args)
                .current_dir(e.work())
                .env("HOME", e.dir.path())
                .output()
                .unwrap()
                .status
                .success()
        )
    };
    git(&["init", "-q"]);
    std::fs::write(e.work().join("config.env"), "A=1\n").unwrap();
    git(&["add", "config.env"]);
    e.cmd()
        .args(["export", "app", "-o", "config.env", "--force"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("tracked by git"));
    assert_eq!(
        std::fs::read_to_string(e.work().join("config.env")).unwrap(),
        "A=1\n"
    );
    e.cmd()
        .args([
            "export",
            "app",
            "-o",
            "config.env",
            "--force",
            "--allow-tracked",
        ])
        .assert()
        .success();
}

#[test]
fn one_duration_grammar() {
    let e = Env::new();
    e.set(&["app", "K"], "v");
    e.cmd()
        .args(["policy", "app", "--max-age", "6mo"])
        .assert()
        .success()
        .stdout(predicate::str::contains("max age 180d"));
    e.cmd()
        .args(["policy", "app", "--max-age", "15m"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("1 day and 10 years"));
    e.cmd()
        .args(["policy", "app", "--max-age", "6x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("mo (months of 30 days)"));
    e.cmd().args(["audit", "--since", "1h"]).assert().success();
    e.cmd()
        .args(["unlock", "--for", "5"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("m (minutes)"));
}

#[test]
fn run_and_export_select_keys_and_keep_the_environment() {
    let e = Env::new();
    e.cmd()
        .args(["import", "app", "-"])
        .write_stdin("PORT=3000\nA=1\nB=2\n")
        .assert()
        .success();
    let out = e
        .cmd()
        .args([
            "run",
            "app",
            "--only",
            "A,PORT",
            "--",
            "sh",
            "-c",
            "echo $A-$B-$PORT",
        ])
        .assert()
        .success();
    assert_eq!(
        String::from_utf8_lossy(&out.get_output().stdout),
        "1--3000\n"
    );
    let out = e
        .cmd()
        .env("PORT", "9999")
        .args([
            "run",
            "app",
            "--exclude",
            "A",
            "--no-override",
            "--",
            "sh",
            "-c",
            "echo $A-$B-$PORT",
        ])
        .assert()
        .success();
    assert_eq!(
        String::from_utf8_lossy(&out.get_output().stdout),
        "-2-9999\n"
    );
    e.cmd()
        .args(["export", "app", "--only", "B"])
        .assert()
        .success()
        .stdout(predicate::eq("B='2'\n"));
    e.cmd()
        .args(["export", "app", "--only", "NOPE"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("NOPE"));
}

#[test]
fn the_environment_can_be_chosen_per_user() {
    let e = Env::new();
    e.set(&["app/dev", "K"], "dev");
    e.set(&["app/staging", "K"], "staging");
    e.set(&["app/qa", "K"], "qa");
    e.cmd().args(["link", "app"]).assert().success();
    assert_eq!(e.get(&["K"]), "dev");
    std::fs::write(e.work().join(".devvault.local.toml"), "env = \"qa\"\n").unwrap();
    assert_eq!(e.get(&["K"]), "qa");
    let out = e
        .cmd()
        .env("DEVVAULT_ENV", "staging")
        .args(["get", "K"])
        .assert()
        .success();
    assert_eq!(String::from_utf8_lossy(&out.get_output().stdout), "staging");
}

#[test]
fn import_previews_reports_duplicates_and_keeps_comments_as_notes() {
    let e = Env::new();
    e.set(&["app", "A"], "1");
    let file = "# from the Stripe dashboard\nSTRIPE=sk\nA=2\nDUP=1\nDUP=2\n";
    e.cmd()
        .args(["import", "app", "-", "--dry-run"])
        .write_stdin(file)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "2 added, 1 changed, 0 unchanged (dry run",
        ))
        .stderr(predicate::str::contains("DUP more than once"));
    assert_eq!(e.get(&["app", "A"]), "1");
    e.cmd().args(["get", "app", "STRIPE"]).assert().code(4);
    e.cmd()
        .args(["import", "app", "-"])
        .write_stdin(file)
        .assert()
        .success();
    e.cmd()
        .args(["history", "app", "STRIPE"])
        .assert()
        .success()
        .stdout(predicate::str::contains("from the Stripe dashboard"));
    e.cmd()
        .args(["import", "app", "missing.env"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("missing.env"));
}

#[test]
fn onboard_stdin_names_the_keys_it_skipped() {
    let e = Env::new();
    std::fs::write(e.work().join(".env.example"), "A=\nB=\nC=\n").unwrap();
    e.cmd()
        .args(["onboard", "app", "--stdin"])
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("stdin was empty"));
    e.cmd()
        .args(["onboard", "app", "--stdin"])
        .write_stdin("1\n")
        .assert()
        .failure()
        .stderr(predicate::str::contains("B, C").and(predicate::str::contains("skipped")));
    assert_eq!(e.get(&["app", "A"]), "1");
}

/// A shell in a real terminal (tmux) running `script` with the test's vault; `bin` is the
/// binary. `with_pass` gives DEVVAULT_PASSPHRASE, else it has to be typed.
fn terminal(e: &Env, script: &str, with_pass: bool) -> common::tmux::Tmux {
    let home = e.dir.path().to_str().unwrap().to_string();
    let vault = e.vault.to_str().unwrap().to_string();
    let bin = common::tmux::binary();
    let script = script.replace("devvault", &bin);
    let cmd =
        format!("sh -c '{script}; echo EXIT=$?; read -r rest; echo \"LEFT=[$rest]\"; sleep 30'");
    let mut env = vec![("HOME", home.as_str()), ("DEVVAULT_VAULT", vault.as_str())];
    if with_pass {
        env.push(("DEVVAULT_PASSPHRASE", common::cli::PASS));
    }
    common::tmux::Tmux::start(&cmd, &e.work(), &env, 150, 20)
}

#[test]
fn a_pasted_value_is_taken_whole_and_nothing_reaches_the_shell() {
    let e = Env::new();
    let pem =
        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkq\necho PWNED\n-----END PRIVATE KEY-----\n";
    let t = terminal(&e, "devvault set app PEM", true);
    t.wait_for("a paste is taken whole");
    t.paste(pem, true);
    t.wait_for("EXIT=0");
    t.type_text("END");
    t.keys(&["Enter"]);
    let screen = t.wait_for("LEFT=");
    assert!(screen.contains("LEFT=[END]"), "{screen}");
    assert!(
        !screen.contains("MIIE") && !screen.contains("PWNED"),
        "{screen}"
    );
    assert_eq!(e.get(&["app", "PEM"]), pem.trim_end_matches('\n'));
}

#[test]
fn a_typed_value_ends_at_enter_and_multiline_at_ctrl_d() {
    let e = Env::new();
    let t = terminal(&e, "devvault set app ONE", true);
    t.wait_for("Enter ends");
    t.type_text("typed-value");
    t.keys(&["Enter"]);
    t.wait_for("EXIT=0");
    t.type_text("END");
    t.keys(&["Enter"]);
    assert!(t.wait_for("LEFT=").contains("LEFT=[END]"));
    assert_eq!(e.get(&["app", "ONE"]), "typed-value");
    let t = terminal(&e, "devvault set app TWO --multiline", true);
    t.wait_for("Ctrl-D ends");
    t.type_text("line one");
    t.keys(&["Enter"]);
    t.type_text("line two");
    t.keys(&["C-d"]);
    t.wait_for("EXIT=0");
    assert_eq!(e.get(&["app", "TWO"]), "line one\nline two");
}

#[test]
fn an_unbracketed_multi_line_paste_is_refused_and_swallowed() {
    let e = Env::new();
    let t = terminal(&e, "devvault set app PEM", true);
    t.wait_for("a paste is taken whole");
    t.paste("first line\necho PWNED\nthird\n", false);
    let screen = t.wait_for("EXIT=");
    assert!(
        screen.contains("EXIT=2") || screen.contains("EXIT=1"),
        "{screen}"
    );
    assert!(screen.contains("nothing was stored"), "{screen}");
    t.type_text("END");
    t.keys(&["Enter"]);
    let screen = t.wait_for("LEFT=");
    assert!(
        screen.contains("LEFT=[END]") && !screen.contains("PWNED"),
        "{screen}"
    );
    e.cmd().args(["get", "app", "PEM"]).assert().code(4);
}

#[test]
fn three_tries_the_passphrase_first_and_the_unlock_hint() {
    let e = Env::new();
    e.set(&["app", "K"], "v");
    let t = terminal(&e, "devvault ls app && devvault set app NEW", false);
    t.wait_for("Passphrase for");
    t.type_text("wrong one");
    t.keys(&["Enter"]);
    t.wait_for("2 tries left");
    t.type_text("wrong two");
    t.keys(&["Enter"]);
    t.wait_for("1 try left");
    t.type_text(common::cli::PASS);
    t.keys(&["Enter"]);
    // The second prompt within minutes brings the hint; the passphrase comes before the value.
    let screen = t.wait_for("devvault unlock --for 8h");
    assert!(!screen.contains("Value for NEW"), "{screen}");
    t.type_text(common::cli::PASS);
    t.keys(&["Enter"]);
    t.wait_for("Value for NEW");
    t.type_text("fresh");
    t.keys(&["Enter"]);
    t.wait_for("EXIT=0");
    assert_eq!(e.get(&["app", "NEW"]), "fresh");
}

#[test]
fn usage_help_completions_and_suggestions() {
    let e = Env::new();
    e.cmd().args(["link", "My App"]).assert().code(2);
    e.cmd().args(["get", "app", "1BAD"]).assert().code(2);
    e.cmd()
        .args(["rollback", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("[SCOPE] <KEY> <VERSION>"));
    for cmd in ["tui", "init", "passwd"] {
        e.cmd()
            .args([cmd, "--help"])
            .assert()
            .success()
            .stdout(predicate::str::contains("--kdf-*").not());
    }
    let bash = e.cmd().args(["completions", "bash"]).assert().success();
    let bash = String::from_utf8_lossy(&bash.get_output().stdout).into_owned();
    assert!(!bash.contains("clipboard-hold"), "hidden command completed");
    e.cmd()
        .arg("clipboard-hold")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("__clipboard").not());
    assert!(
        bash.contains("dotenv shell json yaml docker k8s"),
        "--format values"
    );
    // rollback takes `v3` as the TUI shows it.
    for v in ["a", "b", "c"] {
        e.set(&["app", "K"], v);
    }
    e.cmd()
        .args(["rollback", "app", "K", "v1"])
        .assert()
        .success();
    assert_eq!(e.get(&["app", "K"]), "a");
    // `run staging` in a repository linked to `repo` suggests `repo/staging`.
    e.set(&["repo/staging", "K"], "v");
    e.cmd().args(["link", "repo"]).assert().success();
    e.cmd()
        .args(["run", "staging", "--", "true"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("did you mean `repo/staging`?"));
}

#[test]
fn get_on_a_terminal_ends_with_a_newline() {
    let e = Env::new();
    e.set(&["app", "K"], "value-no-newline");
    let t = terminal(&e, "devvault get app K; printf AFTER", true);
    let screen = t.wait_for("AFTER");
    assert!(screen.contains("value-no-newline\nAFTER"), "{screen}");
}

#[test]
fn doctor_lists_each_file_once() {
    let e = Env::new();
    e.set(&["app", "K"], "v");
    assert!(
        std::process::Command::new("git")
            .args(["init", "-q"])
            .current_dir(e.work())
            .status()
            .unwrap()
            .success()
    );
    for _ in 0..2 {
        e.cmd()
            .args(["export", "app", "-o", ".env"])
            .assert()
            .success();
    }
    let out = e.cmd().args(["doctor", "--json"]).assert().code(1);
    let checks: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let about_env = checks
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["what"].as_str().unwrap().contains(".env"))
        .count();
    assert_eq!(about_env, 1, "{checks:#}");
}

#[test]
fn policy_and_share_default_to_the_linked_scope() {
    let e = Env::new();
    e.set(&["app/dev", "K"], "v");
    e.cmd().args(["link", "app"]).assert().success();
    e.cmd()
        .args(["policy", "--max-age", "30d"])
        .assert()
        .success()
        .stdout(predicate::str::contains("app/dev: max age 30d"));
    e.cmd()
        .args(["policy", "K"])
        .assert()
        .success()
        .stdout(predicate::str::contains("K in app/dev: max age 30d"));
    e.cmd()
        .args(["share", "--passphrase", "-o", "b.age"])
        .env("DEVVAULT_BUNDLE_PASSPHRASE", "bundle passphrase 1234")
        .assert()
        .success()
        .stderr(predicate::str::contains("of 1 scope"));
}

#[test]
fn options_may_stand_between_the_scope_and_the_key() {
    let env = Env::new();
    env.set(&["app/dev", "KEY"], "v1");
    env.cmd()
        .args(["get", "app/dev", "-n", "KEY"])
        .assert()
        .success()
        .stdout("v1\n");
    env.cmd()
        .args(["history", "app/dev", "--json", "KEY"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"version\": 1"));
    std::fs::write(env.work().join("b.env"), "B=2\n").unwrap();
    env.cmd()
        .current_dir(env.work())
        .args(["import", "app/dev", "--json", "b.env"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"added\""));
    // A word after KEY is still refused, and not echoed (it may be a value).
    env.cmd()
        .args(["set", "app/dev", "--raw", "KEY", "hunter2hunter2"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("hunter2").not());
    // An option's value is never taken for a positional.
    env.cmd()
        .args(["rotate", "app/dev", "--note", "why", "KEY", "--generate"])
        .assert()
        .success();
    env.cmd()
        .args(["history", "app/dev", "KEY", "--json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("why"));
}
