//! The exposure ledger and offboarding, through the CLI with real vaults: two teammates
//! receive overlapping keys through `share` and a real OpenBao push (`.ci/bao-session`);
//! `exposure` lists who got what; `offboard` one of them (interrupted by the server
//! refusing the push, then resumed); `--verify` fails before and passes after; an unknown
//! name is not found.

use crate::common;

use common::bao::{Dev, bao, prefix};
use common::cli::Env;
use common::tmux::{Tmux, binary};

/// The one line `devvault identity` prints: `age1... devvault-sign:...`.
fn identity(e: &Env) -> String {
    let out = e.cmd().arg("identity").assert().success();
    String::from_utf8(out.get_output().stdout.clone())
        .unwrap()
        .trim()
        .to_string()
}

/// The names `trust ls --json` lists.
fn trusted(dev: &Dev) -> Vec<String> {
    let v = json(&dev.ok(&["trust", "ls", "--json"]));
    let names = v.as_array().unwrap().iter();
    names
        .map(|t| t["name"].as_str().unwrap().to_string())
        .collect()
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// `exposure SCOPE KEY --json`: (receiver type, name, version) and the current version.
fn exposure(alice: &Dev, key: &str) -> (Vec<(String, String, u64)>, u64) {
    let v = json(&alice.ok(&["exposure", "myapp/prod", key, "--json"]));
    let rows = v.as_array().unwrap();
    let current = rows[0]["current_version"].as_u64().unwrap();
    let lines = rows
        .iter()
        .map(|r| {
            let to = &r["to"];
            let name = to["name"].as_str().unwrap_or_default().to_string();
            let kind = to["type"].as_str().unwrap().to_string();
            (kind, name, r["version"].as_u64().unwrap())
        })
        .collect();
    (lines, current)
}

/// Alice owns the keys; Bob and Carol both received myapp/prod by `share`, Carol also
/// myapp/dev, and the remote `team` got myapp/prod by `push`. OTHER was rotated since.
fn team(test: &str) -> (Dev, Env, Env, String) {
    let b = bao();
    let p = prefix(test);
    let alice = Dev::new(&b.addr, &b.token, &p);
    let (bob, carol) = (Env::new(), Env::new());
    alice.ok(&["trust", "add", "bob", &identity(&bob)]);
    alice.ok(&["trust", "add", "carol", &identity(&carol)]);
    alice.set("myapp/prod", "API_KEY", "0123456789abcdef0123456789abcdef");
    alice.set("myapp/prod", "DB_PASS", "db-password-value-1");
    alice.set("myapp/prod", "OTHER", "other-value-one");
    alice.set("myapp/dev", "DEBUG", "dev-debug-value");
    let bob_line = identity(&bob);
    let carol_line = identity(&carol);
    alice.ok(&["share", "myapp/prod", "--to", &bob_line, "-o", "bob.age"]);
    alice.ok(&[
        "share",
        "myapp/prod",
        "myapp/dev",
        "--to",
        &carol_line,
        "-o",
        "carol.age",
    ]);
    alice.ok(&["push", "myapp/prod"]);
    alice.ok(&["rotate", "myapp/prod", "OTHER", "--generate"]);
    (alice, bob, carol, p)
}

#[test]
fn exposure_lists_who_received_what() {
    let (alice, _bob, _carol, _) = team("exposure");
    let (lines, current) = exposure(&alice, "API_KEY");
    assert_eq!(current, 1);
    for who in [
        ("teammate", "bob"),
        ("teammate", "carol"),
        ("remote", "team"),
    ] {
        assert!(
            lines.contains(&(who.0.into(), who.1.into(), 1)),
            "{who:?} not in {lines:?}"
        );
    }
    let text = alice.ok(&["exposure", "myapp/prod", "API_KEY"]);
    assert!(
        text.contains("bob (SHA256:") && text.contains("remote team"),
        "{text}"
    );
    // What Bob received: myapp/prod at version 1; OTHER has moved on since.
    let to_bob = alice.ok(&["exposure", "--to", "bob"]);
    let line = |k: &str| {
        to_bob
            .lines()
            .find(|l| l.contains(k))
            .unwrap_or("")
            .to_string()
    };
    let words = |k: &str| {
        line(k)
            .split_whitespace()
            .map(String::from)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        words("API_KEY")[..4],
        ["myapp/prod", "API_KEY", "v1", "share"],
        "{to_bob}"
    );
    assert_eq!(words("OTHER")[2], "v1", "{to_bob}");
    assert!(line("OTHER").ends_with("now v2"), "{to_bob}");
    assert!(!to_bob.contains("myapp/dev"), "{to_bob}");
    let to_team = json(&alice.ok(&["exposure", "--to", "team", "--json"]));
    assert_eq!(to_team.as_array().unwrap().len(), 3, "{to_team}");
    // Never a value.
    for out in [&text, &to_bob] {
        assert!(!out.contains("0123456789abcdef") && !out.contains("db-password"));
    }
    let err = alice.fails(&["exposure", "--to", "nobody"], 4);
    assert!(err.contains("nobody"), "{err}");
}

#[test]
fn offboard_rotates_pushes_reshares_resumes_and_verifies() {
    let (alice, _bob, carol, p) = team("offboard");
    let old_api = alice.get("myapp/prod", "API_KEY");

    // Before: --verify fails, naming the keys Bob saw that are still current.
    let (code, out, err) = alice.run(&["offboard", "--verify", "bob"]);
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("myapp/prod API_KEY") && out.contains("myapp/prod DB_PASS"));
    assert!(!out.contains("OTHER") && !out.contains("DEBUG"), "{out}");

    // The plan, and a dry run changes nothing.
    let plan = alice.ok(&["offboard", "bob", "--dry-run"]);
    assert!(
        plan.contains("2 keys whose current version bob saw"),
        "{plan}"
    );
    assert!(plan.contains("push to team") && plan.contains("re-share to carol"));
    assert_eq!(alice.get("myapp/prod", "API_KEY"), old_api);
    // No terminal: --yes and --generate are needed; with others to re-share to, --out-dir.
    let err = alice.fails(&["offboard", "bob", "--yes", "--generate"], 2);
    assert!(err.contains("--out-dir"), "{err}");
    let err = alice.fails(&["offboard", "bob", "--generate", "--out-dir", "out"], 2);
    assert!(err.contains("--yes"), "{err}");
    let err = alice.fails(&["offboard", "bob", "--yes", "--out-dir", "out"], 2);
    assert!(err.contains("--generate"), "{err}");

    // Interrupted: the server refuses the push after the keys were rotated.
    let args = ["offboard", "bob", "--yes", "--generate", "--out-dir", "out"];
    let cut = alice
        .cmd()
        .env("VAULT_TOKEN", "a-token-the-server-refuses")
        .args(args)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&cut.stderr);
    assert_eq!(cut.status.code(), Some(6), "{err}");
    assert!(
        err.contains("[1/2] myapp/prod API_KEY: rotated to version 2"),
        "{err}"
    );
    assert!(err.contains("devvault offboard bob` again"), "{err}");
    let new_api = alice.get("myapp/prod", "API_KEY");
    assert_ne!(new_api, old_api);
    assert_eq!(
        new_api.len(),
        old_api.len(),
        "a new value shaped like the old"
    );
    assert!(new_api.chars().all(|c| c.is_ascii_hexdigit()), "{new_api}");
    assert!(
        trusted(&alice).contains(&"bob".to_string()),
        "bob stays until the end"
    );

    // Resumed: nothing rotated twice; the push, the bundle for Carol, and the trust.
    let (code, _, err) = alice.run(&args);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("Resuming the offboarding of bob"), "{err}");
    assert!(
        err.contains("API_KEY: already rotated (version 2), skipped"),
        "{err}"
    );
    assert!(err.contains("myapp/prod: pushed to team"), "{err}");
    assert_eq!(alice.get("myapp/prod", "API_KEY"), new_api);
    assert_eq!(exposure(&alice, "API_KEY").1, 2);
    assert_eq!(trusted(&alice), ["carol"]);
    let bundles: Vec<_> = std::fs::read_dir(alice.env.work().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(bundles, ["carol.age"]);

    // After: --verify passes; a second run has nothing to do.
    let (code, _, err) = alice.run(&["offboard", "--verify", "bob"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("No key is at a version bob saw"), "{err}");
    assert!(alice.run(&args).2.contains("bob was offboarded"));

    // The team remote holds the new value; Carol's bundle holds exactly the rotated keys.
    let b = bao();
    let dave = Dev::new(&b.addr, &b.token, &p);
    dave.ok(&["pull", "myapp/prod"]);
    assert_eq!(dave.get("myapp/prod", "API_KEY"), new_api);
    let bundle = alice.env.work().join("out/carol.age");
    carol
        .cmd()
        .args(["receive", "-y", "--trust-new", "alice"])
        .arg(&bundle)
        .assert()
        .success();
    assert_eq!(carol.get(&["myapp/prod", "API_KEY"]), new_api);
    assert_eq!(
        carol.get(&["myapp/prod", "DB_PASS"]),
        alice.get("myapp/prod", "DB_PASS")
    );
    carol
        .cmd()
        .args(["get", "myapp/prod", "OTHER"])
        .assert()
        .code(4);
    // The re-share is in the ledger, and every step in the audit log.
    let (lines, _) = exposure(&alice, "API_KEY");
    assert!(
        lines.contains(&("teammate".into(), "carol".into(), 2)),
        "{lines:?}"
    );
    assert!(
        lines.contains(&("remote".into(), "team".into(), 2)),
        "{lines:?}"
    );
    let audit = alice.ok(&["audit"]);
    for word in [
        "offboard",
        "offboard-step",
        "exposure",
        "removed from trust",
    ] {
        assert!(audit.contains(word), "{word} not in {audit}");
    }
}

#[test]
fn unknown_or_untrusted_names_are_not_found() {
    let e = Env::new();
    e.set(&["app", "KEY"], "some-value-1234567");
    for args in [
        &["offboard", "nobody", "--yes", "--generate"][..],
        &["offboard", "--verify", "nobody"][..],
        &["offboard", "nobody", "--dry-run"][..],
    ] {
        let out = e.cmd().args(args).assert().code(4);
        let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        assert!(err.contains("trusted teammate `nobody`"), "{args:?}: {err}");
    }
    // A recipient that received keys but is not trusted: --verify names what it saw, and
    // offboarding it needs it trusted first.
    let stranger = Env::new();
    let age = identity(&stranger)
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    e.cmd()
        .args(["share", "app", "--to", &age, "-o", "s.age"])
        .assert()
        .success();
    let out = e
        .cmd()
        .args(["offboard", "--verify", &age])
        .assert()
        .code(1);
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(text.contains("app/dev KEY  version 1"), "{text}");
    let out = e
        .cmd()
        .args(["offboard", &age, "--dry-run"])
        .assert()
        .code(4);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("trusted teammate"), "{err}");
}

