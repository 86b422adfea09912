//! Issue 21 (references, inheritance, personal overrides, templates): through the `Vault`
//! API and the `devvault` binary. References in `read`, `run --env-file`, the environment
//! and `inject`; `scope inherit` with cycles, depth and rotation seen by children; `set
//! --template` expanded by export/run/inject; every bad input named, nothing half-applied.

use crate::common::cli::{Env, stderr, stdout};
use crate::common::{key, scope, set, temp_vault};
use devvault::audit::EventKind;
use devvault::reference::Reference;
use devvault::{Error, SecretValue, Vault};
use predicates::prelude::*;

fn export(v: &mut Vault, sc: &str) -> Vec<(String, String)> {
    v.export(&scope(sc))
        .unwrap()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.expose_secret().to_string()))
        .collect()
}

/// The scope `sc` exports exactly `items`, in order.
fn assert_exports(v: &mut Vault, sc: &str, items: &[(&str, &str)]) {
    assert_eq!(export(v, sc), pairs(items), "{sc}");
}

/// `child` inherits `parent`.
fn inherit(v: &mut Vault, child: &str, parent: &str) {
    v.set_parent(&scope(child), Some(&scope(parent))).unwrap();
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn template(v: &mut Vault, sc: &str, k: &str, val: &str) {
    v.set_marked(&scope(sc), &key(k), &SecretValue::from(val), Some(true))
        .unwrap();
}

// ---- the Vault API ----

#[test]
fn a_child_sees_its_parents_keys_and_overrides_them() {
    let (_dir, _, mut v) = temp_vault();
    set(&mut v, "app/base", "A", "base-a");
    set(&mut v, "app/base", "B", "base-b");
    set(&mut v, "app/prod", "B", "prod-b");
    assert_exports(&mut v, "app/prod", &[("B", "prod-b")]);
    inherit(&mut v, "app/prod", "app/base");
    assert_exports(&mut v, "app/prod", &[("A", "base-a"), ("B", "prod-b")]);
    // Rotating a base key is seen by every child, at read time.
    set(&mut v, "app/base", "A", "base-a2");
    assert_exports(&mut v, "app/prod", &[("A", "base-a2"), ("B", "prod-b")]);
    // get falls back to the parent too; ls says where each key comes from.
    assert_eq!(
        crate::common::get(&mut v, "app/prod", "A").unwrap(),
        "base-a2"
    );
    let listed = v.list_sources(&scope("app/prod")).unwrap();
    let from: Vec<_> = listed
        .iter()
        .map(|l| (l.meta.key.to_string(), l.inherited_from.clone()))
        .collect();
    assert_eq!(
        from,
        vec![
            ("A".to_string(), Some("app/base".to_string())),
            ("B".to_string(), None)
        ]
    );
    // Grandparents too, nearest first.
    set(&mut v, "app/root", "C", "root-c");
    set(&mut v, "app/root", "A", "root-a");
    inherit(&mut v, "app/base", "app/root");
    assert_exports(
        &mut v,
        "app/prod",
        &[("A", "base-a2"), ("B", "prod-b"), ("C", "root-c")],
    );
    assert_eq!(
        v.parent_of(&scope("app/base")).unwrap(),
        Some(scope("app/root"))
    );
    // Removing the link: the child holds only its own keys again.
    v.set_parent(&scope("app/prod"), None).unwrap();
    assert_exports(&mut v, "app/prod", &[("B", "prod-b")]);
    assert_eq!(v.parent_of(&scope("app/prod")).unwrap(), None);
}

#[test]
fn a_personal_override_is_created_empty_and_inherits() {
    let (_dir, path, mut v) = temp_vault();
    set(&mut v, "app/dev", "API", "team");
    set(&mut v, "app/dev", "DB", "team-db");
    inherit(&mut v, "app/dev.alice", "app/dev");
    assert_exports(
        &mut v,
        "app/dev.alice",
        &[("API", "team"), ("DB", "team-db")],
    );
    set(&mut v, "app/dev.alice", "DB", "mine");
    assert_exports(&mut v, "app/dev.alice", &[("API", "team"), ("DB", "mine")]);
    assert_exports(&mut v, "app/dev", &[("API", "team"), ("DB", "team-db")]);
    // Kept across a reopen (sealed in the vault).
    drop(v);
    let mut v = crate::common::reopen(&path);
    assert_eq!(
        v.parent_of(&scope("app/dev.alice")).unwrap(),
        Some(scope("app/dev"))
    );
}

#[test]
fn inheritance_refuses_cycles_other_projects_missing_parents_and_deep_chains() {
    let (_dir, _, mut v) = temp_vault();
    for env in ["a", "b", "c"] {
        set(&mut v, &format!("app/{env}"), "K", env);
    }
    set(&mut v, "other/x", "K", "x");
    inherit(&mut v, "app/a", "app/b");
    inherit(&mut v, "app/b", "app/c");
    let e = v
        .set_parent(&scope("app/c"), Some(&scope("app/a")))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("cycle") && e.contains("app/c -> app/a -> app/b -> app/c"),
        "{e}"
    );
    assert!(e.contains("devvault scope inherit"), "{e}");
    let e = v
        .set_parent(&scope("app/c"), Some(&scope("app/c")))
        .unwrap_err()
        .to_string();
    assert!(e.contains("itself"), "{e}");
    let e = v
        .set_parent(&scope("app/c"), Some(&scope("other/x")))
        .unwrap_err()
        .to_string();
    assert!(e.contains("own project") && e.contains("scope cp"), "{e}");
    let e = v
        .set_parent(&scope("app/c"), Some(&scope("app/nope")))
        .unwrap_err();
    assert!(matches!(e, Error::NotFound { .. }), "{e}");
    // Nothing half-applied: c still inherits nothing, and no scope was made.
    assert_eq!(v.parent_of(&scope("app/c")).unwrap(), None);
    assert!(!v.scopes().unwrap().contains(&scope("app/nope")));
    // Depth: a chain of MAX_DEPTH holds, one more is refused.
    let max = devvault::vault::MAX_DEPTH;
    for i in 0..max {
        set(&mut v, &format!("deep/e{i}"), "K", "v");
    }
    for i in 1..max {
        v.set_parent(
            &scope(&format!("deep/e{i}")),
            Some(&scope(&format!("deep/e{}", i - 1))),
        )
        .unwrap();
    }
    set(&mut v, "deep/extra", "K", "v");
    let e = v
        .set_parent(
            &scope("deep/extra"),
            Some(&scope(&format!("deep/e{}", max - 1))),
        )
        .unwrap_err()
        .to_string();
    assert!(e.contains("more than"), "{e}");
    // Removing a link that does not exist names it.
    assert!(matches!(
        v.set_parent(&scope("app/c"), None),
        Err(Error::NotFound { .. })
    ));
}

