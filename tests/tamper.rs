//! The security design's storage tests on real vault files: wrong passphrase and tampered
//! slots, flipped bytes, ciphertext moved between rows, scopes and vaults, deleted and
//! rolled-back rows, nonce changes, and what a stolen file reveals.

use crate::common;

use common::*;
use devvault::{Error, SecretValue, Vault};
use std::path::PathBuf;

#[test]
fn wrong_passphrase_and_tampered_slot_give_the_same_error() {
    let dir = tempfile::tempdir().unwrap();
    let (path, v) = new_vault(dir.path());
    drop(v);
    let wrong = Vault::open(&path)
        .unwrap()
        .unlock(&pass("wrong"))
        .unwrap_err();
    assert!(matches!(wrong, Error::WrongPassphrase { .. }));
    assert_eq!(wrong.exit_code(), 3);
    let c = sql(&path);
    let wrapped: Vec<u8> = c
        .query_row("SELECT wrapped FROM slots", [], |r| r.get(0))
        .unwrap();
    let mut bad = wrapped.clone();
    bad[20] ^= 1;
    c.execute("UPDATE slots SET wrapped = ?1", [&bad]).unwrap();
    let tampered = Vault::open(&path).unwrap().unlock(&pass(PASS)).unwrap_err();
    assert_eq!(tampered.to_string(), wrong.to_string());
    c.execute("UPDATE slots SET wrapped = ?1", [&wrapped])
        .unwrap();
    // A changed salt or parameter fails unlock too.
    let salt: Vec<u8> = c
        .query_row("SELECT salt FROM slots", [], |r| r.get(0))
        .unwrap();
    let mut s2 = salt.clone();
    s2[0] ^= 1;
    c.execute("UPDATE slots SET salt = ?1", [&s2]).unwrap();
    assert!(matches!(
        Vault::open(&path).unwrap().unlock(&pass(PASS)),
        Err(Error::WrongPassphrase { .. })
    ));
    c.execute("UPDATE slots SET salt = ?1", [&salt]).unwrap();
    c.execute("UPDATE slots SET kdf = 'argon2id$v=19$m=19456,t=3,p=1'", [])
        .unwrap();
    assert!(matches!(
        Vault::open(&path).unwrap().unlock(&pass(PASS)),
        Err(Error::WrongPassphrase { .. })
    ));
    // Below the floor or above the ceiling: refused before deriving anything.
    c.execute("UPDATE slots SET kdf = 'argon2id$v=19$m=1024,t=1,p=1'", [])
        .unwrap();
    assert!(is_integrity(
        Vault::open(&path).unwrap().unlock(&pass(PASS))
    ));
    c.execute(
        "UPDATE slots SET kdf = 'argon2id$v=19$m=4294967295,t=64,p=16'",
        [],
    )
    .unwrap();
    assert!(is_integrity(
        Vault::open(&path).unwrap().unlock(&pass(PASS))
    ));
}

#[test]
fn a_flipped_byte_in_any_stored_column_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut v) = new_vault(dir.path());
    set(&mut v, "myapp", "K", "value");
    drop(v);
    for (table, col) in [
        ("secrets", "value"),
        ("secrets", "name"),
        ("secrets", "meta"),
        ("secrets", "idx"),
        ("scopes", "name"),
        ("scopes", "manifest"),
        ("header", "scopes_mac"),
    ] {
        let c = sql(&path);
        let orig: Vec<u8> = c
            .query_row(&format!("SELECT {col} FROM {table}"), [], |r| r.get(0))
            .unwrap();
        if orig.is_empty() {
            // Since schema 5 a record's name carries its metadata and `meta` is empty:
            // filling the empty column is tampering too.
            c.execute(&format!("UPDATE {table} SET {col} = ?1"), [&vec![1u8; 40]])
                .unwrap();
            let mut v = reopen(&path);
            assert!(
                is_integrity(get(&mut v, "myapp", "K")),
                "{table}.{col} filled"
            );
            assert!(
                is_integrity(v.export(&scope("myapp"))),
                "{table}.{col} filled"
            );
        }
        let positions = match orig.len() {
            0 => vec![],
            n => vec![0, n / 2, n - 1],
        };
        for pos in positions {
            let mut bad = orig.clone();
            bad[pos] ^= 0x40;
            c.execute(&format!("UPDATE {table} SET {col} = ?1"), [&bad])
                .unwrap();
            let mut v = reopen(&path);
            let r = get(&mut v, "myapp", "K");
            assert!(
                is_integrity(r),
                "{table}.{col}[{pos}] tampering not detected"
            );
            assert!(is_integrity(v.export(&scope("myapp"))), "{table}.{col}");
        }
        c.execute(&format!("UPDATE {table} SET {col} = ?1"), [&orig])
            .unwrap();
    }
    assert_eq!(get(&mut reopen(&path), "myapp", "K").unwrap(), "value");
}

