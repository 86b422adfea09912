//! `share` / `receive` / `identity` end to end between two vaults in temp dirs: X25519,
//! ssh-ed25519 (keys from `ssh-keygen`) and passphrase bundles; interop with the `age`
//! command line both ways; wrong recipient, wrong passphrase, truncated, tampered and
//! unknown-version bundles fail with their exit code and import nothing.

use crate::common;

use common::cli::Env;
use predicates::prelude::*;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

const VALUE: &str = "sk_live_bundle_value_1";

/// Two vaults: `a` holds two scopes, `b` is empty.
fn pair() -> (Env, Env) {
    let a = Env::new();
    a.set(&["myapp/dev", "API_KEY"], VALUE);
    a.set(&["myapp/dev", "DB_URL"], "postgres://u:p@h/db");
    a.set(&["myapp/staging", "TOKEN"], "staging-token-123");
    (a, Env::new())
}

fn identity(e: &Env) -> String {
    let out = e.cmd().arg("identity").assert().success();
    String::from_utf8(out.get_output().stdout.clone())
        .unwrap()
        .trim()
        .to_string()
}

fn run(cmd: &mut Command) -> std::process::Output {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `b` holds nothing: every scope of the test is still absent.
fn nothing_imported(b: &Env) {
    b.cmd().args(["ls", "myapp/dev"]).assert().code(4);
}

#[test]
fn x25519_round_trip_keeps_replaced_values_in_history() {
    let (a, b) = pair();
    let r = identity(&b);
    assert!(r.starts_with("age1"), "{r}");
    assert_eq!(identity(&b), r, "the identity is made once and kept");
    let bundle = a.work().join("b.age");
    a.cmd()
        .args(["share", "myapp/dev", "myapp/staging", "--to", &r, "-o"])
        .arg(&bundle)
        .assert()
        .success();
    let mode = std::fs::metadata(&bundle).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    b.cmd()
        .arg("receive")
        .arg(&bundle)
        .assert()
        .code(2)
        .stdout(predicate::str::contains("added     API_KEY"))
        .stdout(predicate::str::contains(VALUE).not());
    nothing_imported(&b);
    b.cmd()
        .args(["receive", "--yes"])
        .arg(&bundle)
        .assert()
        .success()
        .stdout(predicate::str::contains("3 added, 0 changed, 0 unchanged"));
    assert_eq!(b.get(&["myapp/dev", "API_KEY"]), VALUE);
    assert_eq!(b.get(&["myapp/staging", "TOKEN"]), "staging-token-123");

    a.set(&["myapp/dev", "API_KEY"], "sk_live_bundle_value_2");
    a.cmd()
        .args(["share", "myapp/dev", "--to", &r, "-o"])
        .arg(&bundle)
        .assert()
        .success();
    b.cmd()
        .args(["receive", "-y"])
        .arg(&bundle)
        .assert()
        .success()
        .stdout(predicate::str::contains("changed   API_KEY"))
        .stdout(predicate::str::contains("unchanged DB_URL"));
    assert_eq!(b.get(&["myapp/dev", "API_KEY"]), "sk_live_bundle_value_2");
    b.cmd()
        .args(["history", "myapp/dev", "API_KEY", "--reveal"])
        .assert()
        .success()
        .stdout(predicate::str::contains(VALUE));
}

#[test]
fn ssh_ed25519_round_trip_and_wrong_recipient() {
    let (a, b) = pair();
    let key = a.work().join("id_ed25519");
    run(Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "t", "-f"])
        .arg(&key));
    let bundle = a.work().join("s.age");
    a.cmd()
        .args(["share", "myapp/dev", "--to-ssh"])
        .arg(key.with_extension("pub"))
        .arg("-o")
        .arg(&bundle)
        .assert()
        .success();
    // Not for b's own identity: exit 3, nothing imported.
    b.cmd()
        .args(["receive", "-y"])
        .arg(&bundle)
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "s.age is not encrypted to this vault",
        ));
    nothing_imported(&b);
    b.cmd()
        .args(["receive", "-y", "-i"])
        .arg(&key)
        .arg(&bundle)
        .assert()
        .success();
    assert_eq!(b.get(&["myapp/dev", "API_KEY"]), VALUE);
}

