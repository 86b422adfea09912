//! `import --from FORMAT FILE` against sources the real tools made: a KeePassXC database
//! made by `keepassxc-cli`, a `pass` store made by `pass` with a passphrase-less test GPG
//! key, Bitwarden exports built from the published JSON format. Every failure (wrong
//! passphrase, unreadable source, an item with no key name, two items on one key, a
//! dangerous name) imports nothing.

use crate::common;

use common::cli::Env;
use predicates::prelude::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const KP_PASS: &str = "kp source pass 1";

/// Runs a test tool, failing (never skipping) with how to install it when it is missing.
fn tool(name: &str, args: &[&str], stdin: &str, env: &[(&str, &Path)]) -> String {
    use std::io::Write;
    let mut cmd = Command::new(name);
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap_or_else(|e| {
        panic!(
            "cannot run {name} ({e}): install it with `apt-get install keepassxc pass gnupg` \
             (.ci/test does)"
        )
    });
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{name} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn kp(args: &[&str], stdin: &str) -> String {
    tool("keepassxc-cli", args, stdin, &[])
}

/// A database made by the real keepassxc-cli: `Work/Stripe API` (user, URL, two-line
/// notes, an extra attribute, an older password in its history), `github token` at the
/// root, and `Old/gone` moved to the recycle bin.
fn kdbx(dir: &Path) -> PathBuf {
    let first = dir.join("first.kdbx");
    let f = first.to_str().unwrap();
    let pw = format!("{KP_PASS}\n");
    kp(
        &["db-create", "-q", "-p", "-t", "100", f],
        &format!("{pw}{pw}"),
    );
    kp(&["mkdir", "-q", f, "Work"], &pw);
    kp(&["mkdir", "-q", f, "Old"], &pw);
    kp(
        &[
            "add",
            "-q",
            "-p",
            "-u",
            "alice",
            "--url",
            "https://dash.stripe.example",
            "--notes",
            "live key\nrotate yearly",
            f,
            "Work/Stripe API",
        ],
        &format!("{pw}sk_old_value\n"),
    );
    kp(
        &["add", "-q", "-p", f, "github token"],
        &format!("{pw}ghp_token_value\n"),
    );
    kp(
        &["add", "-q", "-p", f, "Old/gone"],
        &format!("{pw}gone_value\n"),
    );
    // An extra attribute: keepassxc-cli cannot add one, so its own XML goes through its
    // own `import` (the attribute added beside the entry's title).
    let xml = kp(&["export", "-q", "-f", "xml", f], &pw);
    let at = xml.find("<Value>Stripe API</Value>").unwrap();
    let at = at + xml[at..].find("</String>").unwrap() + "</String>".len();
    let xml = format!(
        "{}<String><Key>webhook secret</Key><Value>whsec_value</Value></String>{}",
        &xml[..at],
        &xml[at..]
    );
    assert!(xml.contains("whsec_value"));
    let xml_path = dir.join("db.xml");
    std::fs::write(&xml_path, xml).unwrap();
    let db = dir.join("team.kdbx");
    let d = db.to_str().unwrap();
    kp(
        &["import", "-q", "-p", xml_path.to_str().unwrap(), d],
        &format!("{pw}{pw}"),
    );
    std::fs::remove_file(&xml_path).unwrap();
    // A new password keeps the old one in the entry's history; `rm` moves to the bin.
    kp(
        &["edit", "-q", "-p", d, "Work/Stripe API"],
        &format!("{pw}sk_live_value\n"),
    );
    kp(&["rm", "-q", d, "Old/gone"], &pw);
    db
}

fn import_from(e: &Env, format: &str, file: &Path) -> assert_cmd::Command {
    let mut c = e.cmd();
    // Options go before SCOPE or after FILE (clap takes a lone word before an option for FILE).
    c.args(["import", "--from", format, "app/dev"])
        .arg(file)
        .env_remove("DEVVAULT_IMPORT_PASSPHRASE_FILE")
        .env_remove("DEVVAULT_IMPORT_PASSPHRASE_COMMAND")
        .env_remove("DEVVAULT_IMPORT_PASSPHRASE");
    c
}

fn stdout(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(a.get_output().stdout.clone()).unwrap()
}

/// `ls` of the scope fails: nothing was imported, not even the scope.
fn assert_nothing_imported(e: &Env) {
    e.cmd().args(["ls", "app/dev"]).assert().failure();
}

#[test]
fn keepassxc_database_maps_groups_titles_and_attributes() {
    let e = Env::new();
    let db = kdbx(e.dir.path());
    let a = import_from(&e, "keepassxc", &db)
        .arg("--yes")
        .env("DEVVAULT_IMPORT_PASSPHRASE", KP_PASS)
        .assert()
        .success();
    let out = stdout(&a);
    assert!(out.contains("+ WORK_STRIPE_API\n"), "{out}");
    assert!(out.contains("+ WORK_STRIPE_API_WEBHOOK_SECRET\n"), "{out}");
    assert!(out.contains("+ GITHUB_TOKEN\n"), "{out}");
    assert!(
        out.contains("app/dev: 3 added, 0 changed, 0 unchanged"),
        "{out}"
    );
    assert!(!out.contains("GONE") && !out.contains("_value"), "{out}");
    assert_eq!(e.get(&["app/dev", "WORK_STRIPE_API"]), "sk_live_value");
    assert_eq!(
        e.get(&["app/dev", "WORK_STRIPE_API_WEBHOOK_SECRET"]),
        "whsec_value"
    );
    assert_eq!(e.get(&["app/dev", "GITHUB_TOKEN"]), "ghp_token_value");
    let h = history_text(&e, "WORK_STRIPE_API");
    assert!(
        h.contains("user: alice; url: https://dash.stripe.example; live key / rotate yearly"),
        "{h}"
    );
    // Again: everything unchanged.
    let a = import_from(&e, "keepassxc", &db)
        .arg("--yes")
        .env("DEVVAULT_IMPORT_PASSPHRASE", KP_PASS)
        .assert()
        .success();
    assert!(stdout(&a).contains("0 added, 0 changed, 3 unchanged"));
}

#[test]
fn keepassxc_wrong_passphrase_is_exit_3_and_imports_nothing() {
    let e = Env::new();
    let db = kdbx(e.dir.path());
    let file = e.dir.path().join("kp-pass");
    std::fs::write(&file, "not the passphrase\n").unwrap();
    std::fs::set_permissions(&file, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    import_from(&e, "keepassxc", &db)
        .arg("--yes")
        .env("DEVVAULT_IMPORT_PASSPHRASE_FILE", &file)
        .assert()
        .code(3)
        .stderr(predicate::str::contains("team.kdbx"))
        .stderr(predicate::str::contains("wrong passphrase"));
    assert_nothing_imported(&e);
    // No passphrase source and no terminal: exit 3 naming the variables.
    import_from(&e, "keepassxc", &db)
        .arg("--yes")
        .assert()
        .code(3)
        .stderr(predicate::str::contains("DEVVAULT_IMPORT_PASSPHRASE"));
    assert_nothing_imported(&e);
}

/// A store made by the real `pass`, encrypted to a passphrase-less key in a temp GNUPGHOME.
struct Store {
    gnupghome: PathBuf,
    dir: PathBuf,
}

impl Store {
    fn new(root: &Path) -> Store {
        Store::with_key_passphrase(root, "")
    }

    fn with_key_passphrase(root: &Path, key_pass: &str) -> Store {
        let gnupghome = root.join("gnupg");
        std::fs::create_dir(&gnupghome).unwrap();
        std::fs::set_permissions(
            &gnupghome,
            std::os::unix::fs::PermissionsExt::from_mode(0o700),
        )
        .unwrap();
        // A fixed S2K count: the agent's calibration for a protected key takes ~15 s.
        std::fs::write(gnupghome.join("gpg-agent.conf"), "s2k-count 65536\n").unwrap();
        let dir = root.join("store");
        let s = Store { gnupghome, dir };
        s.run(
            "gpg",
            &[
                "--batch",
                "--pinentry-mode",
                "loopback",
                "--passphrase",
                key_pass,
                "--quick-gen-key",
                "devvault test <t@example.invalid>",
                "future-default",
                "default",
                "never",
            ],
            "",
        );
        s.run("pass", &["init", "t@example.invalid"], "");
        s
    }

    fn run(&self, name: &str, args: &[&str], stdin: &str) -> String {
        tool(
            name,
            args,
            stdin,
            &[
                ("GNUPGHOME", &self.gnupghome),
                ("PASSWORD_STORE_DIR", &self.dir),
            ],
        )
    }

    fn insert(&self, name: &str, content: &str) {
        self.run("pass", &["insert", "-m", name], content);
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        let _ = Command::new("gpgconf")
            .args(["--kill", "gpg-agent"])
            .env("GNUPGHOME", &self.gnupghome)
            .status();
    }
}

#[test]
fn pass_store_first_line_is_the_value_the_rest_the_note() {
    let e = Env::new();
    let s = Store::new(e.dir.path());
    s.insert(
        "Work/db-url",
        "postgres://u:p@db/app\nprod database\nowner: ops\n",
    );
    s.insert("deploy token", "dpl_value\n");
    let a = import_from(&e, "pass", &s.dir)
        .arg("--yes")
        .env("GNUPGHOME", &s.gnupghome)
        .assert()
        .success();
    let out = stdout(&a);
    assert!(out.contains("+ WORK_DB_URL\n"), "{out}");
    assert!(out.contains("+ DEPLOY_TOKEN\n"), "{out}");
    assert!(out.contains("2 added"), "{out}");
    assert_eq!(e.get(&["app/dev", "WORK_DB_URL"]), "postgres://u:p@db/app");
    assert_eq!(e.get(&["app/dev", "DEPLOY_TOKEN"]), "dpl_value");
    let h = history_text(&e, "WORK_DB_URL");
    assert!(h.contains("prod database / owner: ops"));
}

#[test]
fn pass_file_that_cannot_be_decrypted_is_named_and_nothing_imported() {
    let e = Env::new();
    let s = Store::new(e.dir.path());
    s.insert("good", "good_value\n");
    std::fs::write(s.dir.join("broken.gpg"), b"not an OpenPGP message").unwrap();
    import_from(&e, "pass", &s.dir)
        .arg("--yes")
        .env("GNUPGHOME", &s.gnupghome)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("broken.gpg"));
    assert_nothing_imported(&e);
    // Not a store at all.
    import_from(&e, "pass", &e.work())
        .arg("--yes")
        .assert()
        .failure()
        .stderr(predicate::str::contains(".gpg-id"));
}

fn bitwarden(e: &Env, json: &str) -> PathBuf {
    let path = e.dir.path().join("bitwarden_export.json");
    std::fs::write(&path, json).unwrap();
    path
}

/// An unencrypted export as Bitwarden writes it (bitwarden.com/help/condition-bitwarden-import).
const BW_EXPORT: &str = r#"{
  "encrypted": false,
  "folders": [ { "id": "f1", "name": "Work/Payments" } ],
  "items": [
    { "id": "i1", "organizationId": null, "folderId": "f1", "type": 1, "reprompt": 0,
      "name": "Stripe", "notes": "live\nkeys", "favorite": false,
      "fields": [ { "name": "webhook secret", "value": "whsec_bw", "type": 1, "linkedId": null },
                  { "name": "linked", "value": null, "type": 3, "linkedId": 100 } ],
      "login": { "uris": [ { "match": null, "uri": "https://stripe.example" } ],
                 "username": "bob", "password": "sk_bw", "totp": null },
      "collectionIds": null },
    { "id": "i2", "organizationId": null, "folderId": null, "type": 2, "reprompt": 0,
      "name": "ssh config", "notes": "Host *", "favorite": false,
      "secureNote": { "type": 0 }, "collectionIds": null },
    { "id": "i3", "organizationId": null, "folderId": null, "type": 4, "reprompt": 0,
      "name": "Me", "notes": null, "favorite": false,
      "identity": { "firstName": "A" }, "collectionIds": null }
  ]
}"#;

