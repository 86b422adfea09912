//! Tampering with the audit log directly in SQLite, and running `devvault audit verify` on
//! a vault made with the `Vault` API (passphrase [`super::PASS`]).

use assert_cmd::Command;
use rusqlite::Connection;
use std::path::Path;

/// The sequence numbers of the stored entries, in order.
pub fn seqs(c: &Connection) -> Vec<i64> {
    let mut st = c.prepare("SELECT seq FROM audit ORDER BY seq").unwrap();
    st.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Deletes entry `seq`.
pub fn delete(c: &Connection, seq: i64) {
    assert_eq!(
        c.execute("DELETE FROM audit WHERE seq = ?1", [seq])
            .unwrap(),
        1
    );
}

/// Flips one bit of entry `seq`'s sealed body.
pub fn edit_body(c: &Connection, seq: i64) {
    let mut body: Vec<u8> = c
        .query_row("SELECT body FROM audit WHERE seq = ?1", [seq], |r| r.get(0))
        .unwrap();
    let mid = body.len() / 2;
    body[mid] ^= 1;
    c.execute(
        "UPDATE audit SET body = ?1 WHERE seq = ?2",
        rusqlite::params![body, seq],
    )
    .unwrap();
}

/// Swaps entries `a` and `b` (bodies and tags move; sequence numbers stay).
pub fn swap(c: &Connection, a: i64, b: i64) {
    c.execute_batch(&format!(
        "UPDATE audit SET seq = -1 WHERE seq = {a};
         UPDATE audit SET seq = {a} WHERE seq = {b};
         UPDATE audit SET seq = {b} WHERE seq = -1;"
    ))
    .unwrap();
}

/// Deletes the last `n` entries.
pub fn truncate(c: &Connection, n: i64) {
    let last = *seqs(c).last().unwrap();
    c.execute("DELETE FROM audit WHERE seq > ?1", [last - n])
        .unwrap();
}

/// `devvault audit verify` on `vault`: asserts exit 5 and that stderr names entry `#first`.
pub fn assert_verify_names(vault: &Path, first: i64) {
    let out = verify(vault).assert().code(5);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        err.contains(&format!("audit entry #{first} ")),
        "expected entry #{first} to be named: {err}"
    );
}

/// The `devvault audit verify` command for `vault`.
pub fn verify(vault: &Path) -> Command {
    let mut c = Command::cargo_bin("devvault").unwrap();
    c.args(["audit", "verify"])
        .env("DEVVAULT_VAULT", vault)
        .env("DEVVAULT_PASSPHRASE", super::PASS)
        .env_remove("DEVVAULT_PASSPHRASE_FILE")
        .env_remove("DEVVAULT_PASSPHRASE_COMMAND");
    c
}
