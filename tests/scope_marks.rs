//! Issue 21, what travels with a scope: the template mark of a value through `scope cp`
//! and through bundles (`share`/`receive`; a bundle without the mark still reads, as a
//! plain value), and a child whose inherited parent was purged: every read of the child
//! names the fix `devvault scope inherit CHILD --rm` and exits 4.

use crate::common::cli::Env;
use crate::common::{key, new_vault, scope, set};
use devvault::{Error, SecretValue, Target, Vault};

fn template(v: &mut Vault, sc: &str, k: &str, val: &str) {
    v.set_marked(&scope(sc), &key(k), &SecretValue::from(val), Some(true))
        .unwrap();
}

fn export(v: &mut Vault, sc: &str) -> Vec<(String, String)> {
    v.export(&scope(sc))
        .unwrap()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.expose_secret().to_string()))
        .collect()
}

fn marked(v: &mut Vault, sc: &str) -> Vec<String> {
    v.list_sources(&scope(sc))
        .unwrap()
        .into_iter()
        .filter(|l| l.template)
        .map(|l| l.meta.key.to_string())
        .collect()
}

fn stdout(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(a.get_output().stdout.clone()).unwrap()
}

fn stderr(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(a.get_output().stderr.clone()).unwrap()
}

/// `app/base`: a template `URL` over `USER`, a plain value `PLAIN` that looks like one.
fn seeded(v: &mut Vault) {
    set(v, "app/base", "USER", "u");
    set(v, "app/base", "PLAIN", "${USER} stays");
    template(v, "app/base", "URL", "db://${USER}@h");
}

#[test]
fn scope_cp_keeps_the_template_mark() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut v) = new_vault(dir.path());
    seeded(&mut v);
    let t = |s: &str| Target::parse(s).unwrap();
    v.copy_scope(&t("app/base"), &t("app/copy"), false).unwrap();
    assert_eq!(marked(&mut v, "app/copy"), ["URL"]);
    let out = export(&mut v, "app/copy");
    assert!(out.contains(&("URL".into(), "db://u@h".into())), "{out:?}");
    assert!(out.contains(&("PLAIN".into(), "${USER} stays".into())));
    // Over an existing plain key (--overwrite), the copy brings the mark too; a template
    // copied over by a plain value loses it.
    set(&mut v, "app/other", "URL", "plain");
    template(&mut v, "app/other", "PLAIN", "was ${USER}");
    v.copy_scope(&t("app/base"), &t("app/other"), true).unwrap();
    assert_eq!(marked(&mut v, "app/other"), ["URL"]);
    // Projects copy the same way.
    v.copy_scope(&t("app"), &t("app2"), false).unwrap();
    assert_eq!(marked(&mut v, "app2/base"), ["URL"]);
}

#[test]
fn a_bundle_carries_the_template_mark_and_old_bundles_still_read() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut v) = new_vault(dir.path());
    seeded(&mut v);
    let b = v.bundle(&[scope("app/base")]).unwrap();
    let sent: Vec<(String, Option<bool>)> = b.scopes[0]
        .1
        .iter()
        .map(|s| (s.key.to_string(), s.template))
        .collect();
    assert_eq!(
        sent,
        [
            ("PLAIN".into(), Some(false)),
            ("URL".into(), Some(true)),
            ("USER".into(), Some(false))
        ]
    );
    let plain = devvault::bundle::encode(&b).unwrap();
    let text = String::from_utf8(plain.to_vec()).unwrap();
    assert_eq!(text.matches("\"template\":true").count(), 1, "{text}");
    assert_eq!(text.matches("\"template\":false").count(), 2, "{text}");
    let back = devvault::bundle::decode(&plain, "b.age").unwrap();
    let got: Vec<Option<bool>> = back.scopes[0].1.iter().map(|s| s.template).collect();
    assert_eq!(got, [Some(false), Some(true), Some(false)]);
    // A bundle from before the mark travelled (no field) still reads: the mark unknown.
    let old = text
        .replace(",\"template\":true", "")
        .replace(",\"template\":false", "");
    let back = devvault::bundle::decode(old.as_bytes(), "old.age").unwrap();
    assert!(back.scopes[0].1.iter().all(|s| s.template.is_none()));
}