#[test]
fn bitwarden_export_maps_folders_names_and_fields() {
    let e = Env::new();
    let file = bitwarden(&e, BW_EXPORT);
    let a = import_from(&e, "bitwarden", &file)
        .args(["--yes", "--prefix", "BW_"])
        .assert()
        .success();
    let out = stdout(&a);
    assert!(out.contains("+ BW_WORK_PAYMENTS_STRIPE\n"), "{out}");
    assert!(
        out.contains("+ BW_WORK_PAYMENTS_STRIPE_WEBHOOK_SECRET\n"),
        "{out}"
    );
    assert!(out.contains("+ BW_SSH_CONFIG\n"), "{out}");
    assert!(out.contains("3 added"), "{out}");
    assert_eq!(e.get(&["app/dev", "BW_WORK_PAYMENTS_STRIPE"]), "sk_bw");
    assert_eq!(
        e.get(&["app/dev", "BW_WORK_PAYMENTS_STRIPE_WEBHOOK_SECRET"]),
        "whsec_bw"
    );
    assert_eq!(e.get(&["app/dev", "BW_SSH_CONFIG"]), "Host *");
    let h = history_text(&e, "BW_WORK_PAYMENTS_STRIPE");
    assert!(h.contains("user: bob; url: https://stripe.example; live / keys"));
}