#[test]
fn a_purged_parent_is_named_with_the_fix() {
    let (_dir, _, mut v) = temp_vault();
    set(&mut v, "app/base", "A", "a");
    set(&mut v, "app/prod", "B", "b");
    inherit(&mut v, "app/prod", "app/base");
    v.remove_scope(&devvault::Target::parse("app/base").unwrap(), true)
        .unwrap();
    let e = v.export(&scope("app/prod")).unwrap_err();
    assert!(matches!(e, Error::MissingParent { .. }), "{e}");
    let e = e.to_string();
    assert!(e.contains("app/base") && e.contains("--rm"), "{e}");
}

#[test]
fn templates_expand_over_the_flattened_scope_and_plain_values_never_do() {
    let (_dir, _, mut v) = temp_vault();
    set(&mut v, "app/base", "DB_USER", "app");
    set(&mut v, "app/prod", "DB_PASSWORD", "s3cret");
    set(&mut v, "app/prod", "PLAIN", "keep ${DB_USER} as is");
    template(
        &mut v,
        "app/base",
        "DATABASE_URL",
        "postgres://${DB_USER}:${DB_PASSWORD}@db/app",
    );
    inherit(&mut v, "app/prod", "app/base");
    let out = export(&mut v, "app/prod");
    assert!(out.contains(&("DATABASE_URL".into(), "postgres://app:s3cret@db/app".into())));
    assert!(out.contains(&("PLAIN".into(), "keep ${DB_USER} as is".into())));
    // get shows a template as stored; a reference read expands it.
    assert_eq!(
        crate::common::get(&mut v, "app/prod", "DATABASE_URL").unwrap(),
        "postgres://${DB_USER}:${DB_PASSWORD}@db/app"
    );
    let r = Reference::parse("devvault://app/prod/DATABASE_URL").unwrap();
    let got = v.resolve(&[(r, "test".into())], EventKind::Get).unwrap();
    assert_eq!(got[0].expose_secret(), "postgres://app:s3cret@db/app");
    let listed = v.list_sources(&scope("app/prod")).unwrap();
    assert!(
        listed
            .iter()
            .any(|l| l.meta.key.as_str() == "DATABASE_URL" && l.template)
    );
    assert!(
        listed
            .iter()
            .any(|l| l.meta.key.as_str() == "PLAIN" && !l.template)
    );
    // A plain set drops the mark, and the value is then kept as written.
    v.set_marked(
        &scope("app/base"),
        &key("DATABASE_URL"),
        &SecretValue::from("x${Y}"),
        Some(false),
    )
    .unwrap();
    assert!(export(&mut v, "app/prod").contains(&("DATABASE_URL".into(), "x${Y}".into())));
}

