//! `.1pux` files built with the zip crate from 1Password's published 1PUX format description.

use super::*;
use serde_json::json;
use std::io::Write;
use zip::write::SimpleFileOptions;

/// A `.1pux` in `dir` holding `entries` (name, bytes), deflated.
fn pux(dir: &Path, entries: &[(&str, &[u8])]) -> std::path::PathBuf {
    let path = dir.join("ACCOUNT.1pux");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let deflated =
        SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(*name, deflated).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
    path
}

fn attributes() -> Vec<u8> {
    json!({"version": 3, "description": "1Password Unencrypted Export", "createdAt": 1585333569})
        .to_string()
        .into_bytes()
}

/// An export of `vaults` (name, items) in one account, with the attributes file and an
/// attachment beside it.
fn export(dir: &Path, vaults: &[(&str, Value)]) -> std::path::PathBuf {
    let vaults: Vec<Value> = vaults
        .iter()
        .map(|(name, items)| {
            json!({"attrs": {"uuid": "v", "desc": "", "avatar": "", "name": name, "type": "P"}, "items": items})
        })
        .collect();
    let data = json!({"accounts": [{"attrs": {"accountName": "Wendy", "name": "Wendy", "uuid": "A"}, "vaults": vaults}]});
    pux(
        dir,
        &[
            ("export.attributes", &attributes()),
            ("export.data", data.to_string().as_bytes()),
            ("files/doc1__contract.pdf", b"%PDF attachment, never read"),
        ],
    )
}

fn login(title: &str, user: &str, pass: &str, url: &str, notes: &str) -> Value {
    json!({
        "uuid": "u1", "favIndex": 0, "createdAt": 1, "updatedAt": 2, "state": "active",
        "categoryUuid": "001",
        "details": {
            "loginFields": [
                {"value": user, "id": "", "name": "email", "fieldType": "E", "designation": "username"},
                {"value": pass, "id": "", "name": "password", "fieldType": "P", "designation": "password"},
                {"value": "✓", "id": "", "name": "remember", "fieldType": "C"}
            ],
            "notesPlain": notes, "sections": [], "passwordHistory": []
        },
        "overview": {"subtitle": user, "urls": [{"label": "", "url": url}], "title": title, "url": url, "ps": 100, "pbe": 0.0, "pgrng": false}
    })
}

fn pairs(items: &[Item]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|i| (i.key.clone(), i.value.expose_secret().to_string()))
        .collect()
}

#[test]
fn items_map_to_vault_title_and_field_keys() {
    let dir = tempfile::tempdir().unwrap();
    let api = json!({
        "item": {
            "uuid": "u2", "categoryUuid": "112", "state": "active",
            "details": {
                "loginFields": [], "notesPlain": "rotate yearly",
                "sections": [{"title": "", "name": "s", "fields": [
                    {"title": "credential", "id": "credential", "value": {"concealed": "sk_live_123"}},
                    {"title": "hostname", "id": "hostname", "value": {"string": "api.stripe.com"}},
                    {"title": "", "id": "expires", "value": {"date": 1700000000}},
                    {"title": "contact", "id": "c", "value": {"email": {"email_address": "ops@example.com", "provider": null}}},
                    {"title": "linked", "id": "l", "value": {"reference": "u1"}},
                    {"title": "empty", "id": "e", "value": {"concealed": ""}},
                    {"title": "deploy key", "id": "k", "value": {"sshKey": {"privateKey": "x", "metadata": {"privateKey": "-----BEGIN OPENSSH PRIVATE KEY-----\nAAA\n-----END OPENSSH PRIVATE KEY-----\n"}}}}
                ]}]
            },
            "overview": {"title": "Stripe API", "url": ""}
        }
    });
    let note = json!({
        "uuid": "u3", "categoryUuid": "003", "state": "active",
        "details": {"loginFields": [], "notesPlain": "line one\nline two", "sections": []},
        "overview": {"title": "Recovery codes"}
    });
    let password = json!({
        "uuid": "u4", "categoryUuid": "005", "state": "active",
        "details": {"loginFields": [], "password": "hunter2", "sections": []},
        "overview": {"title": "db-root", "urls": [{"label": "", "url": ""}, {"label": "admin", "url": "https://db.example/admin"}]}
    });
    let trashed = json!({"uuid": "u5", "trashed": true, "details": {"password": "gone"}, "overview": {"title": "Old"}});
    let archived = json!({"uuid": "u6", "state": "archived", "details": {"password": "gone"}, "overview": {"title": "Older"}});
    let document = json!({"file": {"attrs": {"uuid": "doc1", "name": "contract.pdf", "size": 28}, "path": "files/doc1__contract.pdf"}});
    let path = export(
        dir.path(),
        &[
            (
                "Private",
                json!([
                    login(
                        "GitHub",
                        "wendy",
                        "gh-pass",
                        "https://github.com",
                        "2FA on\nphone"
                    ),
                    note
                ]),
            ),
            ("Work", json!([api, password, trashed, archived, document])),
        ],
    );
    let items = read(&path, &mut || panic!("a .1pux has no passphrase")).unwrap();
    let expect = [
        ("PRIVATE_GITHUB", "gh-pass"),
        ("PRIVATE_GITHUB_USERNAME", "wendy"),
        ("PRIVATE_RECOVERY_CODES", "line one\nline two"),
        ("WORK_STRIPE_API_CREDENTIAL", "sk_live_123"),
        ("WORK_STRIPE_API_HOSTNAME", "api.stripe.com"),
        ("WORK_STRIPE_API_CONTACT", "ops@example.com"),
        (
            "WORK_STRIPE_API_DEPLOY_KEY",
            "-----BEGIN OPENSSH PRIVATE KEY-----\nAAA\n-----END OPENSSH PRIVATE KEY-----\n",
        ),
        ("WORK_DB_ROOT", "hunter2"),
    ];
    assert_eq!(
        pairs(&items),
        expect.map(|(k, v)| (k.to_string(), v.to_string()))
    );
    assert_eq!(items[0].origin, "Private/GitHub");
    assert_eq!(items[1].origin, "Private/GitHub (username)");
    assert_eq!(
        items[0].note.as_deref(),
        Some("url: https://github.com; 2FA on / phone")
    );
    assert_eq!(items[2].note, None, "a note that became the value");
    assert_eq!(items[3].note.as_deref(), Some("rotate yearly"));
    assert_eq!(
        items[7].note.as_deref(),
        Some("url: https://db.example/admin")
    );
    // Every note passes the vault's check.
    super::super::entries(items, "").unwrap();
}