#[test]
fn passphrase_round_trip_and_wrong_passphrase() {
    let (a, b) = pair();
    let bundle = a.work().join("p.age");
    a.cmd()
        .env("DEVVAULT_BUNDLE_PASSPHRASE", "bundle passphrase 42")
        .env("DEVVAULT_BUNDLE_SCRYPT_WORK", "10")
        .args(["share", "myapp/dev", "--passphrase", "-o"])
        .arg(&bundle)
        .assert()
        .success();
    b.cmd()
        .env("DEVVAULT_BUNDLE_PASSPHRASE", "not the passphrase")
        .args(["receive", "-y"])
        .arg(&bundle)
        .assert()
        .code(3)
        .stderr(predicate::str::contains("wrong passphrase for bundle"));
    nothing_imported(&b);
    b.cmd()
        .env("DEVVAULT_BUNDLE_PASSPHRASE", "bundle passphrase 42")
        .args(["receive", "-y"])
        .arg(&bundle)
        .assert()
        .success();
    assert_eq!(b.get(&["myapp/dev", "DB_URL"]), "postgres://u:p@h/db");
}

#[test]
fn age_cli_decrypts_share_and_encrypts_for_receive() {
    let (a, b) = pair();
    let keyfile = a.work().join("age.key");
    run(Command::new("age-keygen").arg("-o").arg(&keyfile));
    let out = run(Command::new("age-keygen").arg("-y").arg(&keyfile));
    let recipient = String::from_utf8(out.stdout).unwrap();
    // stdout, not a terminal: binary; --armor: PEM.
    let bin = a
        .cmd()
        .args(["share", "myapp/dev", "--to", recipient.trim()])
        .assert()
        .success();
    let bin = bin.get_output().stdout.clone();
    assert!(bin.starts_with(b"age-encryption.org/v1\n"));
    let armored = a
        .cmd()
        .args(["share", "myapp/dev", "--armor", "--to", recipient.trim()])
        .assert()
        .success();
    let armored = armored.get_output().stdout.clone();
    assert!(armored.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----"));
    for (name, data) in [("bin.age", bin), ("armored.age", armored)] {
        let f = a.work().join(name);
        std::fs::write(&f, data).unwrap();
        let out = run(Command::new("age")
            .arg("-d")
            .arg("-i")
            .arg(&keyfile)
            .arg(&f));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(json["devvault_bundle"], 1);
        assert_eq!(json["scopes"][0]["scope"], "myapp/dev");
        assert_eq!(json["scopes"][0]["secrets"][0]["key"], "API_KEY");
        assert_eq!(json["scopes"][0]["secrets"][0]["value"], VALUE);
    }
    // The other way: a payload written by hand, encrypted by `age` to b's identity.
    let payload = b.work().join("payload.json");
    std::fs::write(
        &payload,
        r#"{"devvault_bundle":1,"scopes":[{"scope":"myapp/dev","secrets":[{"key":"FROM_AGE","value":"made-by-the-age-cli","comment":"hand written"}]}]}"#,
    )
    .unwrap();
    let enc = b.work().join("from-age.age");
    run(Command::new("age")
        .args(["-r", &identity(&b), "-o"])
        .arg(&enc)
        .arg(&payload));
    b.cmd().args(["receive", "-y"]).arg(&enc).assert().success();
    assert_eq!(b.get(&["myapp/dev", "FROM_AGE"]), "made-by-the-age-cli");
}

fn share_to(a: &Env, r: &str, out: &Path) {
    a.cmd()
        .args(["share", "myapp/dev", "--to", r, "-o"])
        .arg(out)
        .assert()
        .success();
}

#[test]
fn damaged_and_unknown_bundles_import_nothing() {
    let (a, b) = pair();
    let r = identity(&b);
    let good = a.work().join("good.age");
    share_to(&a, &r, &good);
    let data = std::fs::read(&good).unwrap();
    let truncated = a.work().join("truncated.age");
    std::fs::write(&truncated, &data[..data.len() - 20]).unwrap();
    let tampered = a.work().join("tampered.age");
    let mut t = data.clone();
    let at = t.len() - 30;
    t[at] ^= 1;
    std::fs::write(&tampered, t).unwrap();
    let empty = a.work().join("empty.age");
    std::fs::write(&empty, b"").unwrap();
    for f in [&truncated, &tampered, &empty] {
        b.cmd()
            .args(["receive", "-y"])
            .arg(f)
            .assert()
            .code(5)
            .stderr(predicate::str::contains(f.display().to_string()))
            .stderr(predicate::str::contains("nothing was imported"));
    }
    let v2 = a.work().join("v2.age");
    let payload = a.work().join("v2.json");
    std::fs::write(&payload, r#"{"devvault_bundle":2,"scopes":[]}"#).unwrap();
    run(Command::new("age")
        .args(["-r", &r, "-o"])
        .arg(&v2)
        .arg(&payload));
    b.cmd()
        .args(["receive", "-y"])
        .arg(&v2)
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("format version 2")
                .and(predicate::str::contains("upgrade devvault")),
        );
    b.cmd()
        .args(["receive", "-y", "missing.age"])
        .assert()
        .code(4);
    nothing_imported(&b);
}
