//! Team remotes against a real OpenBao server (started by `.ci/bao-session`): two
//! developers syncing, a concurrent push caught by check-and-set, a rotation pulled with its
//! history, a thousand keys round trip, and the token kept in the OS keychain. Failures
//! (a read-only token, a server that stops, TLS) are in `remote_failures.rs`.

use crate::common;

use common::bao::{Dev, bao, prefix};
use common::traps::{Traps, assert_run_refuses};
use devvault::kv::client::Client;
use devvault::kv::payload::{Entry, KeyMeta};
use devvault::kv::{Access, RemoteConfig, Token};
use devvault::{KeyName, SecretValue};

fn pair(test: &str) -> (Dev, Dev) {
    let (_, _, alice, bob) = common::bao::pair(test);
    (alice, bob)
}

#[test]
fn two_developers_sync_through_the_server() {
    let (alice, bob) = pair("sync");
    alice.set("myapp/prod", "API_KEY", "alice-api-value");
    alice.set("myapp/prod", "DB_URL", "postgres://a");
    alice.set("myapp/dev", "DEBUG", "1");
    assert_eq!(alice.state("myapp/prod"), "local-ahead");
    alice.ok(&["push", "myapp/prod"]);
    alice.ok(&["push", "myapp/dev"]);
    assert_eq!(alice.state("myapp/prod"), "in-sync");
    assert_eq!(bob.state("myapp/prod"), "remote-ahead");

    bob.ok(&["pull", "--all"]);
    assert_eq!(bob.get("myapp/prod", "API_KEY"), "alice-api-value");
    assert_eq!(bob.get("myapp/dev", "DEBUG"), "1");
    assert_eq!(bob.state("myapp/prod"), "in-sync");

    bob.set("myapp/prod", "NEW_KEY", "from-bob");
    bob.ok(&["rm", "myapp/prod", "DB_URL"]);
    assert_eq!(bob.state("myapp/prod"), "local-ahead");
    bob.ok(&["push", "myapp/prod"]);
    assert_eq!(alice.state("myapp/prod"), "remote-ahead");
    alice.ok(&["pull", "myapp/prod"]);
    assert_eq!(alice.get("myapp/prod", "NEW_KEY"), "from-bob");
    alice.fails(&["get", "myapp/prod", "DB_URL"], 4);
    // The removed key stays in Alice's history.
    assert!(
        alice
            .ok(&["history", "myapp/prod", "DB_URL"])
            .contains("removed")
    );
    assert_eq!(alice.state("myapp/prod"), "in-sync");
    assert_eq!(
        alice.ok(&["export", "myapp/prod", "--format", "json"]),
        bob.ok(&["export", "myapp/prod", "--format", "json"])
    );
    // Pushing or pulling again changes nothing.
    alice.ok(&["push", "myapp/prod"]);
    alice.ok(&["pull", "myapp/prod"]);
    assert_eq!(bob.state("myapp/prod"), "in-sync");
}

#[test]
fn concurrent_push_is_a_conflict_naming_keys_never_values() {
    let (alice, bob) = pair("conflict");
    alice.set("app", "SHARED", "base-value");
    alice.ok(&["push", "app"]);
    bob.ok(&["pull", "app"]);
    alice.set("app", "SHARED", "alice-secret-value");
    bob.set("app", "ONLY_BOB", "bob-secret-value");
    alice.ok(&["push", "app"]);

    let err = bob.fails(&["push", "app"], 7);
    assert!(err.contains("SHARED") && err.contains("ONLY_BOB"), "{err}");
    assert!(err.contains("devvault pull app"), "{err}");
    assert!(
        !err.contains("secret-value") && !err.contains("base-value"),
        "{err}"
    );
    assert_eq!(bob.state("app/dev"), "diverged");

    // Pull stops the same way, unless told which side wins.
    let err = bob.fails(&["pull", "app"], 7);
    assert!(
        err.contains("--theirs") && !err.contains("secret-value"),
        "{err}"
    );
    bob.ok(&["pull", "app", "--ours"]);
    assert_eq!(bob.state("app/dev"), "local-ahead");
    bob.ok(&["push", "app"]);
    alice.ok(&["pull", "app", "--theirs"]);
    assert_eq!(alice.get("app", "SHARED"), "base-value");
    assert_eq!(alice.get("app", "ONLY_BOB"), "bob-secret-value");
    // Alice's overwritten value is kept in her history.
    let old = alice.ok(&["history", "app", "SHARED", "--reveal"]);
    assert!(old.contains("alice-secret-value"), "{old}");
}