#[test]
fn bitwarden_dry_run_and_json_write_nothing() {
    let e = Env::new();
    let file = bitwarden(&e, BW_EXPORT);
    let a = import_from(&e, "bitwarden", &file)
        .args(["--dry-run", "--json"])
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&a.get_output().stdout).unwrap();
    assert_eq!(v["added"].as_array().unwrap().len(), 3, "{v}");
    assert!(!stdout(&a).contains("sk_bw"));
    assert_nothing_imported(&e);
    // --scope is the positional's other spelling; without a terminal and without --yes the
    // import goes on, as `import FILE` does.
    e.cmd()
        .args(["import", "--scope", "app/dev", "--from", "bitwarden"])
        .arg(&file)
        .assert()
        .success()
        .stdout(predicate::str::contains("app/dev: 3 added"));
}

#[test]
fn bitwarden_encrypted_export_is_refused_naming_the_fix() {
    let e = Env::new();
    let file = bitwarden(
        &e,
        r#"{"encrypted": true, "passwordProtected": true, "salt": "c2FsdA==",
            "kdfType": 0, "kdfIterations": 600000, "encKeyValidation_DO_NOT_EDIT": "2.x|y|z",
            "data": "2.a|b|c"}"#,
    );
    import_from(&e, "bitwarden", &file)
        .arg("--yes")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("encrypted"))
        .stderr(predicate::str::contains("unencrypted"));
    assert_nothing_imported(&e);
}

