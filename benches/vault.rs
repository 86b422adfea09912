//! Performance benchmarks of the vault's hot paths (criterion, `harness = false`).
//!
//! Run with `cargo bench --bench vault`; see `benches/README.md`. Every vault lives in a
//! temporary directory and is created with [`KdfParams::FLOOR`] so that setup is quick;
//! only the unlock benchmark pays the default Argon2id cost.
//!
//! - `export/200-keys/10k` and `export/200-keys/100k`: [`Vault::export`] of one 200-key
//!   scope, rendered as dotenv with [`devvault::format::render`], from one already unlocked
//!   vault holding 10,000 (50 x 200) and 100,000 (500 x 200) secrets. Each vault is built
//!   (one import per scope) only when its benchmark is selected, and its build time is
//!   printed. Target: under 2 ms at 100,000 and independent of vault size.
//! - `import/10k-lines`: [`devvault::dotenv::parse`] of a 10,000-line `.env` plus
//!   [`Vault::import`] into a fresh vault, so every iteration adds 10,000 keys.
//!   Target: under 1 s.
//! - `unlock/argon2id-default`: [`derive_kek`] at [`KdfParams::DEFAULT`].
//!
//! Without `--bench` (as under `cargo test --all-targets`, which also passes libtest flags
//! such as `--test-threads` that criterion rejects) the binary runs a small smoke test of the
//! same code paths instead of criterion.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{BatchSize, Criterion, SamplingMode, criterion_group};
use devvault::crypto::{KdfParams, derive_kek};
use devvault::format::{self, ExportFormat, Rendered};
use devvault::model::ImportReport;
use devvault::{KeyName, Scope, SecretValue, Vault};
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// Keys per scope in the export vaults.
const KEYS_PER_SCOPE: usize = 200;
/// Lines of the imported `.env`.
const IMPORT_LINES: usize = 10_000;

include!("common/names.rs");

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

/// A vault of `scopes` scopes of `keys` keys each, built with one import per scope.
fn build_vault(scopes: usize, keys: usize) -> (TempDir, Vault) {
    let dir = TempDir::new().expect("temp dir");
    let start = Instant::now();
    let mut vault = create_vault(dir.path());
    for s in 0..scopes {
        vault
            .import(&scope(s), &entries(keys, s))
            .expect("import scope");
    }
    eprintln!(
        "setup: vault of {} secrets ({scopes} scopes x {keys} keys) built in {:.2?}",
        scopes * keys,
        start.elapsed()
    );
    (dir, vault)
}

/// What `devvault export --format dotenv` does once the vault is unlocked.
fn export_dotenv(vault: &mut Vault, scope: &Scope) -> Rendered {
    let secrets = vault.export(scope).expect("export");
    let refs: Vec<(&KeyName, &SecretValue)> = secrets.iter().map(|(k, v)| (k, v)).collect();
    format::render(ExportFormat::Dotenv, scope, &refs).expect("render")
}

/// What `devvault import` does with a `.env` file's text once the vault is unlocked.
fn import_dotenv(vault: &mut Vault, scope: &Scope, text: &str) -> ImportReport {
    let parsed = devvault::dotenv::parse(text, ".env").expect("parse");
    let batch: Vec<(KeyName, SecretValue)> = parsed.into_iter().map(|e| (e.key, e.value)).collect();
    vault.import(scope, &batch).expect("import")
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

fn bench_export(c: &mut Criterion) {
    let mut group = c.benchmark_group("export");
    for (label, scopes) in [("10k", 50), ("100k", 500)] {
        // Built on first use, so a filtered-out size costs nothing.
        let mut built: Option<(TempDir, Vault)> = None;
        let target = scope(scopes / 2);
        group.bench_function(format!("200-keys/{label}"), |b| {
            let (_, vault) = built.get_or_insert_with(|| build_vault(scopes, KEYS_PER_SCOPE));
            b.iter(|| export_dotenv(vault, black_box(&target)))
        });
    }
    group.finish();
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
                let report = import_dotenv(&mut vault, &target, black_box(&text));
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

/// Runs every benchmarked path once at a small size and checks its result.
fn smoke_test() {
    let (_dir, mut vault) = build_vault(3, KEYS_PER_SCOPE);
    let rendered = export_dotenv(&mut vault, &scope(1));
    assert_eq!(rendered.text.lines().count(), KEYS_PER_SCOPE);
    assert!(rendered.warnings.is_empty());

    let report = import_dotenv(&mut vault, &scope(99), &dotenv_text(500));
    assert_eq!(report.added.len(), 500);
    assert_eq!(vault.export(&scope(99)).expect("export").len(), 500);

    derive_kek(&passphrase(), &[7u8; 32], KdfParams::FLOOR).expect("kdf");
    eprintln!("benches/vault.rs: smoke test passed (run `cargo bench --bench vault` to measure)");
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        smoke_test();
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