#[test]
fn on_a_terminal_it_asks_then_prompts_without_echo_showing_where_the_key_is_issued() {
    let (alice, bob) = (Env::new(), Env::new());
    let line = identity(&bob);
    alice
        .cmd()
        .args(["trust", "add", "bob", &line])
        .assert()
        .success();
    alice.set(&["app", "API_KEY"], "first-api-key-value-1234");
    alice
        .cmd()
        .args(["rotate", "app", "API_KEY", "--generate", "--url"])
        .arg("https://dashboard.example.com/keys")
        .assert()
        .success();
    alice
        .cmd()
        .args(["share", "app", "--to", &line, "-o", "bob.age"])
        .assert()
        .success();
    let t = offboard_bob_in_tmux(&alice);
    t.wait_for("remove bob from trust? [y/N]");
    t.type_text("y");
    t.keys(&["Enter"]);
    let screen = t.wait_for("Value for API_KEY (hidden");
    assert!(
        screen.contains("app/dev API_KEY: make a new value at https://dashboard.example.com/keys"),
        "{screen}"
    );
    t.type_text("typed-new-api-key-5678");
    t.keys(&["Enter"]);
    let screen = t.wait_for("EXIT=");
    assert!(screen.contains("EXIT=0"), "{screen}");
    assert!(!screen.contains("typed-new-api-key"), "echoed: {screen}");
    assert_eq!(alice.get(&["app", "API_KEY"]), "typed-new-api-key-5678");
    alice
        .cmd()
        .args(["offboard", "--verify", "bob"])
        .assert()
        .success();
}