#[test]
fn unreadable_or_unmappable_sources_import_nothing() {
    let e = Env::new();
    // A file that is not there.
    import_from(&e, "bitwarden", &e.dir.path().join("missing.json"))
        .arg("--yes")
        .assert()
        .code(4)
        .stderr(predicate::str::contains("missing.json"));
    // Not JSON.
    let file = bitwarden(&e, "items: nope");
    import_from(&e, "bitwarden", &file)
        .arg("--yes")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("bitwarden_export.json"));
    // An item whose name has no letter or digit.
    let file = bitwarden(
        &e,
        r#"{"encrypted": false, "folders": [], "items": [
            {"type": 1, "name": "ok", "login": {"password": "v1"}},
            {"type": 1, "name": "!!!", "login": {"password": "v2"}}]}"#,
    );
    import_from(&e, "bitwarden", &file)
        .arg("--yes")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("`!!!`"));
    assert_nothing_imported(&e);
    // Two items on one key: both named.
    let file = bitwarden(
        &e,
        r#"{"encrypted": false, "folders": [], "items": [
            {"type": 1, "name": "db-url", "login": {"password": "v1"}},
            {"type": 1, "name": "DB URL", "login": {"password": "v2"}}]}"#,
    );
    import_from(&e, "bitwarden", &file)
        .arg("--yes")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("`db-url`"))
        .stderr(predicate::str::contains("`DB URL`"))
        .stderr(predicate::str::contains("DB_URL"));
    assert_nothing_imported(&e);
    // A prefix that breaks the key grammar names the item.
    let file = bitwarden(
        &e,
        r#"{"encrypted": false, "folders": [], "items": [
            {"type": 1, "name": "token", "login": {"password": "v1"}}]}"#,
    );
    import_from(&e, "bitwarden", &file)
        .args(["--yes", "--prefix", "9_"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("`token`"));
    assert_nothing_imported(&e);
}

#[test]
fn dangerous_names_need_allow_env() {
    let e = Env::new();
    let file = bitwarden(
        &e,
        r#"{"encrypted": false, "folders": [], "items": [
            {"type": 1, "name": "ld preload", "login": {"password": "/tmp/x.so"}},
            {"type": 1, "name": "api", "login": {"password": "v"}}]}"#,
    );
    import_from(&e, "bitwarden", &file)
        .arg("--yes")
        .assert()
        .failure()
        .stderr(predicate::str::contains("LD_PRELOAD"));
    assert_nothing_imported(&e);
    import_from(&e, "bitwarden", &file)
        .args(["--yes", "--allow-env", "LD_PRELOAD"])
        .assert()
        .success()
        .stdout(predicate::str::contains("2 added"));
}