#[test]
fn a_template_cycle_or_unknown_key_names_the_chain_and_exports_nothing() {
    let (_dir, _, mut v) = temp_vault();
    template(&mut v, "app/dev", "A", "${B}");
    template(&mut v, "app/dev", "B", "${A}");
    let e = v.export(&scope("app/dev")).unwrap_err().to_string();
    assert!(e.contains("A -> B -> A"), "{e}");
    let (_dir2, _, mut w) = temp_vault();
    template(&mut w, "app/dev", "URL", "x${MISSING}");
    let e = w.export(&scope("app/dev")).unwrap_err();
    assert!(matches!(e, Error::NotFound { .. }));
    assert!(e.to_string().contains("URL -> ${MISSING}"), "{e}");
}

#[test]
fn unknown_references_are_all_named_and_nothing_is_read() {
    let (_dir, _, mut v) = temp_vault();
    set(&mut v, "app/prod", "K", "v");
    let refs = vec![
        (
            Reference::parse("devvault://app/prod/K").unwrap(),
            "line 1".to_string(),
        ),
        (
            Reference::parse("devvault://app/prod/NOPE").unwrap(),
            "line 2".to_string(),
        ),
        (
            Reference::parse("devvault://ghost/X").unwrap(),
            "line 3".to_string(),
        ),
    ];
    let e = v.resolve(&refs, EventKind::Get).unwrap_err();
    assert!(matches!(e, Error::NotFound { .. }));
    let e = e.to_string();
    assert!(
        e.contains("devvault://app/prod/NOPE") && e.contains("line 2"),
        "{e}"
    );
    assert!(
        e.contains("devvault://ghost/dev/X") && e.contains("line 3"),
        "{e}"
    );
    assert!(!e.contains("line 1"), "{e}");
}

// ---- the command line ----

#[test]
fn cli_read_and_run_resolve_references_from_a_file_and_the_environment() {
    let env = Env::new();
    env.set(&["app/prod", "DATABASE_URL"], "postgres://prod");
    env.set(&["app", "TOKEN"], "dev-token");
    let out = env
        .cmd()
        .args(["read", "devvault://app/prod/DATABASE_URL"])
        .assert()
        .success();
    assert_eq!(stdout(&out), "postgres://prod");
    let out = env
        .cmd()
        .args(["read", "devvault://app/TOKEN"])
        .assert()
        .success();
    assert_eq!(stdout(&out), "dev-token");
    std::fs::write(
        env.work().join(".env"),
        "DATABASE_URL=devvault://app/prod/DATABASE_URL\nPORT=8080\n",
    )
    .unwrap();
    let out = env
        .cmd()
        .env("FROM_ENV", "devvault://app/TOKEN")
        .args(["run", "--env-file", ".env", "--", "sh", "-c"])
        .arg("printf '%s|%s|%s' \"$DATABASE_URL\" \"$PORT\" \"$FROM_ENV\"")
        .assert()
        .success();
    assert_eq!(stdout(&out), "postgres://prod|8080|dev-token");
    // The environment's references with a scope (the usual `run`).
    let out = env
        .cmd()
        .env("DATABASE_URL", "devvault://app/prod/DATABASE_URL")
        .args([
            "run",
            "app",
            "--",
            "sh",
            "-c",
            "printf '%s|%s' \"$DATABASE_URL\" \"$TOKEN\"",
        ])
        .assert()
        .success();
    assert_eq!(stdout(&out), "postgres://prod|dev-token");
}

