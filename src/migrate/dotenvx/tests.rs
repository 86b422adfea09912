//! dotenvx files made by the real `@dotenvx/dotenvx` (npm), and one frozen vector.

use super::*;
use std::cell::Cell;
use std::path::PathBuf;
use std::process::Command;

const INSTALL: &str = "run `bash .ci/test`, which installs the test tools; by hand: \
    `npm install --prefix target/test-deps/node @dotenvx/dotenvx@2` (or set DEVVAULT_TEST_NODE_MODULES)";

/// The real dotenvx CLI (a node script).
fn dotenvx_cli() -> PathBuf {
    let default = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-deps/node/node_modules");
    let modules = std::env::var_os("DEVVAULT_TEST_NODE_MODULES").map_or(default, PathBuf::from);
    let cli = modules.join("@dotenvx/dotenvx/src/cli/dotenvx.js");
    assert!(
        cli.exists(),
        "no @dotenvx/dotenvx in {modules:?}: {INSTALL}"
    );
    cli
}

/// Runs `dotenvx ARGS` in `dir` (its own HOME), panicking when it fails.
fn dotenvx(dir: &Path, args: &[&str]) {
    let out = Command::new("node")
        .arg(dotenvx_cli())
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .env_remove("DOTENV_PRIVATE_KEY")
        .output()
        .unwrap_or_else(|e| panic!("cannot run node: {e}; {INSTALL}"));
    assert!(
        out.status.success(),
        "dotenvx {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn no_env(_: &str) -> Option<String> {
    None
}

/// A passphrase callback that must not be called.
fn never() -> Result<SecretValue> {
    panic!("the passphrase callback was called although a key was at hand")
}

fn values(items: &[Item]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|i| (i.key.clone(), i.value.expose_secret().to_string()))
        .collect()
}

/// The one private key line of `.env.keys` in `dir` named `name`.
fn private_key(dir: &Path, name: &str) -> String {
    let text = std::fs::read_to_string(dir.join(".env.keys")).unwrap();
    let prefix = format!("{name}=");
    text.lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no {name} in .env.keys: {text}"))
        .trim_matches('"')
        .to_string()
}

#[test]
fn decrypts_a_value_dotenvx_encrypted_frozen() {
    // Made by `dotenvx set DB_URL postgres://u:p@h/db` (dotenvx 2.38.2).
    let secret = candidates(
        "af9bc9169187d9cd1425963b73c8e2fa8df42022dabc06107b3fa348c6e465ce",
        "test",
    )
    .pop()
    .unwrap();
    let public =
        base16ct::lower::encode_string(secret.secret.public_key().to_sec1_point(true).as_bytes());
    assert_eq!(
        public,
        "03f41dbd6da27c8222aa397beb058fa0a0eaa531ea7f8f116588778d4be09962a2"
    );
    let b64 = "BGX3FM4JhVukolDKgIhm9Eo87XdPvTAB4438waHTIXLNpOuG/YOF9rs9sZLA6MTrjB/nlpecftiTC/8k4VBm5Swj1mMFgwX638mZswzOFOBrXpj1DRNcU+I26Jl2o1VyuMxhcmZ1niCrszOJKoKkJebony0=";
    let plain = decrypt(&secret.secret, b64).ok().unwrap();
    assert_eq!(plain.as_slice(), b"postgres://u:p@h/db");
    // Every byte of it is authenticated: a flipped bit is a wrong-key failure, never text.
    let mut blob = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap();
    for i in [EPHEMERAL + 1, EPHEMERAL + NONCE + 1, blob.len() - 1] {
        blob[i] ^= 1;
        let flipped = base64::engine::general_purpose::STANDARD.encode(&blob);
        assert!(decrypt(&secret.secret, &flipped).is_err(), "byte {i}");
        blob[i] ^= 1;
    }
    assert!(matches!(
        decrypt(&secret.secret, "bm90IGEgY2lwaGVydGV4dA=="),
        Err(Failure::Malformed)
    ));
}

