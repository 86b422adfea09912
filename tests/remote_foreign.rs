//! Team remotes against entries other tools wrote (issue 20): the `bao` CLI deletes,
//! destroys, erases, patches and writes entries on the real OpenBao dev server of
//! `.ci/bao-session`, and devvault names what happened, offers the choices, goes on past a
//! bad entry, checks the mount before any write, keeps a foreign entry's shape and takes
//! its token in the vault CLI's order.

use crate::common;

use common::bao::{Bao, Dev, bao, pair, prefix, state_in};

/// `bao kv OP -mount=secret [FLAGS] PATH [FIELDS]`: `extra` starting with `-` are flags.
fn kv(b: &Bao, op: &str, path: &str, extra: &[&str]) {
    let (flags, fields): (Vec<&str>, Vec<&str>) = extra.iter().partition(|a| a.starts_with('-'));
    let mut args = vec!["kv", op, "-mount=secret"];
    args.extend(flags);
    args.push(path);
    args.extend(fields);
    b.cli(&args);
}

fn states(dev: &Dev) -> (i32, serde_json::Value) {
    let (code, out, err) = dev.run(&["remote", "status", "--json"]);
    let json = serde_json::from_str(&out).unwrap_or_else(|_| panic!("{out} {err}"));
    (code, json)
}

#[test]
fn case1_soft_delete_is_named_and_push_never_resurrects() {
    let (b, p, alice, _) = pair("softdel");
    alice.set("app/dev", "K", "alice-value");
    alice.ok(&["push", "app/dev"]);
    kv(&b, "delete", &format!("{p}/app/dev"), &[]);

    assert_eq!(alice.state("app/dev"), "remote-deleted");
    for args in [&["pull", "app/dev"][..], &["push", "app/dev"][..]] {
        let err = alice.fails(args, 7);
        assert!(
            err.contains("deleted on remote `team`")
                && err.contains("--recreate")
                && err.contains("--accept-deletion"),
            "{err}"
        );
        assert!(!err.contains("alice-value"), "{err}");
    }
    // Nothing was resurrected.
    let path = format!("{p}/app/dev");
    assert!(
        !b.try_cli(&["kv", "get", "-mount=secret", "-field=K", &path])
            .0
    );
    alice.ok(&["push", "app/dev", "--recreate"]);
    assert_eq!(
        b.kv_data("secret", &format!("{p}/app/dev"))["K"],
        "alice-value"
    );
    assert_eq!(alice.state("app/dev"), "in-sync");

    // The other choice: accept the deletion, the values kept in history.
    kv(&b, "delete", &format!("{p}/app/dev"), &[]);
    alice.ok(&["pull", "app/dev", "--accept-deletion"]);
    alice.fails(&["get", "app/dev", "K"], 4);
    assert!(alice.ok(&["history", "app/dev", "K"]).contains("removed"));
    assert_eq!(alice.state("app/dev"), "in-sync");
}

#[test]
fn case2_pull_all_and_status_go_on_past_bad_entries() {
    let (b, p, alice, bob) = pair("goon");
    for scope in ["a/dev", "b/dev", "c/dev"] {
        alice.set(scope, "K", "v1");
        alice.ok(&["push", scope]);
    }
    bob.ok(&["pull", "--all"]);
    kv(&b, "delete", &format!("{p}/a/dev"), &[]);
    kv(&b, "put", &format!("{p}/b/dev"), &["2FA_SEED=x", "OK=y"]);
    alice.set("c/dev", "K", "v2");
    alice.ok(&["push", "c/dev"]);

    let (code, out, err) = bob.run(&["pull", "--all"]);
    assert_ne!(code, 0, "{out} {err}");
    assert!(
        err.contains("a/dev") && err.contains("deleted on remote"),
        "{err}"
    );
    assert!(err.contains("b/dev") && err.contains("2FA_SEED"), "{err}");
    assert!(err.contains("2 of 3 scopes"), "{err}");
    assert_eq!(bob.get("c/dev", "K"), "v2");

    let (code, json) = states(&bob);
    assert_eq!(code, 6, "{json}");
    assert_eq!(state_in(&json, "a/dev"), "remote-deleted");
    assert_eq!(state_in(&json, "b/dev"), "unreadable");
    assert_eq!(state_in(&json, "c/dev"), "in-sync");
    let (code, out, err) = bob.run(&["remote", "status"]);
    assert_eq!(code, 6);
    assert!(
        out.contains("c/dev") && out.contains("deleted on remote"),
        "{out}"
    );
    assert!(err.contains("2FA_SEED"), "{err}");
}