#[test]
fn a_changed_encryption_counter_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut v) = new_vault(dir.path());
    set(&mut v, "myapp", "K", "value");
    drop(v);
    let c = sql(&path);
    let n: i64 = c
        .query_row("SELECT encryptions FROM header", [], |r| r.get(0))
        .unwrap();
    assert!(n > 0, "a set counts its encryptions");
    // Reset to zero, it would hide how close the key is to its random-nonce limit.
    c.execute("UPDATE header SET encryptions = 0", []).unwrap();
    assert!(is_integrity(get(&mut reopen(&path), "myapp", "K")));
    c.execute("UPDATE header SET encryptions = ?1", [n])
        .unwrap();
    assert_eq!(get(&mut reopen(&path), "myapp", "K").unwrap(), "value");
}

#[test]
fn ciphertext_moved_between_rows_scopes_or_vaults_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut v) = new_vault(dir.path());
    set(&mut v, "a", "ONE", "first");
    set(&mut v, "a", "TWO", "second");
    set(&mut v, "b", "ONE", "other scope");
    drop(v);
    let c = sql(&path);
    let rows: Vec<(i64, Vec<u8>)> = {
        let mut st = c
            .prepare("SELECT id, value FROM secrets ORDER BY id")
            .unwrap();
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    // Row to row in the same scope, then across scopes.
    for (from, to) in [(0, 1), (2, 0)] {
        c.execute(
            "UPDATE secrets SET value = ?1 WHERE id = ?2",
            rusqlite::params![rows[from].1, rows[to].0],
        )
        .unwrap();
        let mut v = reopen(&path);
        assert!(is_integrity(v.export(&scope("a"))));
        c.execute(
            "UPDATE secrets SET value = ?1 WHERE id = ?2",
            rusqlite::params![rows[to].1, rows[to].0],
        )
        .unwrap();
    }
    // Moving a whole row to another scope.
    c.execute(
        "UPDATE secrets SET scope_id = (SELECT max(id) FROM scopes) WHERE id = ?1",
        [rows[0].0],
    )
    .unwrap();
    assert!(is_integrity(reopen(&path).export(&scope("a"))));
    c.execute(
        "UPDATE secrets SET scope_id = (SELECT min(id) FROM scopes) WHERE id = ?1",
        [rows[0].0],
    )
    .unwrap();
    assert_eq!(get(&mut reopen(&path), "a", "ONE").unwrap(), "first");
    // Into another vault with the same passphrase, ids and layout.
    let other_dir = tempfile::tempdir().unwrap();
    let (other, mut w) = new_vault(other_dir.path());
    set(&mut w, "a", "ONE", "mine");
    drop(w);
    sql(&other)
        .execute("UPDATE secrets SET value = ?1", [&rows[0].1])
        .unwrap();
    assert!(is_integrity(get(&mut reopen(&other), "a", "ONE")));
}

