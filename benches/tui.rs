//! Benchmarks of the terminal UI's per-frame and per-keystroke work (criterion,
//! `harness = false`), through the library's `devvault::tui` (model, view, filter); the
//! driver and the runner are not needed.
//!
//! - `frame/61-of-100` and `frame/10k-of-100k`: drawing the whole main screen (120x40)
//!   into a buffer when the vault holds 100 secrets (the selected scope 61 of them), and when
//!   the vault holds 100,000 and the selected scope 10,000; both fill both panes. Target: the same cost (the table
//!   is virtualised), well under a millisecond.
//! - `filter/first-key-100k`: the first character typed in `/` over 100,000 secrets (a full
//!   scan, time-boxed: what is left runs in the next idle moments), and
//!   `filter/next-key-100k`: one more character (rescans the previous hits only, to the end).
//!   Target: under one frame (16 ms) each.
//!
//! Without `--bench` (as under `cargo test --all-targets`) a smoke test runs instead.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code, unused_imports)]

use devvault::tui::{app, catalog, filter, input, test_support, ui};

use app::{Action, App, Config, Msg, Screen};
use criterion::Criterion;
use devvault::{KeyName, Scope, SecretMeta};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;
use std::hint::black_box;
use std::time::{Duration, Instant};

include!("common/names.rs");

/// `scopes` scopes of `per_scope` keys; the first scope (`aaa/big`) gets `first` keys.
fn listing(scopes: usize, per_scope: usize, first: usize) -> Vec<(Scope, Vec<SecretMeta>)> {
    let metas = |n: usize| -> Vec<SecretMeta> {
        (0..n)
            .map(|i| SecretMeta {
                key: KeyName::new(&key_name(i)).unwrap(),
                created: 1_700_000_000,
                updated: 1_700_000_000 + i as i64,
                version: 1 + (i % 5) as u32,
                rotated_at: None,
                url: None,
                max_age: 90 * 86_400,
                overdue_days: (i % 7 == 0).then_some(3),
                empty: false,
                inherited_from: None,
            })
            .collect()
    };
    let mut out = vec![(Scope::parse("aaa/big").unwrap(), metas(first))];
    for s in 1..scopes {
        let scope = Scope::parse(&format!("project-{:04}/env{}", s / 3, s % 3)).unwrap();
        out.push((scope, metas(per_scope)));
    }
    out
}

fn app_with(listing: Vec<(Scope, Vec<SecretMeta>)>) -> App {
    let cfg = Config {
        color: true,
        ..test_support::config()
    };
    let mut app = App::new(cfg, Screen::Main, Instant::now(), 1_800_000_000);
    app.update(Msg::Resize(120, 40));
    app.update(Msg::Loaded(listing));
    // Somewhere in the middle of the list, as after scrolling.
    for _ in 0..50 {
        app.update(Msg::Act(Action::PageDown));
    }
    app
}

/// 100 secrets (a scope of 61 plus 39 of one, so both panes are full as in the large
/// case) and 100,000 (a scope of 10,000 plus 900 of 100).
fn small() -> App {
    app_with(listing(40, 1, 61))
}

fn large() -> App {
    app_with(listing(901, 100, 10_000))
}

fn frame(app: &App) -> Buffer {
    let area = Rect::new(0, 0, 120, 40);
    let mut buf = Buffer::empty(area);
    app.render(area, &mut buf);
    buf
}

fn type_query(app: &mut App, query: &str) {
    app.update(Msg::Act(Action::Filter));
    for c in query.chars() {
        app.update(Msg::Input(input::Edit::Char(c)));
        settle(app);
    }
}

/// Runs the filter's scan to the end (the driver does it in idle moments between frames).
fn settle(app: &mut App) {
    while !app.finder.done() {
        app.update(Msg::Idle);
    }
}

fn benches(c: &mut Criterion) {
    let small = small();
    let large = large();
    assert_eq!(large.catalog.secrets.len(), 100_000);
    assert_eq!(large.view_len(), 10_000);
    let mut g = c.benchmark_group("frame");
    g.bench_function("61-of-100", |b| b.iter(|| black_box(frame(&small))));
    g.bench_function("10k-of-100k", |b| b.iter(|| black_box(frame(&large))));
    g.finish();

    let mut g = c.benchmark_group("filter");
    let mut app = large;
    type_query(&mut app, "s"); // builds the haystacks once, as the first `/` does
    app.update(Msg::Cancel);
    g.bench_function("first-key-100k", |b| {
        b.iter(|| {
            app.update(Msg::Act(Action::Filter));
            app.update(Msg::Input(input::Edit::Char('w')));
            let n = app.view_len();
            app.update(Msg::Cancel);
            black_box(n)
        })
    });
    type_query(&mut app, "webhk");
    g.bench_function("next-key-100k", |b| {
        // Only the narrowing keystroke is timed; the Backspace before it rescans everything.
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                app.update(Msg::Input(input::Edit::Backspace));
                settle(&mut app);
                let start = Instant::now();
                app.update(Msg::Input(input::Edit::Char('k')));
                settle(&mut app);
                total += start.elapsed();
                black_box(app.view_len());
            }
            total
        })
    });
    g.finish();
}

fn smoke_test() {
    let mut app = large();
    let screen = frame(&app);
    let text: String = screen.content().iter().map(|c| c.symbol()).collect();
    assert!(
        text.contains("aaa/big · 10000 keys"),
        "the big scope is shown"
    );
    let webhooks = app
        .catalog
        .secrets
        .iter()
        .filter(|s| s.meta.key.as_str().ends_with("WEBHOOK_SECRET"))
        .count();
    type_query(&mut app, "webhk");
    assert_eq!(
        app.view_len(),
        webhooks,
        "every WEBHOOK_SECRET matches, nothing else"
    );
    eprintln!("benches/tui.rs: smoke test passed (run `cargo bench --bench tui` to measure)");
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        smoke_test();
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    benches(&mut c);
    c.final_summary();
}