#[test]
fn check_and_set_refuses_a_stale_version() {
    let b = bao();
    let p = prefix("cas");
    let config = RemoteConfig::new("team", &b.addr, "secret", &p, None, false).unwrap();
    let access = Access::new(Token::new(&b.token));
    let client = Client::new(&config, &access).unwrap();
    let entry = |v: &str| Entry {
        key: KeyName::new("K").unwrap(),
        value: SecretValue::from(v),
        meta: KeyMeta::default(),
    };
    assert_eq!(client.write("x/dev", &[entry("1")], 0).unwrap(), Some(1));
    assert_eq!(client.write("x/dev", &[entry("2")], 1).unwrap(), Some(2));
    // Someone else wrote version 2 after we read version 1.
    assert_eq!(client.write("x/dev", &[entry("3")], 1).unwrap(), None);
    assert_eq!(client.write("x/dev", &[entry("3")], 0).unwrap(), None);
    let read = client.read("x/dev").unwrap().unwrap();
    assert_eq!(read.version, 2);
    assert_eq!(read.entries.unwrap()[0].value.expose_secret(), "2");
    assert!(client.read("x/none").unwrap().is_none());
}

#[test]
fn pull_brings_a_rotation_with_its_history() {
    let (alice, bob) = pair("rotation");
    alice.set("svc/prod", "STRIPE_KEY", "sk_old_value");
    alice.ok(&["push", "svc/prod"]);
    bob.ok(&["pull", "svc/prod"]);
    alice
        .cmd()
        .args([
            "rotate",
            "svc/prod",
            "STRIPE_KEY",
            "--note",
            "revoked in dashboard",
        ])
        .write_stdin("sk_new_value")
        .assert()
        .success();
    alice.ok(&["push", "svc/prod"]);
    bob.ok(&["pull", "svc/prod"]);

    assert_eq!(bob.get("svc/prod", "STRIPE_KEY"), "sk_new_value");
    let hist: serde_json::Value =
        serde_json::from_str(&bob.ok(&["history", "svc/prod", "STRIPE_KEY", "--json"])).unwrap();
    let versions = hist.as_array().unwrap();
    assert_eq!(versions.len(), 2, "{hist}");
    assert_eq!(versions[1]["change"], "rotate");
    assert_eq!(versions[1]["note"], "revoked in dashboard");
    assert_eq!(versions[1]["current"], true);
    let old = bob.ok(&["history", "svc/prod", "STRIPE_KEY", "--reveal"]);
    assert!(old.contains("sk_old_value"), "{old}");
    let ls: serde_json::Value =
        serde_json::from_str(&bob.ok(&["ls", "svc/prod", "--json"])).unwrap();
    assert!(ls[0]["rotated_at"].is_i64(), "{ls}");
    let audit = bob.ok(&["audit"]);
    assert!(audit.contains("pull"), "{audit}");
    assert!(!audit.contains("sk_new_value"));
}