#[test]
fn deleted_or_rolled_back_rows_are_detected() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut v) = new_vault(dir.path());
    set(&mut v, "a", "K1", "v1");
    set(&mut v, "a", "K2", "v2");
    drop(v);
    let c = sql(&path);
    let old: (i64, Vec<u8>, Vec<u8>) = c
        .query_row(
            "SELECT id, value, meta FROM secrets ORDER BY id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    set(&mut reopen(&path), "a", "K1", "v1-rotated");
    // Put back the older copy of the row: a stale value must not be returned.
    c.execute(
        "UPDATE secrets SET value = ?1, meta = ?2 WHERE id = ?3",
        rusqlite::params![old.1, old.2, old.0],
    )
    .unwrap();
    let mut v = reopen(&path);
    assert!(is_integrity(get(&mut v, "a", "K1")));
    assert!(is_integrity(v.export(&scope("a"))));
    drop(v);
    // Delete a row: the scope must not come back shortened.
    let dir2 = tempfile::tempdir().unwrap();
    let (p2, mut v2) = new_vault(dir2.path());
    set(&mut v2, "a", "K1", "v1");
    set(&mut v2, "a", "K2", "v2");
    drop(v2);
    sql(&p2)
        .execute(
            "DELETE FROM secrets WHERE id = (SELECT max(id) FROM secrets)",
            [],
        )
        .unwrap();
    let mut v2 = reopen(&p2);
    assert!(is_integrity(v2.export(&scope("a"))));
    assert!(is_integrity(get(&mut v2, "a", "K1")));
    // Delete a whole scope.
    let dir3 = tempfile::tempdir().unwrap();
    let (p3, mut v3) = new_vault(dir3.path());
    set(&mut v3, "a", "K", "1");
    set(&mut v3, "b", "K", "2");
    drop(v3);
    let c3 = sql(&p3);
    c3.execute(
        "DELETE FROM secrets WHERE scope_id = (SELECT max(id) FROM scopes)",
        [],
    )
    .unwrap();
    c3.execute(
        "DELETE FROM scopes WHERE id = (SELECT max(id) FROM scopes)",
        [],
    )
    .unwrap();
    assert!(is_integrity(reopen(&p3).projects()));
    // Looking up the deleted scope itself is an integrity error, not "not found".
    assert!(is_integrity(get(&mut reopen(&p3), "b", "K")));
}

#[test]
fn an_edit_changes_the_nonce() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut v) = new_vault(dir.path());
    set(&mut v, "a", "K", "same-length-1");
    let before: Vec<u8> = sql(&path)
        .query_row("SELECT value FROM secrets", [], |r| r.get(0))
        .unwrap();
    set(&mut v, "a", "K", "same-length-2");
    let after: Vec<u8> = sql(&path)
        .query_row("SELECT value FROM secrets", [], |r| r.get(0))
        .unwrap();
    assert_ne!(before[1..13], after[1..13]);
}

#[test]
fn a_stolen_file_reveals_no_name_or_value() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut v) = new_vault(dir.path());
    let names = ["canaryproject", "canaryenv", "CANARY_KEY_NAME"];
    let values = ["canary-value-4f8a1", "CANARY-SECOND-9d2c"];
    v.import(
        &scope("canaryproject/canaryenv"),
        &[
            (key(names[2]), SecretValue::from(values[0])),
            (key("OTHER_CANARY_KEY"), SecretValue::from(values[1])),
        ],
    )
    .unwrap();
    set(&mut v, "canaryproject", "CANARY_KEY_NAME", values[1]);
    // Keep the connection open so the -wal and -shm files exist while we read them.
    let mut files = vec![path.clone()];
    for suffix in ["-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        files.push(PathBuf::from(p));
    }
    let mut read_any = 0;
    for f in &files {
        let Ok(bytes) = std::fs::read(f) else {
            continue;
        };
        read_any += 1;
        for needle in names
            .iter()
            .chain(values.iter())
            .chain(["OTHER_CANARY_KEY"].iter())
        {
            let found = bytes
                .windows(needle.len())
                .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()));
            assert!(!found, "`{needle}` appears in {}", f.display());
        }
    }
    assert!(read_any >= 2, "the db and its WAL should both exist");
    drop(v);
}
