//! Scale benchmarks: vaults of 10^4, 10^5 and 10^6 secrets (200-key scopes), built through
//! the library (one import transaction per scope) and kept in `$CARGO_TARGET_DIR/scale-vaults`
//! between runs (delete it after a format change). `harness = false`; see `benches/README.md`.
//!
//! Printed once per size: build time, file size and bytes per secret beyond the plaintext
//! (key name + value), and the one-shot time of listing every scope's keys (what the TUI did
//! before its first frame until it loaded the other scopes in the background).
//! Measured with criterion, per size:
//! - `export/N`: `Vault::export` of one 200-key scope + dotenv rendering (target: flat in N).
//! - `tui-first-frame/N`: the TUI's first listing (scope names + the first scope's keys),
//!   the catalog, and one 120x40 frame (target: under 150 ms at 10^6; unlock not included).
//! - `filter-key/N`: the first `/` keystroke (its first time-boxed scan step: what blocks
//!   the terminal; target: under a 16 ms frame), and `filter-scan/N`: the same keystroke
//!   with every step of its scan to the last (spread over the next frames in the TUI).
//! - `filter-next/N` and `filter-next-scan/N`: the same for a fourth character (`webh`),
//!   which rescans only the hits of the first three.
//!
//! `SCALE_SIZES=10000,100000` picks sizes. Without `--bench` a smoke test runs instead.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code, unused_imports)]

use devvault::tui::runner::load as loader;
use devvault::tui::{app, catalog, filter, input, test_support, ui};

use app::{Action, App, Config, Msg, Screen};
use criterion::{Criterion, SamplingMode};
use devvault::crypto::KdfParams;
use devvault::format::{self, ExportFormat};
use devvault::{KeyName, Passphrase, Scope, SecretValue, Vault};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const KEYS: usize = 200;
const ENVS: [&str; 3] = ["dev", "staging", "prod"];
include!("common/names.rs");

fn scope(s: usize) -> Scope {
    Scope::parse(&format!("service-{:04}/{}", s / 3, ENVS[s % 3])).expect("valid scope")
}

/// A deterministic value of 20-60 URL-safe bytes.
fn value(seed: usize) -> String {
    const ABC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut x = (seed as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..20 + (seed * 37) % 41)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            ABC[(x % 64) as usize] as char
        })
        .collect()
}

fn entries(s: usize) -> Vec<(KeyName, SecretValue)> {
    (0..KEYS)
        .map(|i| {
            let k = KeyName::new(&key_name(i)).expect("valid key");
            (k, SecretValue::new(value(s * KEYS + i)))
        })
        .collect()
}

/// Mean plaintext bytes (key name + value) per secret of a vault of `n`.
fn plaintext_per_secret(n: usize) -> f64 {
    let total: usize = (0..n)
        .map(|i| key_name(i % KEYS).len() + value(i).len())
        .sum();
    total as f64 / n as f64
}

fn dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("target"),
        PathBuf::from,
    );
    target.join("scale-vaults")
}

