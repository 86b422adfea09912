//! Render snapshots: every screen at 80x24 and at the smallest supported size, 60x15, drawn
//! by the real view into a ratatui `TestBackend` and compared with `insta` snapshots.

use crate::tui::app::{Action, App, Msg, Screen};
use crate::tui::gate::{Unlock, Welcome};
use crate::tui::test_support::{NOW, both_sizes, config, render, typed, unlocked, version};
use crate::{KeyName, SecretValue};
use std::time::Instant;

#[test]
fn welcome() {
    let mut app = App::new(
        config(),
        Screen::Welcome(Welcome::default()),
        Instant::now(),
        NOW,
    );
    typed(&mut app, "correct horse");
    both_sizes!("welcome", &mut app);
}

#[test]
fn unlock_with_a_wrong_passphrase() {
    let mut app = App::new(
        config(),
        Screen::Unlock(Unlock::new(None)),
        Instant::now(),
        NOW,
    );
    typed(&mut app, "not it");
    app.update(Msg::Submit);
    app.update(Msg::UnlockFailed("wrong passphrase; try again".into()));
    typed(&mut app, "agai");
    both_sizes!("unlock", &mut app);
}

#[test]
fn main_screen_with_a_revealed_value_and_a_copy() {
    let mut app = unlocked();
    app.update(Msg::Act(Action::SwitchPane));
    app.update(Msg::Act(Action::Bottom));
    app.update(Msg::Act(Action::Up));
    app.update(Msg::Act(Action::SwitchPane));
    app.update(Msg::Act(Action::Down));
    app.update(Msg::Act(Action::Down));
    let (scope, key) = app.selected().unwrap();
    app.update(Msg::Revealed(
        scope,
        key,
        SecretValue::from("postgres://shop:pw@db/shop"),
    ));
    app.update(Msg::Copied(KeyName::new("DATABASE_URL").unwrap()));
    app.status = None;
    both_sizes!("main", &mut app);
}

#[test]
fn filter_across_projects() {
    let mut app = unlocked();
    app.update(Msg::Act(Action::Filter));
    typed(&mut app, "stripe");
    both_sizes!("filter", &mut app);
}

#[test]
fn help_overlay() {
    let mut app = unlocked();
    app.update(Msg::Act(Action::Help));
    both_sizes!("help", &mut app);
}

#[test]
fn dialogs() {
    let mut app = unlocked();
    app.update(Msg::Act(Action::Delete));
    both_sizes!("confirm_delete", &mut app);
    app.update(Msg::Cancel);
    app.update(Msg::Act(Action::Add));
    typed(&mut app, "NEW_KEY");
    app.update(Msg::NextField(1));
    typed(&mut app, "value");
    both_sizes!("add", &mut app);
    app.update(Msg::Cancel);
    app.update(Msg::Act(Action::Rotate));
    both_sizes!("rotate", &mut app);
    app.update(Msg::Cancel);
    app.update(Msg::Act(Action::Export));
    both_sizes!("export", &mut app);
}

#[test]
fn history_and_audit_views() {
    use crate::audit::{AuditEvent, EventKind};
    let mut app = unlocked();
    let (scope, key) = app.selected().unwrap();
    let versions = vec![version(1, false), version(2, false), version(3, true)];
    app.update(Msg::HistoryLoaded(scope, key, versions));
    app.update(Msg::Act(Action::Down));
    app.update(Msg::VersionRevealed(
        2,
        SecretValue::from("ghp_old_value_2"),
    ));
    both_sizes!("history", &mut app);
    app.update(Msg::Act(Action::Up)); // hides the old value: the provider's URL shows instead
    app.catalog.secrets[0].meta.url = Some("https://github.com/settings/tokens".into());
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("revoke old values at https://github.com/settings/tokens"),
        "{screen}"
    );
    app.update(Msg::Cancel);
    let events = [
        EventKind::Set,
        EventKind::Copy,
        EventKind::Export,
        EventKind::UnlockFailed,
    ]
    .into_iter()
    .enumerate()
    .map(|(i, kind)| AuditEvent {
        seq: i as u64 + 1,
        at: NOW - 3600 + i as i64 * 60,
        kind,
        scope: (kind != EventKind::UnlockFailed).then(|| "shop/prod".to_string()),
        key: (kind == EventKind::Copy).then(|| "DATABASE_URL".to_string()),
        detail: (kind == EventKind::UnlockFailed).then(|| "1 attempt".to_string()),
        unverified: kind == EventKind::UnlockFailed,
    })
    .collect();
    app.update(Msg::AuditLoaded(events));
    both_sizes!("audit", &mut app);
}

#[test]
fn empty_vault() {
    let mut app = App::new(config(), Screen::Main, Instant::now(), NOW);
    app.update(Msg::Loaded(vec![]));
    both_sizes!("empty", &mut app);
}

/// The README's screenshot is the real view: this test fails when `assets/screenshot.svg`
/// no longer matches it. Regenerate with
/// `DEVVAULT_UPDATE_ASSETS=1 cargo test --bin devvault screenshot`.
#[test]
fn screenshot() {
    use ratatui::widgets::Widget;
    let mut app = unlocked();
    app.cfg.color = true;
    app.update(Msg::Resize(100, 26));
    for a in [
        Action::SwitchPane,
        Action::Bottom,
        Action::Up,
        Action::SwitchPane,
    ] {
        app.update(Msg::Act(a));
    }
    app.update(Msg::Act(Action::Down));
    app.update(Msg::Act(Action::Down));
    app.update(Msg::Copied(KeyName::new("STRIPE_SECRET_KEY").unwrap()));
    app.status = None;
    let area = ratatui::layout::Rect::new(0, 0, 100, 26);
    let mut buf = ratatui::buffer::Buffer::empty(area);
    (&app).render(area, &mut buf);
    let svg = crate::tui::svg::render(&buf);
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/screenshot.svg");
    if std::env::var_os("DEVVAULT_UPDATE_ASSETS").is_some() {
        std::fs::write(path, &svg).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == svg,
        "assets/screenshot.svg is out of date; regenerate it with \
         `DEVVAULT_UPDATE_ASSETS=1 cargo test --bin devvault screenshot`"
    );
}

/// Below the supported size nothing panics: every screen draws into what there is.
#[test]
fn tiny_terminals_do_not_panic() {
    for (w, h) in [(1, 1), (10, 3), (20, 5), (40, 10), (59, 14)] {
        let mut app = unlocked();
        app.update(Msg::Resize(w, h));
        render(&app, w, h);
        for a in [
            Action::Help,
            Action::Delete,
            Action::Add,
            Action::Rotate,
            Action::Export,
        ] {
            app.update(Msg::Act(a));
            render(&app, w, h);
            app.update(Msg::Cancel);
        }
        let (scope, key) = app.selected().unwrap();
        app.update(Msg::HistoryLoaded(scope, key, vec![version(1, true)]));
        render(&app, w, h);
        app.update(Msg::Cancel);
        app.update(Msg::Act(Action::Filter));
        typed(&mut app, "zz");
        render(&app, w, h);
        let welcome = App::new(
            config(),
            Screen::Welcome(Welcome::default()),
            Instant::now(),
            NOW,
        );
        render(&welcome, w, h);
        let unlock = App::new(
            config(),
            Screen::Unlock(Unlock::new(Some("locked".into()))),
            Instant::now(),
            NOW,
        );
        render(&unlock, w, h);
    }
}