#[test]
fn cli_unknown_references_exit_4_naming_each_and_run_nothing() {
    let env = Env::new();
    env.set(&["app/prod", "K"], "v");
    std::fs::write(
        env.work().join(".env"),
        "A=devvault://app/prod/K\nB=devvault://app/prod/MISSING\nC=devvault://nope/prod/X\n",
    )
    .unwrap();
    let marker = env.work().join("ran");
    let out = env
        .cmd()
        .args(["run", "--env-file", ".env", "--", "touch"])
        .arg(&marker)
        .assert()
        .code(4);
    let err = stderr(&out);
    assert!(
        err.contains("devvault://app/prod/MISSING") && err.contains(".env line 2"),
        "{err}"
    );
    assert!(
        err.contains("devvault://nope/prod/X") && err.contains(".env line 3"),
        "{err}"
    );
    assert!(err.contains("nothing was run"), "{err}");
    assert!(!marker.exists());
    env.cmd()
        .args(["read", "devvault://app/prod/MISSING"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("no key MISSING in app/prod"));
    env.cmd()
        .args(["read", "devvault://app/prod/a/b"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("devvault://PROJECT/ENV/KEY"));
    // A dangerous name in a checkout's env file runs nothing.
    std::fs::write(env.work().join("evil.env"), "LD_PRELOAD=/tmp/x.so\n").unwrap();
    env.cmd()
        .args(["run", "--env-file", "evil.env", "--", "touch"])
        .arg(&marker)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("LD_PRELOAD"));
    assert!(!marker.exists());
}

#[test]
fn cli_inject_renders_to_stdout_and_to_a_private_file() {
    let env = Env::new();
    env.set(&["app/prod", "DB_PASSWORD"], "s3cret");
    env.set(&["app/prod", "USER"], "app");
    std::fs::write(
        env.work().join("config.yml.tpl"),
        "db:\n  user: {{ devvault://app/prod/USER }}\n  password: {{devvault://app/prod/DB_PASSWORD}}\n  other: {{ .Values.x }}\n",
    )
    .unwrap();
    let want = "db:\n  user: app\n  password: s3cret\n  other: {{ .Values.x }}\n";
    let out = env
        .cmd()
        .args(["inject", "-i", "config.yml.tpl"])
        .assert()
        .success();
    assert_eq!(stdout(&out), want);
    env.cmd()
        .args(["inject", "-i", "config.yml.tpl", "-o", "config.yml"])
        .assert()
        .success();
    let file = env.work().join("config.yml");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), want);
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    // Its own output is replaced; a file it did not write needs --force.
    env.cmd()
        .args(["inject", "-i", "config.yml.tpl", "-o", "config.yml"])
        .assert()
        .success();
    std::fs::write(env.work().join("mine.yml"), "keep").unwrap();
    env.cmd()
        .args(["inject", "-i", "config.yml.tpl", "-o", "mine.yml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--force"));
    assert_eq!(
        std::fs::read_to_string(env.work().join("mine.yml")).unwrap(),
        "keep"
    );
    // doctor knows the plaintext copy.
    let out = env.cmd().args(["doctor"]).assert();
    assert!(stdout(&out).contains("config.yml") || stderr(&out).contains("config.yml"));
}

#[test]
fn cli_inject_errors_name_the_line_and_write_nothing() {
    let env = Env::new();
    env.set(&["app/prod", "K"], "v");
    std::fs::write(
        env.work().join("bad.tpl"),
        "a: {{ devvault://app/prod/K }}\nb: {{ devvault://app/prod/NOPE }}\n",
    )
    .unwrap();
    let out = env
        .cmd()
        .args(["inject", "-i", "bad.tpl", "-o", "out.txt"])
        .assert()
        .code(4);
    let err = stderr(&out);
    assert!(
        err.contains("bad.tpl line 2") && err.contains("NOPE"),
        "{err}"
    );
    assert!(!env.work().join("out.txt").exists());
    std::fs::write(
        env.work().join("open.tpl"),
        "x\ny: {{ devvault://app/prod/K\n",
    )
    .unwrap();
    let out = env
        .cmd()
        .args(["inject", "-i", "open.tpl", "-o", "out.txt"])
        .assert()
        .failure();
    let err = stderr(&out);
    assert!(err.contains("line 2") && err.contains("{{"), "{err}");
    assert!(!env.work().join("out.txt").exists());
    let out = env
        .cmd()
        .args(["inject", "-i", "open.tpl"])
        .assert()
        .failure();
    assert_eq!(stdout(&out), "");
}

