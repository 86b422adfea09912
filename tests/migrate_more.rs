//! `import --from dotenvx` and `import --from 1password` end to end through the binary:
//! dotenvx files made by the real `@dotenvx/dotenvx` (npm), `.1pux` exports built with the
//! zip crate from 1Password's published format. A wrong key or an unreadable export imports
//! nothing (a wrong key exits 3) and never prints a value. The readers' own tests are unit
//! tests in src/migrate/.

use crate::common;

use common::cli::Env;
use predicates::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs the real dotenvx in `dir` (its own HOME), failing with how to install it.
fn dotenvx(dir: &Path, args: &[&str]) {
    let cli = common::parsers::node_modules().join("@dotenvx/dotenvx/src/cli/dotenvx.js");
    assert!(
        cli.exists(),
        "no @dotenvx/dotenvx at {cli:?}: {}",
        common::parsers::INSTALL
    );
    let out = Command::new("node")
        .arg(cli)
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .env_remove("DOTENV_PRIVATE_KEY")
        .output()
        .unwrap_or_else(|e| panic!("cannot run node ({e}): {}", common::parsers::INSTALL));
    assert!(
        out.status.success(),
        "dotenvx {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `.env.production` in the work directory, encrypted by dotenvx, with its `.env.keys`.
fn production(e: &Env) -> PathBuf {
    let file = e.work().join(".env.production");
    std::fs::write(
        &file,
        "# issued by the payments team\nSTRIPE_KEY=\"sk_live_dotenvx_1\"\nPUBLIC_URL=\"https://shop.example\"\n",
    )
    .unwrap();
    dotenvx(&e.work(), &["encrypt", "-f", ".env.production"]);
    dotenvx(
        &e.work(),
        &[
            "set",
            "DB_PASSWORD",
            "pw with spaces",
            "-f",
            ".env.production",
        ],
    );
    assert!(
        !std::fs::read_to_string(&file)
            .unwrap()
            .contains("sk_live_dotenvx_1")
    );
    file
}

fn import(e: &Env, format: &str, file: &str) -> assert_cmd::Command {
    let mut c = e.cmd();
    c.args(["import", "--from", format, "shop/prod", file, "--yes"])
        .env_remove("DEVVAULT_IMPORT_PASSPHRASE")
        .env_remove("DOTENV_PRIVATE_KEY");
    c
}

#[test]
fn dotenvx_files_import_with_their_keys_file() {
    let e = Env::new();
    production(&e);
    import(&e, "dotenvx", ".env.production")
        .assert()
        .success()
        .stdout(predicate::str::contains("3 added"));
    assert_eq!(e.get(&["shop/prod", "STRIPE_KEY"]), "sk_live_dotenvx_1");
    assert_eq!(e.get(&["shop/prod", "DB_PASSWORD"]), "pw with spaces");
    assert_eq!(e.get(&["shop/prod", "PUBLIC_URL"]), "https://shop.example");
    e.cmd()
        .args(["get", "shop/prod", "DOTENV_PUBLIC_KEY_PRODUCTION"])
        .assert()
        .code(4);
}

#[test]
fn dotenvx_key_from_the_environment_or_the_import_passphrase() {
    let e = Env::new();
    production(&e);
    let keys = std::fs::read_to_string(e.work().join(".env.keys")).unwrap();
    let key = keys
        .lines()
        .find_map(|l| l.strip_prefix("DOTENV_PRIVATE_KEY_PRODUCTION="))
        .unwrap()
        .trim_matches('"')
        .to_string();
    std::fs::remove_file(e.work().join(".env.keys")).unwrap();
    import(&e, "dotenvx", ".env.production")
        .env("DOTENV_PRIVATE_KEY", &key)
        .assert()
        .success();
    assert_eq!(e.get(&["shop/prod", "STRIPE_KEY"]), "sk_live_dotenvx_1");
    // Last resort: the source passphrase (a fresh vault, the same file).
    let e2 = Env::new();
    std::fs::copy(
        e.work().join(".env.production"),
        e2.work().join(".env.production"),
    )
    .unwrap();
    import(&e2, "dotenvx", ".env.production")
        .env("DEVVAULT_IMPORT_PASSPHRASE", &key)
        .assert()
        .success();
    assert_eq!(e2.get(&["shop/prod", "STRIPE_KEY"]), "sk_live_dotenvx_1");
}

#[test]
fn dotenvx_with_a_wrong_key_imports_nothing_and_names_the_key() {
    let e = Env::new();
    production(&e);
    let other = tempfile::tempdir().unwrap();
    dotenvx(other.path(), &["set", "X", "x", "-f", ".env.production"]);
    std::fs::copy(other.path().join(".env.keys"), e.work().join(".env.keys")).unwrap();
    let out = import(&e, "dotenvx", ".env.production").assert().code(3);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(stderr.contains("`STRIPE_KEY`"), "{stderr}");
    assert!(
        !stderr.contains("sk_live") && !stderr.contains("pw with"),
        "{stderr}"
    );
    e.cmd()
        .args(["get", "shop/prod", "PUBLIC_URL"])
        .assert()
        .code(4);
}

/// A `.1pux` holding `data` as its `export.data`.
fn pux(dir: &Path, data: &serde_json::Value) -> PathBuf {
    let path = dir.join("export.1pux");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("export.attributes", opts).unwrap();
    zip.write_all(
        br#"{"version": 3, "description": "1Password Unencrypted Export", "createdAt": 1}"#,
    )
    .unwrap();
    zip.start_file("export.data", opts).unwrap();
    zip.write_all(data.to_string().as_bytes()).unwrap();
    zip.finish().unwrap();
    path
}

#[test]
fn onepassword_exports_import_by_vault_title_and_field() {
    let e = Env::new();
    let data = serde_json::json!({"accounts": [{"attrs": {"name": "A"}, "vaults": [{
    "attrs": {"name": "Work"},
    "items": [
        {"uuid": "1", "categoryUuid": "001", "details": {
            "loginFields": [
                {"value": "deploy", "designation": "username", "fieldType": "T", "name": "u"},
                {"value": "op-pass-1", "designation": "password", "fieldType": "P", "name": "p"}],
            "sections": [{"title": "", "fields": [
                {"title": "api key", "id": "k", "value": {"concealed": "op-key-2"}}]}],
            "notesPlain": "prod only"},
         "overview": {"title": "Stripe", "url": "https://dash.stripe.example"}},
        {"uuid": "2", "trashed": true, "details": {"password": "gone"}, "overview": {"title": "Old"}}
    ]}]}]});
    pux(&e.work(), &data);
    import(&e, "1password", "export.1pux")
        .assert()
        .success()
        .stdout(predicate::str::contains("3 added"));
    assert_eq!(e.get(&["shop/prod", "WORK_STRIPE"]), "op-pass-1");
    assert_eq!(e.get(&["shop/prod", "WORK_STRIPE_USERNAME"]), "deploy");
    assert_eq!(e.get(&["shop/prod", "WORK_STRIPE_API_KEY"]), "op-key-2");
    e.cmd()
        .args(["get", "shop/prod", "WORK_OLD"])
        .assert()
        .code(4);
}

#[test]
fn a_file_that_is_not_a_1pux_imports_nothing() {
    let e = Env::new();
    std::fs::write(e.work().join("export.1pux"), "PASSWORD=op-secret-3\n").unwrap();
    let out = import(&e, "1password", "export.1pux").assert().failure();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(stderr.contains("not a 1Password export"), "{stderr}");
    assert!(!stderr.contains("op-secret-3"), "{stderr}");
}