/// `b`'s age recipient (the first word of its identity line).
fn recipient(b: &Env) -> String {
    let out = b.cmd().args(["identity", "--age"]).assert().success();
    stdout(&out).trim().to_string()
}

#[test]
fn an_old_bundle_keeps_the_receivers_marks() {
    use devvault::bundle::{self, Bundle, BundleSecret, Lock, Recipient};
    let b = Env::new();
    b.set(&["app/dev", "USER"], "u");
    b.cmd()
        .args(["set", "app/dev", "URL", "--template"])
        .write_stdin("db://${USER}@h")
        .assert()
        .success();
    let secret = |k: &str, v: &str| BundleSecret {
        key: key(k),
        value: SecretValue::from(v),
        comment: None,
        url: None,
        created: 0,
        updated: 0,
        version: 1,
        rotated_at: None,
        max_age: None,
        template: None,
    };
    let old = Bundle {
        created: 0,
        scopes: vec![(
            scope("app/dev"),
            vec![secret("URL", "db://${USER}@h"), secret("NEW", "${USER}")],
        )],
    };
    let to = Recipient::parse(&recipient(&b)).unwrap();
    let plain = bundle::encode(&old).unwrap();
    let data = bundle::encrypt(&plain, Lock::Recipients(std::slice::from_ref(&to)), false).unwrap();
    let file = b.work().join("old.age");
    std::fs::write(&file, data).unwrap();
    b.cmd()
        .args(["receive", "--yes", "--unsigned"])
        .arg(&file)
        .assert()
        .success()
        .stdout(predicates::str::contains("unchanged URL"));
    let out = b.cmd().args(["export", "app/dev"]).assert().success();
    let text = stdout(&out);
    assert!(text.contains("URL='db://u@h'"), "{text}");
    assert!(text.contains("NEW='${USER}'"), "{text}");
}