#[test]
fn cli_scope_inherit_ls_export_example_and_templates() {
    let env = Env::new();
    env.set(&["app/base", "DB_USER"], "app");
    env.set(&["app/base", "LOG"], "info");
    env.set(&["app/prod", "DB_PASSWORD"], "pw");
    env.cmd()
        .args(["set", "app/base", "DATABASE_URL", "--template"])
        .write_stdin("postgres://${DB_USER}:${DB_PASSWORD}@db/app")
        .assert()
        .success()
        .stderr(predicate::str::contains("template"));
    env.cmd()
        .args(["scope", "inherit", "app/prod", "app/base"])
        .assert()
        .success()
        .stderr(predicate::str::contains("app/prod inherits app/base"));
    env.cmd()
        .args(["scope", "inherit", "app/prod"])
        .assert()
        .success()
        .stdout("app/prod inherits app/base\n");
    let out = env.cmd().args(["ls", "app/prod"]).assert().success();
    let ls = stdout(&out);
    assert!(ls.lines().next().unwrap().contains("FROM"), "{ls}");
    let line = |k: &str| ls.lines().find(|l| l.starts_with(k)).unwrap().to_string();
    assert!(line("DATABASE_URL").ends_with("app/base, template"), "{ls}");
    assert!(line("DB_PASSWORD").ends_with("here"), "{ls}");
    assert!(line("LOG").ends_with("app/base"), "{ls}");
    let out = env
        .cmd()
        .args(["ls", "app/prod", "--json"])
        .assert()
        .success();
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json[0]["key"], "DATABASE_URL");
    assert_eq!(json[0]["inherited_from"], "app/base");
    assert_eq!(json[0]["template"], true);
    let out = env.cmd().args(["export", "app/prod"]).assert().success();
    let text = stdout(&out);
    assert!(
        text.contains("DATABASE_URL='postgres://app:pw@db/app'"),
        "{text}"
    );
    assert!(text.contains("LOG='info'"), "{text}");
    let out = env
        .cmd()
        .args([
            "run",
            "app/prod",
            "--",
            "sh",
            "-c",
            "printf %s \"$DATABASE_URL\"",
        ])
        .assert()
        .success();
    assert_eq!(stdout(&out), "postgres://app:pw@db/app");
    let out = env
        .cmd()
        .args(["example", "app/prod", "--references"])
        .assert()
        .success();
    let ex = stdout(&out);
    for k in ["DATABASE_URL", "DB_PASSWORD", "DB_USER", "LOG"] {
        assert!(
            ex.contains(&format!("{k}=devvault://app/prod/{k}\n")),
            "{ex}"
        );
    }
    assert!(!ex.contains("pw") && !ex.contains("info"), "{ex}");
    // The example runs as an env file: the round trip.
    std::fs::write(env.work().join(".env.refs"), &ex).unwrap();
    let out = env
        .cmd()
        .args([
            "run",
            "--env-file",
            ".env.refs",
            "--",
            "sh",
            "-c",
            "printf %s \"$DATABASE_URL\"",
        ])
        .assert()
        .success();
    assert_eq!(stdout(&out), "postgres://app:pw@db/app");
    // A cycle is refused naming it, and the link stays as it was.
    env.cmd()
        .args(["scope", "inherit", "app/base", "app/prod"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("app/base -> app/prod -> app/base"));
    env.cmd()
        .args(["scope", "inherit", "app/base"])
        .assert()
        .stdout("app/base inherits nothing\n");
    env.cmd()
        .args(["scope", "inherit", "app/prod", "--rm"])
        .assert()
        .success();
    env.cmd()
        .args(["export", "app/prod"])
        .assert()
        .success()
        .stdout("DB_PASSWORD='pw'\n");
    // Without its parent, the template's keys are missing: named, nothing printed.
    env.cmd()
        .args(["set", "app/prod", "URL", "--template"])
        .write_stdin("${DB_USER}")
        .assert()
        .success();
    env.cmd()
        .args(["export", "app/prod"])
        .assert()
        .code(4)
        .stdout("")
        .stderr(predicate::str::contains("URL -> ${DB_USER}"));
}