#[test]
fn reads_a_file_the_real_dotenvx_encrypted_with_notes_and_plain_values() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(".env.production");
    std::fs::write(
        &file,
        "# the api token\n# from the vendor's console\nAPI_TOKEN=\"p@ss w0rd=#x\"\n\n\
         GREETING=\"héllo ☃\"\nEMPTY=\"\"\n",
    )
    .unwrap();
    dotenvx(dir.path(), &["encrypt", "-f", ".env.production"]);
    dotenvx(
        dir.path(),
        &["set", "MULTI", "line1\nline2", "-f", ".env.production"],
    );
    dotenvx(
        dir.path(),
        &[
            "set",
            "PLAIN_URL",
            "https://example.test",
            "--plain",
            "-f",
            ".env.production",
        ],
    );
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(written.contains("API_TOKEN=encrypted:") || written.contains("API_TOKEN=\"encrypted:"));
    assert!(
        !written.contains("p@ss"),
        "dotenvx left the value in plaintext: {written}"
    );

    let items = read_with(&file, &no_env, &mut never).unwrap();
    assert_eq!(
        values(&items),
        [
            ("API_TOKEN", "p@ss w0rd=#x"),
            ("GREETING", "héllo ☃"),
            ("EMPTY", ""),
            ("MULTI", "line1\nline2"),
            ("PLAIN_URL", "https://example.test"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()))
    );
    let token = &items[0];
    assert_eq!(
        token.note.as_deref(),
        Some("the api token / from the vendor's console")
    );
    assert!(token.origin.contains(".env.production") && token.origin.contains("API_TOKEN"));
}

#[test]
fn the_key_comes_from_the_environment_then_the_callback() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(".env");
    dotenvx(dir.path(), &["set", "SECRET", "s3cret", "-f", ".env"]);
    let key = private_key(dir.path(), "DOTENV_PRIVATE_KEY");
    std::fs::remove_file(dir.path().join(".env.keys")).unwrap();

    let env_key = key.clone();
    let env = move |name: &str| (name == "DOTENV_PRIVATE_KEY").then(|| env_key.clone());
    let items = read_with(&file, &env, &mut never).unwrap();
    assert_eq!(
        values(&items),
        [("SECRET".to_string(), "s3cret".to_string())]
    );

    // Last resort: the callback (a list, as dotenvx allows: a wrong key, then the right one).
    let asked = Cell::new(0);
    let mut ask = || {
        asked.set(asked.get() + 1);
        Ok(SecretValue::new(format!("{},{key}", "11".repeat(32))))
    };
    let items = read_with(&file, &no_env, &mut ask).unwrap();
    assert_eq!(
        values(&items),
        [("SECRET".to_string(), "s3cret".to_string())]
    );
    assert_eq!(asked.get(), 1);
}

#[test]
fn the_named_key_of_an_environment_file_is_found_in_env_keys_or_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    dotenvx(dir.path(), &["set", "A", "one", "-f", ".env"]);
    dotenvx(dir.path(), &["set", "B", "two", "-f", ".env.ci.local"]);
    let staging = dir.path().join(".env.ci.local");
    assert_eq!(key_name(&staging), "DOTENV_PRIVATE_KEY_CI_LOCAL");
    assert_eq!(key_name(Path::new("x/.env")), "DOTENV_PRIVATE_KEY");
    assert_eq!(
        key_name(Path::new(".env.Prod.txt")),
        "DOTENV_PRIVATE_KEY_PROD"
    );
    let items = read_with(&staging, &no_env, &mut never).unwrap();
    assert_eq!(values(&items), [("B".to_string(), "two".to_string())]);

    // Without its public key line, under a name whose key is another file's: the key that
    // decrypts is found among all of .env.keys (the named one, tried first, does not).
    let renamed = dir.path().join("secrets.env");
    let text = std::fs::read_to_string(&staging).unwrap();
    let text: String = text
        .lines()
        .filter(|l| !l.starts_with("DOTENV_PUBLIC_KEY"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&renamed, text).unwrap();
    assert_eq!(key_name(&renamed), "DOTENV_PRIVATE_KEY");
    let items = read_with(&renamed, &no_env, &mut never).unwrap();
    assert_eq!(values(&items), [("B".to_string(), "two".to_string())]);

    let key = private_key(dir.path(), "DOTENV_PRIVATE_KEY_CI_LOCAL");
    std::fs::remove_file(dir.path().join(".env.keys")).unwrap();
    let env = move |name: &str| (name == "DOTENV_PRIVATE_KEY_CI_LOCAL").then(|| key.clone());
    let items = read_with(&staging, &env, &mut never).unwrap();
    assert_eq!(values(&items), [("B".to_string(), "two".to_string())]);
}