#[test]
fn a_thousand_keys_push_and_pull() {
    let (alice, bob) = pair("thousand");
    let dotenv: String = (0..1000)
        .map(|i| format!("KEY_{i:04}=value-{i}-{}\n", "x".repeat(32)))
        .collect();
    alice
        .cmd()
        .args(["import", "big/prod", "-"])
        .write_stdin(dotenv)
        .assert()
        .success();
    alice.ok(&["push", "big/prod"]);
    bob.ok(&["pull", "big/prod"]);
    let theirs = bob.ok(&["export", "big/prod", "--format", "json"]);
    assert_eq!(
        theirs,
        alice.ok(&["export", "big/prod", "--format", "json"])
    );
    let parsed: serde_json::Value = serde_json::from_str(&theirs).unwrap();
    assert_eq!(parsed.as_object().unwrap().len(), 1000);
    assert_eq!(parsed["KEY_0999"], format!("value-999-{}", "x".repeat(32)));
}

#[test]
fn login_keeps_the_token_in_the_os_keychain() {
    let b = bao();
    let dev = Dev::new(&b.addr, &b.token, &prefix("login"));
    dev.set("app", "K", "v");
    // A bad token is checked and refused before anything is stored.
    let mut bad = dev.cmd();
    bad.env("VAULT_TOKEN", "not-a-token")
        .args(["remote", "login", "team"]);
    let out = bad.assert().code(6);
    assert!(String::from_utf8_lossy(&out.get_output().stderr).contains("HTTP 403"));
    dev.ok(&["remote", "login", "team"]);
    // Without VAULT_TOKEN the keychain's token is used; the vault file never holds it.
    dev.cmd()
        .env_remove("VAULT_TOKEN")
        .args(["push", "app"])
        .assert()
        .success();
    let bytes = std::fs::read(&dev.env.vault).unwrap();
    assert!(
        !bytes
            .windows(b.token.len())
            .any(|w| w == b.token.as_bytes())
    );
    dev.ok(&["remote", "logout"]);
    let out = dev
        .cmd()
        .env_remove("VAULT_TOKEN")
        .args(["push", "app"])
        .assert()
        .code(6);
    assert!(
        String::from_utf8_lossy(&out.get_output().stderr).contains("devvault remote login team")
    );
}

/// The attack as tried: a teammate's token writes an entry with the `bao` CLI whose names
/// make the next `devvault run -- bash|node|git` run their code.
#[test]
fn dangerous_names_from_a_pull_need_naming_and_never_run() {
    let server = bao();
    let p = prefix("danger");
    let bob = Dev::new(&server.addr, &server.token, &p);
    let traps = Traps::new(&bob.env.work());
    let mut put = vec![
        "kv".to_string(),
        "put".into(),
        "-mount=secret".into(),
        format!("{p}/app/dev"),
        "OK_KEY=harmless".into(),
        "DB_URL=postgres://u:p@db.internal/app".into(),
    ];
    put.extend(traps.vars().into_iter().map(|(k, v)| format!("{k}={v}")));
    let put: Vec<&str> = put.iter().map(String::as_str).collect();
    server.cli(&put);

    // No terminal, --yes, or one name left out: refused by name, nothing imported.
    let mut left_out = traps.allow_all();
    left_out.truncate(left_out.len() - 2);
    let with = |extra: &[String]| {
        let mut args = vec!["pull".to_string(), "app/dev".into()];
        args.extend_from_slice(extra);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        bob.fails(&args, 1)
    };
    for extra in [vec![], vec!["--yes".to_string()], left_out] {
        let err = with(&extra);
        assert!(err.contains("GIT_CONFIG_VALUE_0"), "{err}");
        assert!(err.contains("--allow-env"), "{err}");
        bob.fails(&["get", "app/dev", "OK_KEY"], 4);
    }
    // --dry-run previews, flags and imports nothing.
    let out = bob
        .cmd()
        .args(["pull", "app/dev", "--dry-run"])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(text.contains("BASH_ENV"), "{text}");
    assert!(text.contains("dangerous"), "{text}");
    assert!(text.contains("host db.internal"), "{text}");
    bob.fails(&["get", "app/dev", "OK_KEY"], 4);

    let mut args = vec!["pull".to_string(), "app/dev".into(), "--yes".into()];
    args.extend(traps.allow_all());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    bob.ok(&args);
    assert_eq!(bob.get("app/dev", "OK_KEY"), "harmless");
    assert_run_refuses(&bob.env, "app/dev", &traps);

    // A changed URL shows its new host in the preview.
    server.cli(&[
        "kv",
        "patch",
        "-mount=secret",
        &format!("{p}/app/dev"),
        "DB_URL=postgres://u:p@attacker.example/app",
    ]);
    let out = bob
        .cmd()
        .args(["pull", "app/dev", "--dry-run"])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(
        text.contains("host db.internal -> attacker.example"),
        "{text}"
    );
    assert!(!text.contains("u:p"), "{text}");
}

