//! Performance benchmarks of the vault's hot paths (criterion, `harness = false`).
//!
//! Run with `cargo bench --bench vault`; see `benches/README.md`. Every vault lives in a
//! temporary directory and is created with [`KdfParams::FLOOR`] so that setup is quick;
//! only the unlock benchmark pays the default Argon2id cost.
//!
//! - `export/200-keys/10k` and `export/200-keys/100k`: [`Vault::export`] of one 200-key
//!   scope from one already unlocked vault holding 10,000 (50 x 200) and 100,000
//!   (500 x 200) secrets. Target: under 2 ms at 100,000 and independent of vault size.
//! - `import/10k-lines`: [`devvault::dotenv::parse`] of a 10,000-line `.env` plus
//!   [`Vault::import`] into a fresh vault, so every iteration adds 10,000 keys.
//!   Target: under 1 s.
//! - `unlock/argon2id-default`: [`derive_kek`] at [`KdfParams::DEFAULT`].

use criterion::{BatchSize, Criterion, SamplingMode, criterion_group, criterion_main};
use devvault::crypto::{KdfParams, derive_kek};
use devvault::{KeyName, Passphrase, Scope, SecretValue, Vault};
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// Keys per scope in the export vaults.
const KEYS_PER_SCOPE: usize = 200;
/// Lines of the imported `.env`.
const IMPORT_LINES: usize = 10_000;

const KEY_SUFFIXES: [&str; 8] = [
    "API_KEY",
    "SECRET",
    "TOKEN",
    "DATABASE_URL",
    "PASSWORD",
    "CLIENT_ID",
    "WEBHOOK_SECRET",
    "PRIVATE_KEY",
];

fn passphrase() -> Passphrase {
    Passphrase::new("correct horse battery staple".into())
}

/// A realistic key name such as `SERVICE_123_API_KEY`; distinct for distinct `i`.
fn key_name(i: usize) -> String {
    format!("SERVICE_{}_{}", i / KEY_SUFFIXES.len(), KEY_SUFFIXES[i % KEY_SUFFIXES.len()])
}

/// A deterministic pseudo-random value of 20-60 URL-safe bytes.
fn value(seed: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut x = (seed as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let len = 20 + (seed * 37) % 41;
    (0..len)
        .map(|_| {
            // xorshift64
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            ALPHABET[(x % 64) as usize] as char
        })
        .collect()
}

/// `n` entries with realistic names and values; `salt` varies the values.
fn entries(n: usize, salt: usize) -> Vec<(KeyName, SecretValue)> {
    (0..n)
        .map(|i| {
            let key = KeyName::new(&key_name(i)).expect("generated key names are valid");
            (key, SecretValue::new(value(salt * 1_000_003 + i)))
        })
        .collect()
}

fn scope(i: usize) -> Scope {
    Scope::parse(&format!("service-{i}/prod")).expect("generated scopes are valid")
}

fn create_vault(dir: &Path) -> Vault {
    Vault::create(&dir.join("vault.db"), &passphrase(), KdfParams::FLOOR).expect("create vault")
}

/// A vault of `scopes` scopes of [`KEYS_PER_SCOPE`] keys, built with one import per scope.
fn build_vault(scopes: usize) -> (TempDir, Vault) {
    let dir = TempDir::new().expect("temp dir");
    let start = Instant::now();
    let mut vault = create_vault(dir.path());
    for s in 0..scopes {
        vault
            .import(&scope(s), &entries(KEYS_PER_SCOPE, s))
            .expect("import scope");
    }
    eprintln!(
        "setup: {} secrets ({scopes} scopes x {KEYS_PER_SCOPE} keys) in {:.2?}",
        scopes * KEYS_PER_SCOPE,
        start.elapsed()
    );
    (dir, vault)
}

fn bench_export(c: &mut Criterion) {
    let mut group = c.benchmark_group("export");
    for (label, scopes) in [("10k", 50), ("100k", 500)] {
        let (_dir, mut vault) = build_vault(scopes);
        let target = scope(scopes / 2);
        group.bench_function(format!("200-keys/{label}"), |b| {
            b.iter(|| {
                let out = vault.export(black_box(&target)).expect("export");
                assert_eq!(out.len(), KEYS_PER_SCOPE);
                out
            })
        });
    }
    group.finish();
}

/// A `.env` file of `n` lines, one binding each.
fn dotenv_text(n: usize) -> String {
    let mut text = String::with_capacity(n * 64);
    for i in 0..n {
        text.push_str(&key_name(i));
        text.push('=');
        text.push_str(&value(i));
        text.push('\n');
    }
    text
}

fn bench_import(c: &mut Criterion) {
    let text = dotenv_text(IMPORT_LINES);
    let target = scope(0);
    let mut group = c.benchmark_group("import");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("10k-lines", |b| {
        b.iter_batched(
            || {
                let dir = TempDir::new().expect("temp dir");
                let vault = create_vault(dir.path());
                (dir, vault)
            },
            |(dir, mut vault)| {
                let parsed = devvault::dotenv::parse(black_box(&text), ".env").expect("parse");
                let batch: Vec<(KeyName, SecretValue)> =
                    parsed.into_iter().map(|e| (e.key, e.value)).collect();
                let report = vault.import(&target, &batch).expect("import");
                assert_eq!(report.added.len(), IMPORT_LINES);
                (dir, vault, report)
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

fn bench_unlock(c: &mut Criterion) {
    let pass = passphrase();
    let salt = [7u8; 32];
    let mut group = c.benchmark_group("unlock");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("argon2id-default", |b| {
        b.iter(|| derive_kek(black_box(&pass), black_box(&salt), KdfParams::DEFAULT).expect("kdf"))
    });
    group.finish();
}

criterion_group!(benches, bench_export, bench_import, bench_unlock);
criterion_main!(benches);