#[test]
fn a_wrong_key_names_the_first_encrypted_key_and_imports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let other = tempfile::tempdir().unwrap();
    let file = dir.path().join(".env");
    std::fs::write(&file, "FIRST_PLAIN=visible\n").unwrap();
    dotenvx(dir.path(), &["set", "TOKEN", "t0ken-value", "-f", ".env"]);
    dotenvx(dir.path(), &["set", "OTHER", "other-value", "-f", ".env"]);
    dotenvx(other.path(), &["set", "X", "x", "-f", ".env"]);
    let right = private_key(dir.path(), "DOTENV_PRIVATE_KEY");
    let wrong = private_key(other.path(), "DOTENV_PRIVATE_KEY");
    std::fs::copy(other.path().join(".env.keys"), dir.path().join(".env.keys")).unwrap();

    let check = |e: Error| {
        assert_eq!(
            e.exit_code(),
            3,
            "a wrong key exits as a wrong passphrase: {e}"
        );
        let msg = e.to_string();
        assert!(msg.contains("`TOKEN`"), "{msg}");
        assert!(msg.contains("nothing was imported"), "{msg}");
        for secret in [&right, &wrong, "t0ken-value", "other-value"] {
            assert!(!msg.contains(secret), "{msg}");
        }
        msg
    };
    // The callback fails (no terminal): the error is about the wrong key, naming where it was.
    let mut no_terminal = || {
        Err(Error::invalid(
            "no terminal",
            "set DEVVAULT_IMPORT_PASSPHRASE",
        ))
    };
    let msg = check(read_with(&file, &no_env, &mut no_terminal).unwrap_err());
    assert!(msg.contains(".env.keys (DOTENV_PRIVATE_KEY)"), "{msg}");
    // The callback gives another wrong key.
    let wrong_given = wrong.clone();
    let mut ask = || Ok(SecretValue::new(wrong_given.clone()));
    check(read_with(&file, &no_env, &mut ask).unwrap_err());
    // No key at all: the callback's own error.
    std::fs::remove_file(dir.path().join(".env.keys")).unwrap();
    let msg = read_with(&file, &no_env, &mut no_terminal)
        .unwrap_err()
        .to_string();
    assert!(msg.contains("no terminal"), "{msg}");
}

#[test]
fn a_value_encrypted_for_another_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let other = tempfile::tempdir().unwrap();
    dotenvx(dir.path(), &["set", "GOOD", "good", "-f", ".env"]);
    dotenvx(other.path(), &["set", "STRAY", "stray", "-f", ".env"]);
    let stray = std::fs::read_to_string(other.path().join(".env")).unwrap();
    let stray = stray.lines().find(|l| l.starts_with("STRAY=")).unwrap();
    let file = dir.path().join(".env");
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str(stray);
    text.push_str("\nBROKEN=encrypted:not-base64!!\n");
    std::fs::write(&file, &text).unwrap();
    let msg = read_with(&file, &no_env, &mut never)
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("`STRAY`") && msg.contains("another key"),
        "{msg}"
    );

    let text = text.replace(stray, "");
    std::fs::write(&file, text).unwrap();
    let msg = read_with(&file, &no_env, &mut never)
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("`BROKEN`") && msg.contains("not dotenvx ciphertext"),
        "{msg}"
    );
}

#[test]
fn a_plain_file_needs_no_key_and_public_key_lines_are_not_imported() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(".env");
    std::fs::write(
        &file,
        "#/----[DOTENV_PUBLIC_KEY]----/\nDOTENV_PUBLIC_KEY=\"02aa\"\n\n# .env\nA=1\n",
    )
    .unwrap();
    let items = read_with(&file, &no_env, &mut never).unwrap();
    assert_eq!(values(&items), [("A".to_string(), "1".to_string())]);
    assert_eq!(items[0].note, None);
    let missing = read_with(&dir.path().join("nope"), &no_env, &mut never).unwrap_err();
    assert_eq!(missing.exit_code(), 4);
}
