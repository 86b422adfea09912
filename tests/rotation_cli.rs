//! The `rotate`, `history`, `rollback`, `policy`, `stale`, `ls` and `rm --purge` commands
//! through the real binary: output, JSON, exit codes and bad input (missing versions, bad
//! policy strings, weak generators, values in argv).

use crate::common;

use common::cli::Env;
use predicates::prelude::*;
use predicates::str::contains;

#[test]
fn cli_rotate_and_history() {
    let env = Env::new();
    env.set(&["app", "STRIPE_KEY"], "sk_live_1\n");
    env.cmd()
        .args(["rotate", "app", "STRIPE_KEY", "--note", "old one revoked"])
        .write_stdin("sk_live_2\n")
        .assert()
        .success()
        .stderr(contains("now version 2"));
    env.cmd()
        .args([
            "rotate",
            "app",
            "STRIPE_KEY",
            "--generate",
            "24",
            "--charset",
            "hex",
        ])
        .assert()
        .success();
    let generated = env.get(&["app", "STRIPE_KEY"]);
    assert!(generated.len() == 24 && generated.chars().all(|c| c.is_ascii_hexdigit()));
    let plain = env
        .cmd()
        .args(["history", "app", "STRIPE_KEY"])
        .assert()
        .success();
    let out = String::from_utf8_lossy(&plain.get_output().stdout).into_owned();
    assert!(
        out.contains("rotate") && out.contains("old one revoked"),
        "{out}"
    );
    assert!(
        !out.contains("sk_live") && !out.contains(&generated),
        "{out}"
    );
    env.cmd()
        .args(["history", "app", "STRIPE_KEY", "--reveal", "--json"])
        .assert()
        .success()
        .stdout(contains("\"value\": \"sk_live_1\"").and(contains("\"change\": \"rotate\"")));
}

#[test]
fn cli_rollback_and_purge() {
    let env = Env::new();
    for v in ["sk_live_1", "sk_live_2", "sk_live_3"] {
        env.set(&["app", "STRIPE_KEY"], v);
    }
    env.cmd()
        .args(["rollback", "app", "STRIPE_KEY", "7"])
        .assert()
        .code(4)
        .stderr(contains("version 7").and(contains("versions 1-3")));
    env.cmd()
        .args(["rollback", "app", "STRIPE_KEY", "two"])
        .assert()
        .code(2);
    env.cmd()
        .args(["rollback", "app", "STRIPE_KEY", "1"])
        .assert()
        .success()
        .stderr(contains("as version 4"));
    assert_eq!(env.get(&["app", "STRIPE_KEY"]), "sk_live_1");
    env.cmd()
        .args(["rotate", "app", "NOPE"])
        .write_stdin("x")
        .assert()
        .code(4);
    env.cmd()
        .args(["rotate", "app", "STRIPE_KEY", "sk_argv"])
        .assert()
        .code(2);
    env.cmd()
        .args(["rm", "app", "STRIPE_KEY"])
        .assert()
        .success();
    env.cmd()
        .args(["history", "app", "STRIPE_KEY"])
        .assert()
        .success()
        .stdout(contains("removed"));
    env.cmd()
        .args(["rm", "app", "STRIPE_KEY", "--purge"])
        .assert()
        .success()
        .stderr(contains("4 versions deleted"));
    env.cmd()
        .args(["history", "app", "STRIPE_KEY"])
        .assert()
        .code(4);
}

#[test]
fn cli_generators_refuse_weak_specs() {
    let env = Env::new();
    env.set(&["app", "K"], "v");
    for args in [
        &["--generate", "12"][..],
        &["--generate", "40", "--charset", "custom:01"],
    ] {
        env.cmd()
            .args(["rotate", "app", "K"])
            .args(args)
            .assert()
            .code(1)
            .stderr(contains("weak").and(contains("--allow-weak")));
    }
    assert_eq!(env.get(&["app", "K"]), "v");
    env.cmd()
        .args(["rotate", "app", "K", "--generate", "8", "--allow-weak"])
        .assert()
        .success();
    assert_eq!(env.get(&["app", "K"]).len(), 8);
    env.cmd()
        .args(["set", "app", "W", "--generate", "--charset", "words"])
        .assert()
        .success();
    assert_eq!(env.get(&["app", "W"]).split('-').count(), 8);
    env.cmd()
        .args(["set", "app", "X", "--generate", "--charset", "ascii"])
        .assert()
        .code(2)
        .stderr(contains("`ascii`"));
}

#[test]
fn cli_policy_stale_and_ls_status() {
    let env = Env::new();
    env.set(&["app/prod", "K"], "v");
    for bad in ["30", "30x", "0d", "tomorrow", "-1w"] {
        env.cmd()
            .args(["policy", "app/prod", &format!("--max-age={bad}")])
            .assert()
            .code(2)
            .stderr(contains(format!("`{bad}`")).and(contains("`6mo`")));
    }
    env.cmd()
        .args(["policy", "app/prod", "--max-age", "6mo"])
        .assert()
        .success()
        .stdout(contains("max age 180d (set on the scope)"));
    env.cmd()
        .args(["policy", "app/prod", "K"])
        .assert()
        .success()
        .stdout(contains("K in app/prod: max age 180d (set on the scope)"));
    env.cmd()
        .args(["policy", "app/prod", "NOPE", "--max-age", "1w"])
        .assert()
        .code(4);
    env.cmd()
        .args(["ls", "app/prod"])
        .assert()
        .success()
        .stdout(contains("due in 180d").or(contains("due in 179d")));
    env.cmd()
        .args(["ls", "app/prod", "--json"])
        .assert()
        .success()
        .stdout(contains("\"max_age\": 15552000").and(contains("\"overdue_days\": null")));
    env.cmd()
        .args(["stale", "--json"])
        .assert()
        .success()
        .stdout("[]\n");
}