#[test]
fn on_a_terminal_the_passphrase_is_asked_unseen_and_the_import_confirmed() {
    use common::tmux::{Tmux, binary};
    let e = Env::new();
    let db = kdbx(e.dir.path());
    let home = e.dir.path().to_str().unwrap().to_string();
    let vault = e.vault.to_str().unwrap().to_string();
    let env = [
        ("HOME", home.as_str()),
        ("DEVVAULT_VAULT", vault.as_str()),
        ("DEVVAULT_PASSPHRASE", common::cli::PASS),
    ];
    let line = format!(
        "{} import --from keepassxc app/dev {}; echo EXIT=$?; sleep 30",
        binary(),
        db.display()
    );
    for (answer, exit) in [("n", "EXIT=1"), ("y", "EXIT=0")] {
        let t = Tmux::start(&line, &e.work(), &env, 160, 40);
        t.wait_for("Passphrase for");
        t.type_text(KP_PASS);
        t.keys(&["Enter"]);
        let screen = t.wait_for("Import 3 new and 0 changed keys");
        assert!(screen.contains("added     WORK_STRIPE_API"), "{screen}");
        t.type_text(answer);
        t.keys(&["Enter"]);
        let screen = t.wait_for(exit);
        assert!(!screen.contains(KP_PASS), "{screen}");
        if answer == "n" {
            assert_nothing_imported(&e);
        }
    }
    assert_eq!(e.get(&["app/dev", "GITHUB_TOKEN"]), "ghp_token_value");
}

#[test]
fn pass_key_with_a_passphrase_is_asked_for_it_and_a_wrong_one_is_exit_3() {
    let e = Env::new();
    let s = Store::with_key_passphrase(e.dir.path(), "gpg key pass 9");
    s.insert("api", "api_value\n");
    // The agent must not hold the passphrase from the key's creation.
    s.run("gpgconf", &["--kill", "gpg-agent"], "");
    import_from(&e, "pass", &s.dir)
        .arg("--yes")
        .env("GNUPGHOME", &s.gnupghome)
        .env("DEVVAULT_IMPORT_PASSPHRASE", "not it")
        .assert()
        .code(3)
        .stderr(predicate::str::contains("api.gpg"))
        .stderr(predicate::str::contains("wrong passphrase"));
    assert_nothing_imported(&e);
    import_from(&e, "pass", &s.dir)
        .arg("--yes")
        .env("GNUPGHOME", &s.gnupghome)
        .env("DEVVAULT_IMPORT_PASSPHRASE", "gpg key pass 9")
        .assert()
        .success()
        .stdout(predicate::str::contains("+ API\n"));
    assert_eq!(e.get(&["app/dev", "API"]), "api_value");
}

/// The note of an item imported into app/dev (`history` shows it, escaped).
fn history_text(e: &Env, key: &str) -> String {
    let h = e.cmd().args(["history", "app/dev", key]).assert().success();
    stdout(&h)
}

#[test]
fn a_hostile_note_is_escaped_with_a_warning_naming_the_item_in_every_importer() {
    let e = Env::new();
    // Bitwarden: a terminal escape (OSC 0, set the title) in a login's notes.
    let file = bitwarden(
        &e,
        r#"{"encrypted": false, "folders": [], "items": [
            {"type": 1, "name": "evil note", "notes": "x\u001b]0;pwned\u0007y",
             "login": {"password": "v1"}},
            {"type": 1, "name": "plain", "notes": "ok", "login": {"password": "v2"}}]}"#,
    );
    let a = import_from(&e, "bitwarden", &file)
        .arg("--yes")
        .assert()
        .success();
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(
        err.contains("`evil note`") && !err.contains('\u{1b}'),
        "{err}"
    );
    assert!(stdout(&a).contains("2 added"), "{}", stdout(&a));
    assert!(history_text(&e, "EVIL_NOTE").contains("x\\u{1b}]0;pwned\\u{7}y"));
    // pass: the same in the lines after the value.
    let s = Store::new(e.dir.path());
    s.insert("hostile", "pass_value\nline \u{1b}[2J two\n");
    let a = import_from(&e, "pass", &s.dir)
        .arg("--yes")
        .env("GNUPGHOME", &s.gnupghome)
        .assert()
        .success();
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(
        err.contains("`hostile`") && !err.contains('\u{1b}'),
        "{err}"
    );
    assert_eq!(e.get(&["app/dev", "HOSTILE"]), "pass_value");
}