/// The vault of `n` secrets, built on first use, unlocked.
fn vault(dir: &Path, n: usize) -> Vault {
    let path = dir.join(format!("{n}.db"));
    if path.exists() {
        return Vault::open(&path)
            .and_then(|v| v.unlock(&passphrase()))
            .expect("unlock scale vault");
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .create(dir)
        .expect("scale dir");
    std::fs::set_permissions(dir, std::os::unix::fs::PermissionsExt::from_mode(0o700))
        .expect("chmod");
    let start = Instant::now();
    let mut v = Vault::create(&path, &passphrase(), KdfParams::FLOOR).expect("create");
    for s in 0..n / KEYS {
        v.import(&scope(s), &entries(s)).expect("import");
    }
    eprintln!("built {n} secrets in {:.1?}", start.elapsed());
    v
}

fn report(dir: &Path, n: usize, vault: &mut Vault) {
    let path = dir.join(format!("{n}.db"));
    let (size, audit) = sizes_of(&path);
    let per = (size - audit) as f64 / n as f64;
    let plain = plaintext_per_secret(n);
    let start = Instant::now();
    let listing = all(vault);
    let app = app_with(listing, Vec::new());
    black_box(frame(&app));
    eprintln!(
        "{n} secrets: {:.1} MB ({:.1} MB of it the audit log of earlier runs' exports), \
         {per:.0} B/secret without it, {:.0} B beyond {plain:.0} B of plaintext; \
         listing every scope's keys + frame: {:.0?}",
        size as f64 / 1e6,
        audit as f64 / 1e6,
        per - plain,
        start.elapsed()
    );
}

/// The database's size (pages in use, WAL included) and the part of it the audit log
/// takes (every benchmarked export appends an entry), from SQLite's `dbstat`.
fn sizes_of(path: &Path) -> (u64, u64) {
    let c = rusqlite::Connection::open(path).expect("open for dbstat");
    let q = |sql: &str| c.query_row(sql, [], |r| r.get::<_, Option<i64>>(0));
    let size = q("SELECT page_count * page_size FROM pragma_page_count, pragma_page_size");
    let audit = q("SELECT SUM(pgsize) FROM dbstat WHERE name = 'audit'");
    let (size, audit) = (size.ok().flatten(), audit.ok().flatten());
    (size.unwrap_or(0) as u64, audit.unwrap_or(0) as u64)
}

fn all(vault: &mut Vault) -> loader::Listing {
    let scopes = vault.scopes().expect("scopes");
    loader::batch(vault, &scopes).expect("list")
}

fn app_with(listing: loader::Listing, pending: Vec<Scope>) -> App {
    let cfg = Config {
        color: true,
        ..test_support::config()
    };
    let mut app = App::new(cfg, Screen::Main, Instant::now(), 1_800_000_000);
    app.update(Msg::Resize(120, 40));
    app.update(Msg::Listed(listing, pending));
    app
}

fn frame(app: &App) -> Buffer {
    let area = Rect::new(0, 0, 120, 40);
    let mut buf = Buffer::empty(area);
    app.render(area, &mut buf);
    buf
}

/// What the TUI does after unlocking, to its first frame.
fn first_frame(vault: &mut Vault) -> Buffer {
    let (listed, pending) = loader::first(vault).expect("first listing");
    frame(&app_with(listed, pending))
}

fn type_char(app: &mut App, c: char) {
    app.update(Msg::Input(input::Edit::Char(c)));
}

fn settle(app: &mut App) {
    while !app.finder.done() {
        app.update(Msg::Idle);
    }
}

/// Types `query` into a fresh filter and times its last keystroke: alone (what blocks the
/// terminal: one time-boxed step), or `settled`, with every step of its scan to the end (what
/// the TUI spreads over the next frames).
fn keystroke(app: &mut App, query: &str, settled: bool, iters: u64) -> Duration {
    let mut total = Duration::ZERO;
    let (head, last) = query.split_at(query.len() - 1);
    for _ in 0..iters {
        app.update(Msg::Cancel);
        app.update(Msg::Act(Action::Filter));
        for ch in head.chars() {
            type_char(app, ch);
            settle(app);
        }
        let start = Instant::now();
        type_char(app, last.chars().next().unwrap_or('w'));
        if settled {
            settle(app);
        }
        total += start.elapsed();
        black_box(app.view_len());
    }
    total
}

fn sizes() -> Vec<usize> {
    std::env::var("SCALE_SIZES")
        .unwrap_or_else(|_| "10000,100000,1000000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect()
}

fn bench_size(c: &mut Criterion, dir: &Path, n: usize) {
    let mut v = vault(dir, n);
    report(dir, n, &mut v);
    let mut g = c.benchmark_group("scale");
    g.sample_size(20).sampling_mode(SamplingMode::Flat);
    let target = scope(n / KEYS / 2);
    g.bench_function(format!("export/{n}"), |b| {
        b.iter(|| {
            let out = v.export(black_box(&target)).expect("export");
            let refs: Vec<_> = out.iter().map(|(k, v)| (k, v)).collect();
            format::render(ExportFormat::Dotenv, &target, &refs).expect("render")
        })
    });
    g.bench_function(format!("tui-first-frame/{n}"), |b| {
        b.iter(|| first_frame(&mut v))
    });
    let mut app = app_with(all(&mut v), Vec::new());
    app.update(Msg::Act(Action::Filter));
    type_char(&mut app, 'w');
    settle(&mut app); // builds the haystacks once, as the first `/` does
    app.update(Msg::Cancel);
    g.bench_function(format!("filter-key/{n}"), |b| {
        b.iter_custom(|iters| keystroke(&mut app, "w", false, iters))
    });
    g.bench_function(format!("filter-scan/{n}"), |b| {
        b.iter_custom(|iters| keystroke(&mut app, "w", true, iters))
    });
    g.bench_function(format!("filter-next/{n}"), |b| {
        b.iter_custom(|iters| keystroke(&mut app, "webh", false, iters))
    });
    g.bench_function(format!("filter-next-scan/{n}"), |b| {
        b.iter_custom(|iters| keystroke(&mut app, "webh", true, iters))
    });
    g.finish();
}

fn smoke_test() {
    let tmp = tempfile::TempDir::new().expect("temp dir");
    let mut v = vault(tmp.path(), 3 * KEYS);
    let (size, audit) = sizes_of(&tmp.path().join(format!("{}.db", 3 * KEYS)));
    assert!(
        size > audit && audit > 0,
        "dbstat sees the imports' audit entries"
    );
    let screen = first_frame(&mut v);
    let text: String = screen.content().iter().map(|c| c.symbol()).collect();
    assert!(text.contains("dev (200)"), "the first scope is listed");
    assert!(text.contains("prod (…)"), "the others are pending");
    let (listed, pending) = loader::first(&mut v).expect("first");
    let mut app = app_with(listed, pending);
    while app.busy() {
        for fx in app.update(Msg::Idle) {
            let app::Effect::LoadScopes(scopes) = fx else {
                panic!("only loads")
            };
            let batch = loader::batch(&mut v, &scopes).expect("batch");
            app.update(Msg::ScopesLoaded(batch));
        }
    }
    assert_eq!(app.catalog.secrets.len(), 3 * KEYS);
    app.update(Msg::Act(Action::Filter));
    "webhk".chars().for_each(|c| type_char(&mut app, c));
    settle(&mut app);
    assert_eq!(app.view_len(), 3 * KEYS / 8, "every WEBHOOK_SECRET");
    eprintln!("benches/scale.rs: smoke test passed (run `cargo bench --bench scale` to measure)");
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        smoke_test();
        return;
    }
    let dir = dir();
    let mut c = Criterion::default().configure_from_args();
    for n in sizes() {
        bench_size(&mut c, &dir, n);
    }
    c.final_summary();
}