/// On a terminal `pull` shows its preview and asks; `n` pulls nothing, `y` pulls.
#[test]
fn pull_asks_on_a_terminal() {
    use common::tmux::{Tmux, binary};
    let (alice, bob) = pair("ask");
    let addr = bao().addr;
    alice.set("app/dev", "DB_URL", "postgres://u:p@db.internal/app");
    alice.ok(&["push", "app/dev"]);
    let home = bob.env.dir.path().to_str().unwrap().to_string();
    let vault = bob.env.vault.to_str().unwrap().to_string();
    let env = [
        ("HOME", home.as_str()),
        ("DEVVAULT_VAULT", vault.as_str()),
        ("DEVVAULT_PASSPHRASE", common::cli::PASS),
        ("VAULT_TOKEN", bob.token.as_str()),
        ("VAULT_ADDR", addr.as_str()),
    ];
    let line = format!("{} pull app/dev; echo EXIT=$?; sleep 30", binary());
    for (answer, code) in [("n", "EXIT=0"), ("y", "EXIT=0")] {
        let t = Tmux::start(&line, &bob.env.work(), &env, 160, 40);
        let screen = t.wait_for("Pull these changes into app/dev? [y/N]");
        assert!(screen.contains("host db.internal"), "{screen}");
        t.type_text(answer);
        t.keys(&["Enter"]);
        t.wait_for(code);
        if answer == "n" {
            bob.fails(&["get", "app/dev", "DB_URL"], 4);
        }
    }
    assert_eq!(
        bob.get("app/dev", "DB_URL"),
        "postgres://u:p@db.internal/app"
    );
}

/// `devvault ARGS` for `dev` in a new session with no terminal, so a question cannot be asked.
fn detached(dev: &Dev, args: &[&str]) -> std::process::Output {
    let e = &dev.env;
    std::process::Command::new("setsid")
        .arg(assert_cmd::cargo::cargo_bin("devvault"))
        .args(args)
        .current_dir(e.work())
        .env("HOME", e.dir.path())
        .env("DEVVAULT_VAULT", &e.vault)
        .env("DEVVAULT_PASSPHRASE", common::cli::PASS)
        .env("VAULT_TOKEN", &dev.token)
        .env("VAULT_ADDR", &dev.addr)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("setsid (util-linux) is needed")
}

#[test]
fn pull_names_a_new_scope_and_stops_a_near_name_without_create() {
    let (alice, bob) = pair("create");
    bob.set("shop/prod", "K", "bob");
    alice.set("shop/prdo", "K", "typo");
    alice.set("billing/dev", "K", "new");
    alice.ok(&["push", "shop/prdo"]);
    alice.ok(&["push", "billing/dev"]);
    let out = detached(&bob, &["pull", "billing/dev", "--yes"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("Creating project `billing`"), "{err}");
    let out = detached(&bob, &["pull", "shop/prdo", "--yes"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("`prod`") && err.contains("--create"), "{err}");
    bob.fails(&["ls", "shop/prdo"], 4);
    let out = detached(&bob, &["pull", "shop/prdo", "--yes", "--create"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("Creating environment `prdo`"), "{err}");
    assert_eq!(bob.get("shop/prdo", "K"), "typo");
}