#[test]
fn cli_personal_override_through_devvault_env_and_the_local_file() {
    let env = Env::new();
    env.set(&["app/dev", "API"], "team-api");
    env.set(&["app/dev", "DB"], "team-db");
    env.cmd().args(["link", "app"]).assert().success();
    env.cmd()
        .args(["scope", "inherit", "app/dev.alice", "app/dev"])
        .assert()
        .success();
    env.set(&["app/dev.alice", "DB"], "alice-db");
    let show = "printf '%s|%s' \"$API\" \"$DB\"";
    let out = env
        .cmd()
        .env("DEVVAULT_ENV", "dev.alice")
        .args(["run", "--", "sh", "-c", show])
        .assert()
        .success();
    assert_eq!(stdout(&out), "team-api|alice-db");
    std::fs::write(
        env.work().join(".devvault.local.toml"),
        "env = \"dev.alice\"\n",
    )
    .unwrap();
    let out = env
        .cmd()
        .args(["run", "--", "sh", "-c", show])
        .assert()
        .success();
    assert_eq!(stdout(&out), "team-api|alice-db");
    // onboard counts inherited keys as present; the shell format warns of an inherited
    // dangerous name.
    std::fs::write(env.work().join(".env.example"), "API=\nDB=\n").unwrap();
    env.cmd()
        .env("DEVVAULT_ENV", "dev.alice")
        .args(["onboard", "--stdin"])
        .write_stdin("")
        .assert()
        .success()
        .stderr(predicate::str::contains("has every key"));
    env.set(&["app/dev", "NODE_OPTIONS"], "--require ./x.js");
    env.cmd()
        .args(["export", "app/dev.alice", "--format", "shell"])
        .assert()
        .success()
        .stderr(predicate::str::contains("NODE_OPTIONS"));
    env.cmd()
        .args(["rm", "app/dev", "NODE_OPTIONS"])
        .assert()
        .success();
    // The team's values are untouched.
    std::fs::remove_file(env.work().join(".devvault.local.toml")).unwrap();
    let out = env
        .cmd()
        .args(["run", "--", "sh", "-c", show])
        .assert()
        .success();
    assert_eq!(stdout(&out), "team-api|team-db");
    // A template cycle at the CLI: named, nothing printed.
    env.cmd()
        .args(["set", "app/dev", "X", "--template"])
        .write_stdin("${Y}")
        .assert()
        .success();
    env.cmd()
        .args(["set", "app/dev", "Y", "--template"])
        .write_stdin("${X}")
        .assert()
        .success();
    let out = env.cmd().args(["export", "app/dev"]).assert().code(1);
    assert!(stderr(&out).contains("X -> Y -> X"), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
}

#[test]
fn renaming_a_scope_carries_its_inheritance_links() {
    let env = Env::new();
    env.set(&["app/base", "LOG"], "info");
    env.set(&["app/prod", "DB_PASSWORD"], "pw");
    env.cmd()
        .args(["scope", "inherit", "app/prod", "app/base"])
        .assert()
        .success();
    env.cmd()
        .args(["scope", "mv", "app/base", "app/common", "--yes"])
        .assert()
        .success();
    env.cmd()
        .args(["scope", "inherit", "app/prod"])
        .assert()
        .success()
        .stdout("app/prod inherits app/common\n");
    env.cmd()
        .args(["scope", "mv", "app/prod", "app/live", "--yes"])
        .assert()
        .success();
    let out = env.cmd().args(["export", "app/live"]).assert().success();
    assert!(stdout(&out).contains("LOG='info'"), "{}", stdout(&out));
    env.cmd()
        .args(["scope", "mv", "app", "shop", "--yes"])
        .assert()
        .success();
    let out = env.cmd().args(["export", "shop/live"]).assert().success();
    assert!(stdout(&out).contains("LOG='info'"), "{}", stdout(&out));
}
