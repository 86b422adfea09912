//! `Vault::rekey` at scale: a vault of `REKEY_SECRETS` secrets (default 100,000: 500 scopes
//! of 200 keys, one import transaction per scope) in a temporary directory, then one
//! re-key of it (a new vault key; every name, record, manifest and audit entry re-sealed in
//! one transaction) timed once, and the vault checked afterwards. Target: under 30 s for
//! 100,000 secrets. `harness = false`; without `--bench` (as `cargo test --all-targets`
//! runs it) it re-keys 2,000 secrets as a smoke test. See `benches/README.md`.

#![allow(
    clippy::expect_used,
    reason = "a benchmark: any failure is a bug to stop at"
)]

use devvault::audit::EventKind;
use devvault::crypto::KdfParams;
use devvault::{KeyName, Passphrase, Scope, SecretValue, Vault};
use std::time::Instant;

const KEYS: usize = 200;

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let secrets: usize = match std::env::var("REKEY_SECRETS") {
        Ok(s) => s
            .parse()
            .unwrap_or_else(|_| panic!("REKEY_SECRETS={s:?} is not a count")),
        Err(_) if bench => 100_000,
        Err(_) => 2_000,
    };
    let dir = tempfile::tempdir().expect("a temporary directory");
    let pass = Passphrase::new("rekey benchmark passphrase".into());
    let path = dir.path().join("vault.db");
    let mut vault = Vault::create(&path, &pass, KdfParams::FLOOR).expect("a new vault");
    let start = Instant::now();
    for s in 0..secrets.div_ceil(KEYS) {
        let scope = Scope::parse(&format!("service-{s:04}/prod")).expect("valid scope");
        let n = KEYS.min(secrets - s * KEYS);
        let entries: Vec<(KeyName, SecretValue)> = (0..n)
            .map(|i| {
                let key = KeyName::new(&format!("SERVICE_{i}_API_KEY")).expect("valid key");
                (
                    key,
                    SecretValue::from(format!("value-{s}-{i}-0123456789abcdefghij")),
                )
            })
            .collect();
        vault.import(&scope, &entries).expect("import");
    }
    eprintln!(
        "setup: {secrets} secrets in {:.1} s, {} MB",
        start.elapsed().as_secs_f64(),
        std::fs::metadata(&path).map_or(0, |m| m.len()) / 1_000_000
    );
    let (start, cpu) = (Instant::now(), cpu_seconds());
    let done = vault
        .rekey(&pass, KdfParams::FLOOR, EventKind::Rekey)
        .expect("rekey");
    let took = start.elapsed();
    println!(
        "rekey/{secrets}: {:.2} s ({:.2} s of CPU; {} records re-sealed; target < 30 s at 100,000)",
        took.as_secs_f64(),
        cpu_seconds() - cpu,
        done.records
    );
    drop(vault);
    let mut vault = Vault::open(&path)
        .expect("open")
        .unlock(&pass)
        .expect("the re-keyed vault unlocks");
    let scope = Scope::parse("service-0000/prod").expect("valid scope");
    let key = KeyName::new("SERVICE_1_API_KEY").expect("valid key");
    let value = vault.get(&scope, &key).expect("a value after rekey");
    assert_eq!(value.expose_secret(), "value-0-1-0123456789abcdefghij");
    vault.audit_verify().expect("the audit chain after rekey");
}

/// This process's user + system CPU time so far (Linux `/proc/self/stat`, 100 ticks/s), so a
/// loaded machine's waiting is told apart from the work; 0 elsewhere.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(") ").next().unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let tick = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (tick(11) + tick(12)) / 100.0
}