#[test]
fn case3_destroyed_latest_version_is_named() {
    let (b, p, alice, _) = pair("destroy");
    alice.set("app/dev", "K", "v");
    alice.ok(&["push", "app/dev"]);
    kv(&b, "destroy", &format!("{p}/app/dev"), &["-versions=1"]);
    assert_eq!(alice.state("app/dev"), "remote-destroyed");
    let err = alice.fails(&["pull", "app/dev"], 7);
    assert!(
        err.contains("destroyed on remote") && err.contains("--recreate"),
        "{err}"
    );
    alice.ok(&["push", "app/dev", "--recreate"]);
    assert_eq!(b.kv_data("secret", &format!("{p}/app/dev"))["K"], "v");
}

#[test]
fn case4_metadata_delete_is_not_a_dead_end() {
    let (b, p, alice, _) = pair("erase");
    alice.set("app/dev", "K", "v");
    alice.set("app/prod", "K", "w");
    alice.ok(&["push", "app/dev"]);
    alice.ok(&["push", "app/prod"]);
    for scope in ["app/dev", "app/prod"] {
        let path = format!("{p}/{scope}");
        b.cli(&["kv", "metadata", "delete", "-mount=secret", &path]);
    }
    assert_eq!(alice.state("app/dev"), "remote-metadata-deleted");
    // `pull --all` names them too, though the server no longer lists them.
    let err = alice.fails(&["pull", "--all"], 7);
    assert!(
        err.contains("app/dev is metadata deleted on remote")
            && err.contains("2 of 2 scopes not pulled"),
        "{err}"
    );
    for args in [
        &["push", "app/dev"][..],
        &["pull", "app/dev"][..],
        &["pull", "app/dev", "--theirs"][..],
    ] {
        let err = alice.fails(args, 7);
        assert!(
            err.contains("metadata deleted on remote")
                && err.contains("--recreate")
                && err.contains("--accept-deletion"),
            "{err}"
        );
    }
    alice.ok(&["push", "app/dev", "--recreate"]);
    assert_eq!(b.kv_data("secret", &format!("{p}/app/dev"))["K"], "v");
    alice.ok(&["pull", "app/prod", "--accept-deletion"]);
    alice.fails(&["get", "app/prod", "K"], 4);
    let (code, json) = states(&alice);
    assert_eq!(code, 0);
    assert_eq!(state_in(&json, "app/dev"), "in-sync");
    assert_eq!(state_in(&json, "app/prod"), "in-sync");
}

/// A mount of this test's own: `kv1-...` (KV version 1) or one that does not exist.
fn mount_name(kind: &str) -> String {
    prefix(kind).replace('/', "-")
}

/// A developer whose remote uses `mount` sets `app/dev` K=`value`; push, pull, pull --all
/// and status must then each fail with exit 6: their messages.
fn mount_refusals(b: &Bao, mount: &str, value: &str) -> Vec<String> {
    let dev = Dev::with_mount(&b.addr, &b.token, "devvault", mount);
    dev.set("app/dev", "K", value);
    [
        &["push", "app/dev"][..],
        &["pull", "app/dev"][..],
        &["pull", "--all"][..],
        &["remote", "status"][..],
    ]
    .iter()
    .map(|args| dev.fails(args, 6))
    .collect()
}

#[test]
fn case5_a_kv_version_1_mount_is_refused_before_any_write() {
    let b = bao();
    let mount = mount_name("kv1");
    b.cli(&[
        "secrets",
        "enable",
        "-version=1",
        &format!("-path={mount}"),
        "kv",
    ]);
    for err in mount_refusals(&b, &mount, "never-written-value") {
        assert!(
            err.contains(&format!("`{mount}`")) && err.contains("version 1"),
            "{err}"
        );
    }
    assert!(
        !b.try_cli(&["read", &format!("{mount}/data/devvault/app/dev")])
            .0
    );
    assert!(!b.try_cli(&["list", &format!("{mount}/")]).0);
}

#[test]
fn case6_a_missing_mount_is_exit_6_naming_it() {
    let b = bao();
    let mount = mount_name("nomount");
    for err in mount_refusals(&b, &mount, "v") {
        assert!(
            err.contains(&format!("mount `{mount}`")) && err.contains("does not exist"),
            "{err}"
        );
    }
}

