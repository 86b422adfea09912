//! The tamper-evident audit log: what is recorded (never values), failed unlocks chained
//! at the next unlock, and `audit verify` naming the first bad entry after entries are
//! deleted, edited, reordered, added or truncated directly in the SQLite file.

use crate::common;

use common::audit::*;
use common::*;
use devvault::audit::{Event, EventKind};
use devvault::{Error, SecretValue, Vault};
use std::path::{Path, PathBuf};

/// A vault with ten audit entries (set x3, get, export, rotate, rm, import, policy, get).
fn vault_with_events(dir: &Path) -> PathBuf {
    let (path, mut v) = new_vault(dir);
    set(&mut v, "app", "A", "alpha-canary-value");
    set(&mut v, "app", "B", "beta");
    set(&mut v, "app/prod", "C", "gamma");
    get(&mut v, "app", "A").unwrap();
    v.export(&scope("app")).unwrap();
    v.rotate(
        &scope("app"),
        &key("A"),
        &SecretValue::from("alpha-2"),
        None,
    )
    .unwrap();
    v.remove(&scope("app"), &key("B")).unwrap();
    v.import(&scope("app"), &[(key("D"), SecretValue::from("delta"))])
        .unwrap();
    v.set_policy(&scope("app"), None, Some(30 * 86_400))
        .unwrap();
    get(&mut v, "app", "D").unwrap();
    path
}

#[test]
fn commands_are_recorded_with_names_and_never_values() {
    let dir = tempfile::tempdir().unwrap();
    let path = vault_with_events(dir.path());
    let mut v = reopen(&path);
    let events = v.audit_events(i64::MIN).unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "set", "set", "set", "get", "export", "rotate", "rm", "import", "policy", "get"
        ]
    );
    assert_eq!(events[5].key.as_deref(), Some("A"));
    assert_eq!(events[5].detail.as_deref(), Some("version 2"));
    assert_eq!(events[2].scope.as_deref(), Some("app/prod"));
    assert_eq!(
        events[7].detail.as_deref(),
        Some("1 added, 0 changed, 0 unchanged")
    );
    let text = format!("{events:?}");
    for value in ["alpha-canary-value", "alpha-2", "beta", "gamma", "delta"] {
        assert!(!text.contains(value), "{value} in {text}");
    }
    let seqs: Vec<u64> = events.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (1..=10).collect::<Vec<_>>());
    assert_eq!(v.audit_verify().unwrap().entries, 10);
    // A front end logs what it reveals or copies; `since` filters by time.
    let ev = Event::new(EventKind::Copy)
        .scope(&scope("app"))
        .key(&key("D"));
    assert_eq!(v.audit_record(&ev).unwrap(), 11);
    v.get_for(&scope("app"), &key("A"), EventKind::Reveal)
        .unwrap();
    let recent = v.audit_events(devvault::vault::now() - 60).unwrap();
    assert_eq!(recent.len(), 12);
    assert_eq!(recent[11].kind, EventKind::Reveal);
    assert!(
        v.audit_events(devvault::vault::now() + 60)
            .unwrap()
            .is_empty()
    );
    // The log is sealed: the file holds no event or key name in the clear.
    drop(v);
    let bytes = std::fs::read(&path).unwrap();
    let found = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    assert!(!found(b"rotate") && !found(b"app/prod") && !found(b"version 2"));
}

#[test]
fn failed_unlocks_are_chained_at_the_next_unlock_without_the_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let (path, v) = new_vault(dir.path());
    drop(v);
    for _ in 0..2 {
        let e = Vault::open(&path)
            .unwrap()
            .unlock(&pass("guess-canary-passphrase"))
            .unwrap_err();
        assert!(matches!(e, Error::WrongPassphrase { .. }));
    }
    let pending: i64 = sql(&path)
        .query_row("SELECT count(*) FROM audit_pending", [], |r| r.get(0))
        .unwrap();
    assert_eq!(pending, 2);
    let mut v = reopen(&path);
    let events = v.audit_events(i64::MIN).unwrap();
    assert_eq!(events.len(), 2);
    assert!(events.iter().all(|e| e.kind == EventKind::UnlockFailed));
    assert_eq!(events[0].detail.as_deref(), Some("wrong passphrase"));
    let pending: i64 = sql(&path)
        .query_row("SELECT count(*) FROM audit_pending", [], |r| r.get(0))
        .unwrap();
    assert_eq!(pending, 0);
    drop(v);
    for f in ["", "-wal"] {
        let bytes = std::fs::read(format!("{}{f}", path.display())).unwrap_or_default();
        assert!(!bytes.windows(5).any(|w| w == b"guess"));
    }
}