#[test]
fn an_export_data_over_the_cap_is_refused_as_a_zip_bomb() {
    let dir = tempfile::tempdir().unwrap();
    let mut big = br#"{"accounts": [], "pad": ""#.to_vec();
    big.resize(3 << 20, b' ');
    big.extend_from_slice(b"\"}");
    let path = pux(dir.path(), &[("export.data", &big)]);
    assert!(
        std::fs::metadata(&path).unwrap().len() < 64 << 10,
        "it compresses well"
    );
    let msg = read_limited(&path, 1 << 20).unwrap_err().to_string();
    assert!(msg.contains("inflates to more than 1 MiB"), "{msg}");
    // Under the cap it reads (an export with no items gives none).
    assert!(read_limited(&path, 4 << 20).unwrap().is_empty());
}

#[test]
fn what_is_not_a_1pux_is_named_without_values() {
    let dir = tempfile::tempdir().unwrap();
    let not_zip = dir.path().join("x.1pux");
    std::fs::write(&not_zip, "DB_PASSWORD=hunter2\n").unwrap();
    let msg = read_limited(&not_zip, MAX_DATA).unwrap_err().to_string();
    assert!(msg.contains("x.1pux is not a 1Password export"), "{msg}");
    assert!(!msg.contains("hunter2"), "{msg}");

    let no_data = pux(dir.path(), &[("export.attributes", &attributes())]);
    let msg = read_limited(&no_data, MAX_DATA).unwrap_err().to_string();
    assert!(msg.contains("holds no export.data"), "{msg}");

    let bad_json = pux(dir.path(), &[("export.data", b"{\"accounts\": [\"hunter2")]);
    let msg = read_limited(&bad_json, MAX_DATA).unwrap_err().to_string();
    assert!(msg.contains("not JSON (line 1"), "{msg}");
    assert!(!msg.contains("hunter2"), "{msg}");

    let missing = read_limited(&dir.path().join("nope.1pux"), MAX_DATA).unwrap_err();
    assert_eq!(missing.exit_code(), 4);
}

#[test]
fn an_item_that_does_not_map_or_two_on_one_key_are_named_and_nothing_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = export(
        dir.path(),
        &[(
            "Private",
            json!([
                login("GitHub", "", "pass-111", "", ""),
                login("github", "", "pass-222", "", "")
            ]),
        )],
    );
    let items = read(&path, &mut || panic!("unused")).unwrap();
    let msg = super::super::entries(items, "").unwrap_err().to_string();
    assert!(
        msg.contains("`Private/GitHub` and `Private/github` both map to the key PRIVATE_GITHUB"),
        "{msg}"
    );
    assert!(
        !msg.contains("pass-111") && !msg.contains("pass-222"),
        "{msg}"
    );

    let dir = tempfile::tempdir().unwrap();
    let path = export(
        dir.path(),
        &[("✓", json!([login("—", "", "secret-v", "", "")]))],
    );
    let msg = read(&path, &mut || panic!("unused"))
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("ACCOUNT.1pux: item `✓/—` has no letter or digit"),
        "{msg}"
    );
    assert!(!msg.contains("secret-v"), "{msg}");
}