#[test]
fn a_malformed_bitwarden_export_never_shows_a_value_in_its_error() {
    let e = Env::new();
    for json in [
        r#"{"items": [{"type": 1, "name": "a", "login": {"password": 987654321012}}]}"#,
        r#"{"items": [{"type": 1, "name": "a", "login": "hunter2-secret-value"}]}"#,
        r#"{"items": [{"type": 1, "name": "a", "fields": [{"name": "f", "value": ["hunter2-secret-value"]}]}]}"#,
    ] {
        let file = bitwarden(&e, json);
        let a = import_from(&e, "bitwarden", &file)
            .arg("--yes")
            .assert()
            .code(1);
        let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
        assert!(
            !err.contains("987654321012") && !err.contains("hunter2"),
            "{err}"
        );
        assert!(err.contains("line 1"), "{err}");
    }
    assert_nothing_imported(&e);
}

#[test]
fn a_pass_entry_named_with_a_terminal_escape_is_escaped_in_the_error() {
    let e = Env::new();
    let s = Store::new(e.dir.path());
    std::fs::write(s.dir.join("evil\u{1b}]0;pwned\u{7}.gpg"), b"not OpenPGP").unwrap();
    let a = import_from(&e, "pass", &s.dir)
        .arg("--yes")
        .env("GNUPGHOME", &s.gnupghome)
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
    assert!(err.contains("evil\\u{1b}]0;pwned"), "{err}");
    assert_nothing_imported(&e);
}

#[test]
fn import_from_stdin_or_the_wrong_kind_of_path_says_so() {
    let e = Env::new();
    // `-` is not a file: a usage error naming the fix, not "not found".
    let a = import_from(&e, "bitwarden", Path::new("-"))
        .arg("--yes")
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(err.contains("stdin"), "{err}");
    // A directory where a file is read: named as a directory, whatever the format.
    for format in ["keepassxc", "bitwarden", "dotenvx", "1password"] {
        let a = import_from(&e, format, &e.work())
            .arg("--yes")
            .env("DEVVAULT_IMPORT_PASSPHRASE", "x")
            .assert()
            .code(1);
        let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
        assert!(
            err.contains("is a directory") && !err.contains("no such file"),
            "{format}: {err}"
        );
    }
    // A pipe (`<(...)`) is no KeePassXC database file: said so, not "no such file".
    let fifo = e.dir.path().join("fifo.kdbx");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let a = import_from(&e, "keepassxc", &fifo)
        .arg("--yes")
        .env("DEVVAULT_IMPORT_PASSPHRASE", "x")
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(
        err.contains("not a regular file") && !err.contains("no such file"),
        "{err}"
    );
    assert_nothing_imported(&e);
}

#[test]
fn a_pass_store_never_follows_a_symbolic_link_out_of_it() {
    let e = Env::new();
    let s = Store::new(e.dir.path());
    s.insert("good", "good_value\n");
    s.insert("elsewhere/outside", "outside_value\n");
    // Move an entry and a directory out of the store, and link them back in.
    let out = e.dir.path().join("outside");
    std::fs::create_dir(&out).unwrap();
    std::fs::rename(s.dir.join("elsewhere"), out.join("dir")).unwrap();
    std::os::unix::fs::symlink(out.join("dir"), s.dir.join("linked-dir")).unwrap();
    std::os::unix::fs::symlink(out.join("dir/outside.gpg"), s.dir.join("linked-file.gpg")).unwrap();
    let a = import_from(&e, "pass", &s.dir)
        .arg("--yes")
        .env("GNUPGHOME", &s.gnupghome)
        .assert()
        .success();
    let listed = stdout(&a);
    assert!(
        listed.contains("+ GOOD\n") && listed.contains("1 added"),
        "{listed}"
    );
    assert!(!listed.contains("LINKED"), "{listed}");
}
