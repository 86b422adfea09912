//! Fixtures for the TUI's tests: an app over a small sample vault at a fixed time, and a
//! helper to render it into a ratatui `TestBackend`.
#![expect(
    clippy::unwrap_used,
    reason = "fixtures: fixed names that always parse"
)]

use super::app::{App, Config, Effect, Msg, Screen};
use super::input::Edit;
use crate::{KeyName, Scope, SecretMeta};
use std::time::{Duration, Instant};

/// The Unix time every fixture is seen at.
pub const NOW: i64 = 1_800_000_000;

/// Settings as a user gets them by default, with a fixed vault path.
pub fn config() -> Config {
    Config {
        vault_path: "~/.local/share/devvault/vault.db".into(),
        env_file: None,
        import_scope: None,
        open_scope: None,
        lock_after: Duration::from_secs(300),
        clear_after: Duration::from_secs(30),
        reveal_for: Duration::from_secs(30),
        color: false,
    }
}

fn meta(key: &str, days_old: i64, version: u32) -> SecretMeta {
    SecretMeta {
        key: KeyName::new(key).unwrap(),
        created: NOW - days_old * 86_400 - 3600,
        updated: NOW - days_old * 86_400,
        version,
        rotated_at: (version > 1).then_some(NOW - days_old * 86_400),
        url: None,
        max_age: 90 * 86_400,
        overdue_days: (days_old > 90).then(|| days_old as u64 - 90),
        empty: false,
        inherited_from: None,
    }
}

/// What a small team's vault lists: three projects, five environments.
pub fn listing() -> Vec<(Scope, Vec<SecretMeta>)> {
    let scope = |s: &str| Scope::parse(s).unwrap();
    vec![
        (
            scope("shop/prod"),
            vec![
                meta("STRIPE_SECRET_KEY", 41, 3),
                meta("DATABASE_URL", 120, 1),
                meta("SENDGRID_API_KEY", 2, 2),
                meta("SESSION_SECRET", 0, 5),
                meta("AWS_ACCESS_KEY_ID", 95, 1),
                meta("AWS_SECRET_ACCESS_KEY", 95, 1),
            ],
        ),
        (
            scope("shop/dev"),
            vec![meta("DATABASE_URL", 3, 1), meta("STRIPE_SECRET_KEY", 10, 1)],
        ),
        (scope("shop/staging"), vec![meta("DATABASE_URL", 30, 2)]),
        (
            scope("blog/prod"),
            vec![meta("SMTP_PASSWORD", 200, 1), meta("GITHUB_TOKEN", 7, 4)],
        ),
        (scope("infra/ci"), vec![meta("DEPLOY_KEY", 60, 2)]),
    ]
}

/// An unlocked app showing [`listing`], 80x24, at [`NOW`].
pub fn unlocked() -> App {
    let mut app = App::new(config(), Screen::Main, Instant::now(), NOW);
    app.update(Msg::Resize(80, 24));
    app.update(Msg::Loaded(listing()));
    app
}

/// The screen as text, at `w` x `h`.
pub fn render(app: &App, w: u16, h: u16) -> String {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| f.render_widget(app, f.area())).unwrap();
    terminal.backend().to_string()
}

/// A version of a key as `history` lists it.
pub fn version(v: u32, current: bool) -> crate::rotation::VersionInfo {
    crate::rotation::VersionInfo {
        version: v,
        created: NOW - i64::from(10 - v) * 86_400,
        change: crate::rotation::Change::Rotate,
        restored_from: None,
        note: Some(format!("note {v}")),
        current,
        removed_at: None,
    }
}

/// Types `text` into the field that has the keyboard, one character at a time.
pub fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(Msg::Input(Edit::Char(c)));
    }
}

/// The name of the selected key.
pub fn selected_key(app: &App) -> String {
    app.selected().unwrap().1.to_string()
}

/// A tick `secs` seconds after the app's clock: what the app asks for then.
pub fn later(app: &mut App, secs: u64) -> Vec<Effect> {
    let t = app.now + Duration::from_secs(secs);
    app.update(Msg::Tick(t, NOW + secs as i64))
}

/// Compares `app` drawn at 80x24 and at 60x15 with the snapshots `NAME_80x24` and
/// `NAME_60x15` of the calling test module: a macro, so that insta names the snapshot
/// files after the module that calls it.
#[cfg(test)]
macro_rules! both_sizes {
    ($name:expr, $app:expr) => {{
        use $crate::tui::test_support::render;
        let app: &mut $crate::tui::app::App = $app;
        for (w, h) in [(80, 24), (60, 15)] {
            app.update($crate::tui::app::Msg::Resize(w, h));
            insta::assert_snapshot!(format!("{}_{w}x{h}", $name), render(app, w, h));
        }
    }};
}
#[cfg(test)]
pub(crate) use both_sizes;