#[test]
fn an_offboarding_cut_by_ctrl_c_resumes_and_skips_keys_rotated_since() {
    let (alice, bob) = (Env::new(), Env::new());
    let line = identity(&bob);
    alice
        .cmd()
        .args(["trust", "add", "bob", &line])
        .assert()
        .success();
    alice.set(&["app", "A_KEY"], "first-a-value-12345678");
    alice.set(&["app", "B_KEY"], "first-b-value-12345678");
    alice.set(&["app", "C_KEY"], "first-c-value-12345678");
    alice
        .cmd()
        .args(["share", "app", "--to", &line, "-o", "bob.age"])
        .assert()
        .success();
    let t = offboard_bob_in_tmux(&alice);
    t.wait_for("[y/N]");
    t.type_text("y");
    t.keys(&["Enter"]);
    t.wait_for("Value for A_KEY (hidden");
    t.type_text("typed-a-value-87654321");
    t.keys(&["Enter"]);
    t.wait_for("Value for B_KEY (hidden");
    t.keys(&["C-c"]);
    let screen = t.wait_for("EXIT=");
    assert!(!screen.contains("EXIT=0"), "{screen}");
    assert_eq!(alice.get(&["app", "A_KEY"]), "typed-a-value-87654321");
    assert_eq!(alice.get(&["app", "B_KEY"]), "first-b-value-12345678");
    // B_KEY is rotated by hand meanwhile; the second run skips it and A_KEY.
    alice
        .cmd()
        .args(["rotate", "app", "B_KEY", "--generate"])
        .assert()
        .success();
    let out = alice
        .cmd()
        .args(["offboard", "bob", "--yes", "--generate"])
        .assert()
        .success();
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("Resuming the offboarding of bob"), "{err}");
    assert!(
        err.contains("[1/3] app/dev A_KEY: already rotated (version 2), skipped"),
        "{err}"
    );
    assert!(
        err.contains("[2/3] app/dev B_KEY: already rotated (version 2), skipped"),
        "{err}"
    );
    assert!(
        err.contains("[3/3] app/dev C_KEY: rotated to version 2"),
        "{err}"
    );
    assert_eq!(alice.get(&["app", "A_KEY"]), "typed-a-value-87654321");
    alice
        .cmd()
        .args(["offboard", "--verify", "bob"])
        .assert()
        .success();
}

