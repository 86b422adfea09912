//! Team remotes against a real OpenBao server (started by `.ci/bao-session`): two
//! developers syncing, a concurrent push caught by check-and-set, a rotation pulled with its
//! history, a thousand keys round trip, and the token kept in the OS keychain. Failures
//! (a read-only token, a server that stops, TLS) are in `remote_failures.rs`.

use crate::common;

use common::bao::{Dev, bao, prefix};
use devvault::kv::client::Client;
use devvault::kv::payload::{Entry, KeyMeta};
use devvault::kv::{Access, RemoteConfig, Token};
use devvault::{KeyName, SecretValue};

fn pair(test: &str) -> (Dev, Dev) {
    let b = bao();
    let p = prefix(test);
    (
        Dev::new(&b.addr, &b.token, &p),
        Dev::new(&b.addr, &b.token, &p),
    )
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
    let config = RemoteConfig::new("team", &b.addr, "secret", &p, None).unwrap();
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
        .code(1);
    assert!(
        String::from_utf8_lossy(&out.get_output().stderr).contains("devvault remote login team")
    );
}
