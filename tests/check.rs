//! `check` end to end: each schema rule of a `.env.example` (required/optional, the formats,
//! max-age) and its failure message, unknown extra keys, `--json`, `check --env` with no
//! vault, a bad rule line named by file:line, and `example` keeping the rule lines. Never a
//! value in any output.

use crate::common;

use common::cli::Env;
use predicates::prelude::*;

const SCHEMA: &str = "\
# Where the app's data lives.
# required, format: url, owner: alice, max-age: 90d
DATABASE_URL=
# optional, format: port
PORT=
# required, format: regex:^sk_(live|test)_
STRIPE_KEY=
# format: email
ADMIN_EMAIL=
";

fn env() -> Env {
    let e = Env::new();
    std::fs::write(e.work().join(".env.example"), SCHEMA).unwrap();
    e
}

#[test]
fn every_rule_reports_its_problem_without_values() {
    let e = env();
    e.set(&["app/dev", "DATABASE_URL"], "not-a-url-secret");
    e.set(&["app/dev", "PORT"], "99999");
    e.set(&["app/dev", "STRIPE_KEY"], "pk_live_secretvalue");
    e.set(&["app/dev", "EXTRA"], "extra-secret");
    let out = e.cmd().args(["check", "app/dev"]).assert().code(1);
    let o = out.get_output();
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    for line in [
        "DATABASE_URL: not in the format url",
        "PORT: not in the format port",
        "STRIPE_KEY: not in the format regex:^sk_(live|test)_",
        "ADMIN_EMAIL: missing (required)",
        "EXTRA: not in the schema",
    ] {
        assert!(stdout.contains(line), "{line}: {stdout}");
    }
    assert!(stderr.contains("5 problems"), "{stderr}");
    for secret in [
        "not-a-url-secret",
        "99999",
        "pk_live_secretvalue",
        "extra-secret",
    ] {
        assert!(!stdout.contains(secret) && !stderr.contains(secret));
    }
}

#[test]
fn a_matching_scope_passes_and_json_lists_problems() {
    let e = env();
    e.set(&["app/dev", "DATABASE_URL"], "postgres://u:p@db/app");
    e.set(&["app/dev", "STRIPE_KEY"], "sk_test_abc");
    e.set(&["app/dev", "ADMIN_EMAIL"], "ops@example.com");
    e.cmd()
        .args(["check", "app/dev"])
        .assert()
        .success()
        .stderr(predicate::str::contains("app/dev matches"));
    let out = e
        .cmd()
        .args(["check", "app/other", "--json"])
        .assert()
        .code(1);
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(json["checked"], "app/other");
    let problems = json["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 3, "{json}");
    assert_eq!(problems[0]["problem"], "missing");
    assert_eq!(problems[0]["key"], "DATABASE_URL");
}

#[test]
fn a_fresh_value_is_within_its_max_age() {
    // Stale values are covered by the unit tests of `schema::check` (no test waits 30 s).
    let e = env();
    std::fs::write(e.work().join(".env.example"), "# max-age: 30s\nTOKEN=\n").unwrap();
    e.set(&["app/dev", "TOKEN"], "value-of-token");
    e.cmd().args(["check", "app/dev"]).assert().success();
}

#[test]
fn check_env_needs_no_vault() {
    let e = Env::empty();
    std::fs::write(e.work().join(".env.example"), SCHEMA).unwrap();
    e.cmd()
        .args(["check", "--env"])
        .env("DATABASE_URL", "https://db.example")
        .env("STRIPE_KEY", "sk_live_x")
        .env("ADMIN_EMAIL", "bad-email")
        .env("PORT", "8080")
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "ADMIN_EMAIL: not in the format email",
        ))
        .stdout(predicate::str::contains("missing").not());
    assert!(!e.vault.exists());
}

#[test]
fn a_bad_rule_line_is_named() {
    let e = env();
    std::fs::write(
        e.work().join(".env.example"),
        "A=\n# required, format: colour\nKEY=\n",
    )
    .unwrap();
    e.cmd()
        .args(["check", "app/dev"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(".env.example:2"))
        .stderr(predicate::str::contains("unknown format `colour`"));
}

#[test]
fn example_keeps_the_rule_lines() {
    let e = env();
    e.set(&["app/dev", "DATABASE_URL"], "postgres://u:p@db/app");
    let out = e.cmd().args(["example", "app/dev"]).assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        text.contains("# required, owner: alice, max-age: 90d, format: url\nDATABASE_URL=\n"),
        "{text}"
    );
    assert!(text.contains("# optional, format: port\nPORT=\n"), "{text}");
    assert!(!text.contains("postgres://"));
}

#[test]
fn a_cloned_schema_cannot_put_a_terminal_escape_on_the_screen() {
    let e = Env::new();
    std::fs::write(
        e.work().join(".env.example"),
        "# required, format: regex:^zz\u{1b}]0;pwned\u{7}$\nSTRIPE_KEY=\n# required, owner: al\u{1b}[2Jice\nDB=\n",
    )
    .unwrap();
    e.set(&["app/dev", "STRIPE_KEY"], "sk_not_matching");
    e.set(&["app/dev", "DB"], "x");
    for args in [&["check", "app/dev"][..], &["example", "app/dev"][..]] {
        let out = e.cmd().args(args).assert();
        let o = out.get_output();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(
            !all.contains('\u{1b}') && !all.contains('\u{7}'),
            "{args:?}: {all:?}"
        );
    }
}

#[test]
fn a_failing_check_exits_1_even_when_its_reader_closed_the_pipe() {
    let e = env();
    let (r, w) = std::io::pipe().unwrap();
    drop(r);
    let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("devvault"));
    e.vault_env(&mut c, common::cli::PASS);
    let out = c
        .args(["check", "app/dev"])
        .stdout(w)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