#[test]
fn share_and_receive_keep_the_template_mark() {
    let (a, b) = (Env::new(), Env::new());
    a.set(&["app/dev", "USER"], "u");
    a.cmd()
        .args(["set", "app/dev", "URL", "--template"])
        .write_stdin("db://${USER}@h")
        .assert()
        .success();
    let id = b.cmd().arg("identity").assert().success();
    let id = stdout(&id).trim().to_string();
    let file = a.work().join("b.age");
    a.cmd()
        .args(["share", "app/dev", "--to", &id, "-o"])
        .arg(&file)
        .assert()
        .success();
    b.cmd()
        .args(["receive", "--yes", "--trust-new", "alice"])
        .arg(&file)
        .assert()
        .success();
    let out = b.cmd().args(["export", "app/dev"]).assert().success();
    assert!(stdout(&out).contains("URL='db://u@h'"), "{}", stdout(&out));
    let ls = b.cmd().args(["ls", "app/dev"]).assert().success();
    let ls = stdout(&ls);
    assert!(
        ls.lines()
            .any(|l| l.starts_with("URL") && l.contains("template")),
        "{ls}"
    );
    // Receiving a value whose mark alone changed is a change, and lands.
    a.cmd()
        .args(["set", "app/dev", "URL"])
        .write_stdin("db://${USER}@h")
        .assert()
        .success();
    a.cmd()
        .args(["share", "app/dev", "--to", &id, "-o"])
        .arg(&file)
        .assert()
        .success();
    b.cmd()
        .args(["receive", "--yes"])
        .arg(&file)
        .assert()
        .success()
        .stdout(predicates::str::contains("changed   URL"));
    let out = b.cmd().args(["export", "app/dev"]).assert().success();
    assert!(
        stdout(&out).contains("URL='db://${USER}@h'"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_purged_parent_fails_every_read_of_the_child_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut v) = new_vault(dir.path());
    set(&mut v, "app/base", "A", "a");
    set(&mut v, "app/prod", "B", "b");
    v.set_parent(&scope("app/prod"), Some(&scope("app/base")))
        .unwrap();
    v.remove_scope(&Target::parse("app/base").unwrap(), true)
        .unwrap();
    let fix = "devvault scope inherit app/prod --rm";
    let errors = [
        v.export(&scope("app/prod")).map(|_| ()).unwrap_err(),
        v.get(&scope("app/prod"), &key("A"))
            .map(|_| ())
            .unwrap_err(),
        v.list_sources(&scope("app/prod")).map(|_| ()).unwrap_err(),
        v.example(&scope("app/prod")).map(|_| ()).unwrap_err(),
        v.resolve(
            &[(
                devvault::reference::Reference::parse("devvault://app/prod/A").unwrap(),
                "line 1".into(),
            )],
            devvault::audit::EventKind::Get,
        )
        .map(|_| ())
        .unwrap_err(),
    ];
    for e in errors {
        assert_eq!(e.exit_code(), 4, "{e}");
        assert!(e.to_string().contains(fix), "{e}");
        assert!(e.to_string().contains("app/base"), "{e}");
    }
    // The fix works.
    v.set_parent(&scope("app/prod"), None).unwrap();
    assert_eq!(export(&mut v, "app/prod"), [("B".into(), "b".into())]);
    assert!(matches!(
        v.get(&scope("app/prod"), &key("A")),
        Err(Error::NotFound { .. })
    ));
}

#[test]
fn cli_reads_of_a_child_whose_parent_was_purged_name_the_fix_and_exit_4() {
    let env = Env::new();
    env.set(&["app/base", "A"], "a");
    env.set(&["app/prod", "B"], "b");
    env.cmd()
        .args(["scope", "inherit", "app/prod", "app/base"])
        .assert()
        .success();
    env.cmd()
        .args(["scope", "rm", "app/base", "--purge", "--yes"])
        .assert()
        .success();
    std::fs::write(env.work().join(".env.example"), "A=\nB=\n").unwrap();
    std::fs::write(env.work().join("t.tpl"), "{{ devvault://app/prod/B }}\n").unwrap();
    let fix = "devvault scope inherit app/prod --rm";
    let reads: &[&[&str]] = &[
        &["export", "app/prod"],
        &["get", "app/prod", "A"],
        &["ls", "app/prod"],
        &["run", "app/prod", "--", "true"],
        &["read", "devvault://app/prod/B"],
        &["inject", "-i", "t.tpl"],
        &["example", "app/prod"],
        &["check", "app/prod"],
        &["onboard", "app/prod"],
    ];
    for args in reads {
        let out = env.cmd().args(*args).write_stdin("").assert().code(4);
        let err = stderr(&out);
        assert!(err.contains(fix), "{args:?}: {err}");
        assert_eq!(stdout(&out), "", "{args:?}");
    }
    // The hook says the same and loads nothing.
    env.cmd().args(["link", "app/prod"]).assert().success();
    env.cmd().arg("allow").assert().success();
    env.cmd().args(["unlock", "--for", "1m"]).assert().success();
    let out = env
        .cmd()
        .env_remove("DEVVAULT_PASSPHRASE")
        .args(["hook", "bash", "--load"])
        .assert()
        .success();
    env.cmd().arg("lock").assert().success();
    assert!(stderr(&out).contains(fix), "{}", stderr(&out));
    assert!(!stdout(&out).contains("export"), "{}", stdout(&out));
    // After the fix, the child reads alone.
    env.cmd()
        .args(["scope", "inherit", "app/prod", "--rm"])
        .assert()
        .success();
    env.cmd()
        .args(["export", "app/prod"])
        .assert()
        .success()
        .stdout("B='b'\n");
}