#[test]
fn an_intact_chain_verifies_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let path = vault_with_events(dir.path());
    verify(&path)
        .assert()
        .success()
        .stdout(predicates::str::contains("audit log intact: 10 entries"));
}

#[test]
fn a_deleted_entry_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = vault_with_events(dir.path());
    delete(&sql(&path), 4);
    assert_verify_names(&path, 4);
    let e = reopen(&path).audit_events(i64::MIN).unwrap_err();
    assert!(matches!(e, Error::Integrity { .. }) && e.to_string().contains("#4 is missing"));
}

#[test]
fn an_edited_entry_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = vault_with_events(dir.path());
    edit_body(&sql(&path), 6);
    assert_verify_names(&path, 6);
    // A changed tag breaks the chain at that entry too.
    let path = vault_with_events(&dir.path().join("b"));
    sql(&path)
        .execute("UPDATE audit SET tag = zeroblob(32) WHERE seq = 3", [])
        .unwrap();
    assert_verify_names(&path, 3);
}

#[test]
fn reordered_entries_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = vault_with_events(dir.path());
    swap(&sql(&path), 7, 5);
    assert_verify_names(&path, 5);
}

#[test]
fn truncated_entries_are_named_through_the_header() {
    let dir = tempfile::tempdir().unwrap();
    let path = vault_with_events(dir.path());
    truncate(&sql(&path), 2);
    assert_eq!(seqs(&sql(&path)), (1..=8).collect::<Vec<_>>());
    assert_verify_names(&path, 9);
    // The whole log deleted.
    let path = vault_with_events(&dir.path().join("b"));
    truncate(&sql(&path), 10);
    assert_verify_names(&path, 1);
    // Truncation with the header's tail moved back: the header's MAC fails instead.
    let path = vault_with_events(&dir.path().join("c"));
    let c = sql(&path);
    truncate(&c, 1);
    let tag: Vec<u8> = c
        .query_row("SELECT tag FROM audit WHERE seq = 9", [], |r| r.get(0))
        .unwrap();
    c.execute("UPDATE header SET audit_seq = 9, audit_tag = ?1", [&tag])
        .unwrap();
    verify(&path)
        .assert()
        .code(5)
        .stderr(predicates::str::contains(
            "vault header does not match its MAC",
        ));
}

#[test]
fn an_added_entry_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = vault_with_events(dir.path());
    sql(&path)
        .execute(
            "INSERT INTO audit (seq, body, tag) SELECT 11, body, tag FROM audit WHERE seq = 10",
            [],
        )
        .unwrap();
    assert_verify_names(&path, 11);
}

#[test]
fn passwd_and_keychain_slots_are_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut v) = new_vault(dir.path());
    v.add_key_slot(devvault::vault::KEYCHAIN_SLOT).unwrap();
    assert!(v.remove_key_slot(devvault::vault::KEYCHAIN_SLOT).unwrap());
    assert!(!v.remove_key_slot(devvault::vault::KEYCHAIN_SLOT).unwrap());
    v.change_passphrase(&pass(PASS), devvault::crypto::KdfParams::FLOOR)
        .unwrap();
    let kinds: Vec<EventKind> = v
        .audit_events(i64::MIN)
        .unwrap()
        .iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            EventKind::KeychainEnable,
            EventKind::KeychainDisable,
            EventKind::Passwd
        ]
    );
    drop(v);
    verify(&path).assert().success();
}

#[test]
fn an_inserted_failed_unlock_row_is_never_shown_as_verified() {
    let dir = tempfile::tempdir().unwrap();
    let (path, v) = new_vault(dir.path());
    drop(v);
    // Anyone who can write the file can add a row: no key is needed for it.
    sql(&path)
        .execute(
            "INSERT INTO audit_pending (at, count) VALUES (946684800, 4242)",
            [],
        )
        .unwrap();
    let mut v = reopen(&path);
    let events = v.audit_events(i64::MIN).unwrap();
    let forged = events
        .iter()
        .find(|e| e.kind == EventKind::UnlockFailed)
        .unwrap();
    assert!(forged.unverified, "shown as a verified entry");
    assert!(v.audit_verify().unwrap().unverified >= 1);
    drop(v);
    let out = verify(&path).assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(text.contains("unverified"), "{text}");
    let out = verify(&path).args(["--json"]).assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(text.contains("\"unverified\": 1"), "{text}");
}
