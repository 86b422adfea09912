//! The command line's shape: positionals named in `--help` (`get [SCOPE] <KEY>`, `rollback
//! [SCOPE] <KEY> <VERSION>`), and dynamic shell completion (`COMPLETE=fish devvault -- ...`)
//! that lists scope and key names only from a vault already unlocked by the session, never
//! prompting and never printing a value.

use crate::common;

use common::cli::Env;
use predicates::prelude::*;

#[test]
fn help_names_each_positional() {
    let e = Env::empty();
    for (cmd, usage, args) in [
        ("get", "[SCOPE] <KEY>", &["[SCOPE]", "<KEY>"][..]),
        ("set", "[SCOPE] <KEY>", &["[SCOPE]", "<KEY>"]),
        ("rotate", "[SCOPE] <KEY>", &["[SCOPE]", "<KEY>"]),
        ("rm", "[SCOPE] <KEY>", &["[SCOPE]", "<KEY>"]),
        ("history", "[SCOPE] <KEY>", &["[SCOPE]", "<KEY>"]),
        ("import", "[SCOPE] <FILE>", &["[SCOPE]", "<FILE>"]),
        ("policy", "[SCOPE] [KEY]", &["[SCOPE]", "[KEY]"]),
        ("mv", "[SCOPE] <KEY> <NEW>", &["[SCOPE]", "KEY", "NEW"]),
        (
            "rollback",
            "[SCOPE] <KEY> <VERSION>",
            &["[SCOPE]", "KEY", "VERSION"],
        ),
    ] {
        let out = e.cmd().args([cmd, "--help"]).assert().success();
        let help = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        let want = format!("Usage: devvault {cmd} [OPTIONS] {usage}");
        assert!(help.contains(&want), "{cmd}: no `{want}` in\n{help}");
        assert!(!help.contains("ARGS"), "{cmd} still shows ARGS:\n{help}");
        let section = help.split("Arguments:").nth(1).unwrap_or_default();
        for a in args {
            assert!(
                section.contains(a),
                "{cmd}: no {a} under Arguments:\n{help}"
            );
        }
    }
}

#[test]
fn positionals_keep_their_meaning() {
    let e = Env::new();
    e.cmd().args(["link", "app"]).assert().success();
    e.set(&["K"], "one");
    e.set(&["app/dev", "K"], "two");
    assert_eq!(e.get(&["K"]), "two");
    assert_eq!(e.get(&["app/dev", "K", "-n"]), "two\n");
    e.cmd().args(["rollback", "K", "v1"]).assert().success();
    assert_eq!(e.get(&["-n", "K"]), "one\n");
    e.cmd().args(["mv", "K", "K2", "--yes"]).assert().success();
    e.cmd()
        .args(["mv", "app", "K2", "K3", "-y"])
        .assert()
        .success();
    assert_eq!(e.get(&["app", "K3"]), "one");
    e.cmd()
        .args(["rollback", "K3"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("KEY VERSION"));
    e.cmd()
        .args(["policy", "K3", "--max-age", "30d"])
        .assert()
        .success()
        .stdout(predicate::str::contains("K3 in app/dev: max age 30d"));
    e.cmd()
        .args(["rotate", "app", "K3", "sk_live_extra_word"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("never taken on the command line")
                .and(predicate::str::contains("sk_live_extra_word").not()),
        );
}

/// `COMPLETE=fish devvault -- devvault WORDS...`: the candidates for the last word, run with
/// no terminal and no passphrase source but `DEVVAULT_PASSPHRASE` (which completion must not
/// use).
fn complete(e: &Env, words: &[&str]) -> (String, String) {
    let out = std::process::Command::new("setsid")
        .arg(assert_cmd::cargo::cargo_bin("devvault"))
        .args(["--", "devvault"])
        .args(words)
        .current_dir(e.work())
        .env("HOME", e.dir.path())
        .env("DEVVAULT_VAULT", &e.vault)
        .env("DEVVAULT_PASSPHRASE", common::cli::PASS)
        .env("COMPLETE", "fish")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("setsid (util-linux) is needed");
    assert!(out.status.success(), "{out:?}");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `devvault lock` when dropped, so no session unlock outlives the test.
struct Unlocked<'a>(&'a Env);

impl Drop for Unlocked<'_> {
    fn drop(&mut self) {
        let _ = self.0.cmd().arg("lock").output();
    }
}

#[test]
fn names_complete_only_from_an_unlocked_vault() {
    let e = Env::new();
    e.set(&["app/dev", "API_KEY"], "sk_live_completion_canary");
    e.set(&["other/prod", "DB_URL"], "postgres://canary");
    // Locked (the passphrase in the environment is not used): no name, silently (clap still
    // offers the options).
    let no_names = |out: &str, err: &str| {
        let names = ["app/dev", "other/prod", "API_KEY", "DB_URL", "canary"];
        assert!(!names.iter().any(|n| out.contains(n)), "{out}");
        assert_eq!(err, "");
    };
    for words in [&["get", ""][..], &["get", "app/dev", ""]] {
        let (out, err) = complete(&e, words);
        no_names(&out, &err);
    }
    e.cmd().args(["unlock", "--for", "10m"]).assert().success();
    let _lock = Unlocked(&e);
    let (out, err) = complete(&e, &["get", ""]);
    assert!(
        out.contains("app/dev") && out.contains("other/prod"),
        "{out}"
    );
    assert_eq!(err, "");
    let (out, _) = complete(&e, &["rollback", "app/dev", ""]);
    assert!(out.contains("API_KEY") && !out.contains("DB_URL"), "{out}");
    let (out, _) = complete(
        &e,
        &[
            "--vault",
            e.vault.to_str().unwrap(),
            "rm",
            "other/prod",
            "D",
        ],
    );
    assert!(out.contains("DB_URL"), "{out}");
    e.cmd().args(["link", "app"]).assert().success();
    let (out, _) = complete(&e, &["get", ""]);
    assert!(out.contains("API_KEY"), "the linked scope's keys: {out}");
    let (all, _) = complete(&e, &["get", "app/dev", ""]);
    assert!(!all.contains("canary"), "a value was printed: {all}");
    e.cmd().arg("lock").assert().success();
    let (out, err) = complete(&e, &["get", "app/dev", ""]);
    no_names(&out, &err);
}

#[test]
fn formats_complete_and_the_internal_command_never_does() {
    let e = Env::empty();
    let (out, _) = complete(&e, &["export", "--format", ""]);
    for f in ["dotenv", "shell", "json", "yaml", "docker", "k8s"] {
        assert!(out.lines().any(|l| l.starts_with(f)), "{f}: {out}");
    }
    let (out, _) = complete(&e, &[""]);
    assert!(out.lines().any(|l| l.starts_with("export\t")), "{out}");
    assert!(!out.contains("__clipboard"), "{out}");
    let (out, _) = complete(&e, &["__"]);
    assert!(!out.contains("__clipboard"), "{out}");
    // The static scripts still work.
    e.cmd()
        .args(["completions", "zsh"])
        .assert()
        .success()
        .stdout(predicate::str::contains("#compdef devvault"));
}