#[test]
fn a_ledger_row_removed_to_hide_an_exposure_is_an_integrity_error() {
    let (e, bob) = (Env::new(), Env::new());
    e.set(&["app", "KEY"], "some-value-1234567");
    let age = identity(&bob)
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    e.cmd()
        .args(["share", "app", "--to", &age, "-o", "b.age"])
        .assert()
        .success();
    // The share's ledger row is the last extras row written.
    let db = common::sql(&e.vault);
    db.execute(
        "DELETE FROM extras WHERE id = (SELECT MAX(id) FROM extras)",
        [],
    )
    .unwrap();
    drop(db);
    e.cmd().args(["exposure", "app", "KEY"]).assert().code(5);
    e.cmd()
        .args(["offboard", "--verify", &age])
        .assert()
        .code(5);
}

#[test]
fn grant_records_into_the_ledger_and_offboard_plans_from_it() {
    let (owner, bob) = (Env::new(), Env::new());
    let example = "# required\nAPI_KEY=\n# required\nDB_URL=\n";
    std::fs::write(bob.work().join(".env.example"), example).unwrap();
    owner.set(&["myapp/dev", "API_KEY"], "sk_live_granted_12345");
    owner.set(&["myapp/dev", "DB_URL"], "postgres://u:p@db/app");
    owner.set(&["myapp/dev", "OWNER_ONLY"], "never-asked-for-123");
    owner
        .cmd()
        .args(["trust", "add", "bob", &identity(&bob)])
        .assert()
        .success();
    let req = bob.work().join("req.devvault");
    bob.cmd()
        .args(["onboard", "myapp/dev", "--request", "-o"])
        .arg(&req)
        .assert()
        .success();
    owner
        .cmd()
        .args(["grant", "--yes", "-o", "grant.age"])
        .arg(&req)
        .assert()
        .success();
    let out = owner
        .cmd()
        .args(["exposure", "--to", "bob", "--json"])
        .assert()
        .success();
    let v = json(&String::from_utf8_lossy(&out.get_output().stdout));
    let got: Vec<(String, String, String)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let s = |f: &str| r[f].as_str().unwrap().to_string();
            (
                s("key"),
                s("via"),
                r["to"]["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want = |k: &str| (k.to_string(), "grant".to_string(), "bob".to_string());
    assert_eq!(got, [want("API_KEY"), want("DB_URL")]);
    let out = owner
        .cmd()
        .args(["offboard", "--verify", "bob"])
        .assert()
        .code(1);
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(
        text.contains("API_KEY") && !text.contains("OWNER_ONLY"),
        "{text}"
    );
}

/// A pipe whose reader is already gone.
fn closed_pipe() -> std::io::PipeWriter {
    let (r, w) = std::io::pipe().unwrap();
    drop(r);
    w
}

#[test]
fn an_offboarding_whose_stdout_is_closed_still_rotates_everything() {
    let (owner, bob) = (Env::new(), Env::new());
    owner.set(&["myapp/dev", "API_KEY"], "sk_live_closed_pipe_1");
    owner
        .cmd()
        .args(["trust", "add", "bob", &identity(&bob)])
        .assert()
        .success();
    owner
        .cmd()
        .args([
            "share",
            "myapp/dev",
            "--to",
            &identity(&bob),
            "-o",
            "bob.age",
        ])
        .assert()
        .success();
    let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("devvault"));
    owner.vault_env(&mut c, common::cli::PASS);
    c.args(["offboard", "bob", "--yes", "--generate"])
        .stdin(std::process::Stdio::null())
        .stdout(closed_pipe());
    // `--verify`'s verdict is its exit code, whoever reads its list.
    let mut v = std::process::Command::new(assert_cmd::cargo::cargo_bin("devvault"));
    owner.vault_env(&mut v, common::cli::PASS);
    let verdict = v
        .args(["offboard", "--verify", "bob"])
        .stdout(closed_pipe())
        .output()
        .unwrap();
    assert_eq!(verdict.status.code(), Some(1));
    let out = c.output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    owner
        .cmd()
        .args(["offboard", "--verify", "bob"])
        .assert()
        .success();
}

#[test]
fn a_teammate_whose_offboarding_is_under_way_gets_no_bundle_from_another_and_it_resumes() {
    let (owner, bob, carol) = (Env::new(), Env::new(), Env::new());
    owner.set(&["myapp/dev", "API_KEY"], "sk_live_two_offboardings_1");
    for (name, e) in [("bob", &bob), ("carol", &carol)] {
        let line = identity(e);
        owner
            .cmd()
            .args(["trust", "add", name, &line])
            .assert()
            .success();
        owner
            .cmd()
            .args(["share", "myapp/dev", "--to", &line, "-o"])
            .arg(format!("{name}.age"))
            .assert()
            .success();
    }
    // Bob's offboarding stops after the rotation: carol's bundle cannot be written.
    let blocker = owner.work().join("handover/carol.age");
    std::fs::create_dir_all(&blocker).unwrap();
    owner
        .cmd()
        .args([
            "offboard",
            "bob",
            "--yes",
            "--generate",
            "--out-dir",
            "handover",
        ])
        .assert()
        .failure();
    // Carol leaves meanwhile: the new value must not go to bob, who is leaving.
    let out = owner
        .cmd()
        .args(["offboard", "carol", "--dry-run"])
        .assert()
        .success();
    let plan = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(!plan.contains("re-share to bob"), "{plan}");
    // Bob's offboarding resumes and finishes; every key is rotated already, so no
    // --generate (nor a terminal) is needed for what is left.
    std::fs::remove_dir(&blocker).unwrap();
    owner
        .cmd()
        .args(["offboard", "bob", "--yes", "--out-dir", "handover"])
        .assert()
        .success();
    assert!(blocker.is_file());
    owner
        .cmd()
        .args(["offboard", "--verify", "bob"])
        .assert()
        .success();
}

/// `devvault offboard bob` in alice's vault on a tmux terminal; `EXIT=N` shows its exit code.
fn offboard_bob_in_tmux(alice: &Env) -> Tmux {
    let (home, vault) = (
        alice.dir.path().to_str().unwrap(),
        alice.vault.to_str().unwrap(),
    );
    let cmd = format!("sh -c '{} offboard bob; echo EXIT=$?; sleep 30'", binary());
    let env = [
        ("HOME", home),
        ("DEVVAULT_VAULT", vault),
        ("DEVVAULT_PASSPHRASE", common::cli::PASS),
    ];
    Tmux::start(&cmd, &alice.work(), &env, 150, 20)
}