#[test]
fn case7_a_foreign_entry_of_450_fields_keeps_its_shape() {
    let (b, p, _, bob) = pair("shape");
    let path = format!("{p}/big/dev");
    let fields: Vec<String> = (1..=450).map(|i| format!("K{i:03}=v{i}")).collect();
    let mut args = vec!["kv", "put", "-mount=secret", path.as_str()];
    args.extend(fields.iter().map(String::as_str));
    b.cli(&args);
    bob.ok(&["pull", "big/dev"]);
    bob.set("big/dev", "K001", "changed");
    bob.ok(&["push", "big/dev"]);
    let data = b.kv_data("secret", &path);
    let data = data.as_object().unwrap();
    assert_eq!(data["K001"], "changed");
    assert_eq!(data["K450"], "v450");
    assert_eq!(data.len(), 450, "{:?}", data.keys().collect::<Vec<_>>());
    assert_eq!(bob.state("big/dev"), "in-sync");
}

#[test]
fn case8_a_value_patched_by_bao_is_an_outside_change() {
    let (b, p, alice, bob) = pair("patch");
    alice.set("svc/prod", "KEY", "v1");
    alice
        .cmd()
        .args(["rotate", "svc/prod", "KEY", "--note", "stale rotation note"])
        .write_stdin("v2")
        .assert()
        .success();
    alice.ok(&["push", "svc/prod"]);
    bob.ok(&["pull", "svc/prod"]);
    kv(&b, "patch", &format!("{p}/svc/prod"), &["KEY=patched"]);
    bob.ok(&["pull", "svc/prod"]);
    assert_eq!(bob.get("svc/prod", "KEY"), "patched");
    let hist: serde_json::Value =
        serde_json::from_str(&bob.ok(&["history", "svc/prod", "KEY", "--json"])).unwrap();
    let last = hist.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["change"], "pull", "{hist}");
    let note = last["note"].as_str().unwrap_or_default();
    assert!(note.contains("outside devvault"), "{hist}");
    assert!(!note.contains("stale rotation note"), "{hist}");
}

#[test]
fn case9_nested_paths_skipped_by_pull_all_are_named() {
    let (b, p, _, bob) = pair("nested");
    for path in ["app/dev", "app/dev/extra", "org/app/dev", "MyApp/dev"] {
        kv(&b, "put", &format!("{p}/{path}"), &["X=1"]);
    }
    let (code, out, err) = bob.run(&["pull", "--all"]);
    assert_eq!(code, 0, "{out} {err}");
    for skipped in ["app/dev/", "org/app/", "MyApp/"] {
        assert!(err.contains(skipped), "{skipped} not named: {err}");
    }
    assert!(err.contains("skipped"), "{err}");
    assert_eq!(bob.get("app/dev", "X"), "1");
}

#[test]
fn case10_the_token_comes_in_the_vault_clis_order() {
    let b = bao();
    let dev = Dev::new(&b.addr, "unused", &prefix("tokens"));
    dev.set("app/dev", "K", "v");
    let home_token = dev.env.dir.path().join(".vault-token");
    // No Secret Service on this bus.
    let cmd = |args: &[&str]| {
        let mut c = dev.cmd();
        c.env_remove("VAULT_TOKEN")
            .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
            .args(args);
        let out = c.output().unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    // Nothing: a documented exit code, and no `unlock --for` (it holds no remote token).
    let (code, err) = cmd(&["push", "app/dev"]);
    assert_eq!(code, 6, "{err}");
    assert!(!err.contains("unlock --for"), "{err}");
    assert!(
        err.contains("VAULT_TOKEN") && err.contains("~/.vault-token"),
        "{err}"
    );
    // ~/.vault-token, as `bao login` leaves it: a bad one is named as the source.
    std::fs::write(&home_token, "not-a-token\n").unwrap();
    let (code, err) = cmd(&["push", "app/dev"]);
    assert_eq!(code, 6, "{err}");
    assert!(
        err.contains("HTTP 403") && err.contains("token from ~/.vault-token"),
        "{err}"
    );
    std::fs::write(&home_token, &b.token).unwrap();
    let (code, err) = cmd(&["push", "app/dev"]);
    assert_eq!(code, 0, "{err}");
    // VAULT_TOKEN comes first, and is named when it fails.
    let (code, _, err) = {
        let out = dev
            .cmd()
            .env("VAULT_TOKEN", "bad-env-token")
            .args(["pull", "app/dev"])
            .output()
            .unwrap();
        (
            out.status.code().unwrap(),
            (),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    assert_eq!(code, 6, "{err}");
    assert!(err.contains("token from VAULT_TOKEN"), "{err}");
}
