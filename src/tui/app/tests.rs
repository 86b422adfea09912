//! `update` tests: feed messages, check the model and the effects it asks for. No terminal,
//! no vault, no clock.

use crate::tui::app::{Action, App, Effect, Focus, Msg, RotateHow, SaveKind, Screen};
use crate::tui::dialog::Dialog;
use crate::tui::gate::{Unlock, Welcome};
use crate::tui::input::Edit;
use crate::tui::test_support::{NOW, config, later, selected_key, typed, unlocked};
use crate::{KeyName, Scope, SecretValue};
use std::time::Instant;

#[test]
fn unlock_screen_sends_the_typed_passphrase_once_and_shows_errors() {
    let mut app = App::new(
        config(),
        Screen::Unlock(Unlock::new(None)),
        Instant::now(),
        NOW,
    );
    assert!(
        app.update(Msg::Submit).is_empty(),
        "an empty passphrase is not sent"
    );
    typed(&mut app, "hunter2 hunter2");
    let fx = app.update(Msg::Submit);
    match fx.as_slice() {
        [Effect::Unlock(p)] => assert_eq!(p.expose_secret(), "hunter2 hunter2"),
        other => panic!("expected one unlock effect, got {other:?}"),
    }
    let Screen::Unlock(u) = &app.screen else {
        panic!()
    };
    assert!(u.busy && u.pass.is_empty(), "the field is wiped once sent");
    assert!(
        app.update(Msg::Submit).is_empty(),
        "no second attempt while busy"
    );
    app.update(Msg::UnlockFailed("wrong passphrase; try again".into()));
    let Screen::Unlock(u) = &app.screen else {
        panic!()
    };
    assert_eq!(u.error.as_deref(), Some("wrong passphrase; try again"));
    let fx = app.update(Msg::Cancel);
    assert!(matches!(fx.as_slice(), [Effect::Quit]) && app.quit);
}

#[test]
fn welcome_creates_the_vault_then_offers_the_env_file() {
    let mut cfg = config();
    cfg.env_file = Some(".env".into());
    cfg.import_scope = Some(Scope::parse("myapp/dev").unwrap());
    let mut app = App::new(
        cfg,
        Screen::Welcome(Welcome::default()),
        Instant::now(),
        NOW,
    );
    typed(&mut app, "correct horse battery");
    app.update(Msg::Submit); // to the repeat field
    typed(&mut app, "correct horse battery");
    let fx = app.update(Msg::Submit);
    assert!(
        matches!(fx.as_slice(), [Effect::Create(p)] if p.expose_secret() == "correct horse battery")
    );
    let fx = app.update(Msg::Created);
    // The import is previewed first (then asked: see app/scopes_tests.rs).
    assert!(matches!(
        fx.as_slice(),
        [Effect::LoadAll, Effect::ImportPreview { scope, path, first_run: true }]
        if scope.to_string() == "myapp/dev" && path.ends_with(".env")
    ));
    assert!(matches!(app.screen, Screen::Main));
}

#[test]
fn moving_through_scopes_and_secrets() {
    let mut app = unlocked();
    assert_eq!(app.current_scope().unwrap().to_string(), "blog/prod");
    assert_eq!(selected_key(&app), "GITHUB_TOKEN");
    app.update(Msg::Act(Action::Down));
    assert_eq!(selected_key(&app), "SMTP_PASSWORD");
    app.update(Msg::Act(Action::Down));
    assert_eq!(
        selected_key(&app),
        "SMTP_PASSWORD",
        "the last row stays selected"
    );
    app.update(Msg::Act(Action::SwitchPane));
    assert_eq!(app.focus, Focus::Scopes);
    app.update(Msg::Act(Action::Bottom));
    assert_eq!(app.current_scope().unwrap().to_string(), "shop/staging");
    app.update(Msg::Act(Action::Up));
    assert_eq!(app.current_scope().unwrap().to_string(), "shop/prod");
    assert_eq!(app.cursor, 0, "a new scope starts at its first key");
    app.update(Msg::Act(Action::Right));
    app.update(Msg::Act(Action::PageDown));
    assert_eq!(selected_key(&app), "STRIPE_SECRET_KEY");
}

#[test]
fn reveal_hides_on_move_after_the_timeout_and_on_toggle() {
    let mut app = unlocked();
    let fx = app.update(Msg::Act(Action::Reveal));
    let [Effect::Reveal(s, k)] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    let (s, k) = (s.clone(), k.clone());
    app.update(Msg::Revealed(
        s.clone(),
        k.clone(),
        SecretValue::from("ghp_x"),
    ));
    assert_eq!(
        app.revealed.as_ref().unwrap().value.expose_secret(),
        "ghp_x"
    );
    assert!(app.update(Msg::Act(Action::Reveal)).is_empty());
    assert!(app.revealed.is_none(), "Enter again hides it");
    app.update(Msg::Revealed(
        s.clone(),
        k.clone(),
        SecretValue::from("ghp_x"),
    ));
    app.update(Msg::Act(Action::Back));
    assert!(app.revealed.is_none(), "Esc hides it");
    app.update(Msg::Revealed(s, k, SecretValue::from("ghp_x")));
    later(&mut app, 29);
    assert!(app.revealed.is_some());
    later(&mut app, 31);
    assert!(app.revealed.is_none(), "hidden again after 30 s");
}

#[test]
fn copy_counts_down_clears_and_quit_clears_too() {
    let mut app = unlocked();
    let fx = app.update(Msg::Act(Action::Copy));
    assert!(matches!(fx.as_slice(), [Effect::Copy(_, k)] if k.as_str() == "GITHUB_TOKEN"));
    app.update(Msg::Copied(KeyName::new("GITHUB_TOKEN").unwrap()));
    assert!(app.status.as_ref().unwrap().text.contains("clears in 30 s"));
    assert!(later(&mut app, 20).is_empty());
    assert!(app.clip.is_some());
    let fx = later(&mut app, 30);
    assert!(matches!(fx.as_slice(), [Effect::ClearClipboard]));
    assert!(app.clip.is_none());
    app.update(Msg::ClipboardCleared(false));
    assert!(app.status.as_ref().unwrap().text.contains("left it alone"));

    app.update(Msg::Copied(KeyName::new("GITHUB_TOKEN").unwrap()));
    let fx = app.update(Msg::Act(Action::Quit));
    assert!(matches!(
        fx.as_slice(),
        [
            Effect::RememberScope(_),
            Effect::ClearClipboard,
            Effect::Quit
        ]
    ));
}

#[test]
fn filter_spans_projects_and_esc_restores_the_scope() {
    let mut app = unlocked();
    app.update(Msg::Act(Action::Filter));
    typed(&mut app, "dburl");
    let hits: Vec<String> = (0..app.view_len())
        .map(|i| {
            let s = &app.catalog.secrets[app.view_secret(i).unwrap()];
            format!(
                "{} {}",
                app.catalog.scopes[s.scope as usize].scope, s.meta.key
            )
        })
        .collect();
    assert_eq!(hits.len(), 3, "{hits:?}");
    assert!(hits.iter().all(|h| h.ends_with("DATABASE_URL")));
    app.update(Msg::Submit);
    app.update(Msg::Act(Action::Down));
    assert_eq!(app.cursor, 1, "after Enter the keys move through the hits");
    app.update(Msg::Act(Action::Back));
    assert!(app.filter.is_none());
    assert_eq!(app.current_scope().unwrap().to_string(), "blog/prod");
}

#[test]
fn add_checks_the_name_and_sends_the_value() {
    let mut app = unlocked();
    app.update(Msg::Act(Action::Add));
    typed(&mut app, "1BAD");
    app.update(Msg::NextField(1));
    typed(&mut app, "s3cret");
    assert!(app.update(Msg::Submit).is_empty());
    let Some(Dialog::Form(f)) = &app.dialog else {
        panic!()
    };
    assert!(
        f.error.as_deref().unwrap().contains("1BAD"),
        "{:?}",
        f.error
    );
    app.update(Msg::NextField(1));
    app.update(Msg::Input(Edit::Home));
    app.update(Msg::Input(Edit::Delete));
    assert!(
        app.update(Msg::Submit).is_empty(),
        "Enter in the Key field moves on to the Value field"
    );
    let fx = app.update(Msg::Submit);
    match fx.as_slice() {
        [
            Effect::Save {
                scope,
                key,
                value,
                kind: SaveKind::Add,
            },
        ] => {
            assert_eq!(
                (scope.to_string().as_str(), key.as_str()),
                ("blog/prod", "BAD")
            );
            assert_eq!(value.expose_secret(), "s3cret");
        }
        other => panic!("{other:?}"),
    }
    assert!(app.dialog.is_none());
}

#[test]
fn edit_prefills_and_delete_asks_first() {
    let mut app = unlocked();
    let fx = app.update(Msg::Act(Action::Edit));
    let [Effect::FetchForEdit(s, k)] = fx.as_slice() else {
        panic!()
    };
    app.update(Msg::EditLoaded(
        s.clone(),
        k.clone(),
        SecretValue::from("old"),
    ));
    typed(&mut app, "-new");
    let fx = app.update(Msg::Submit);
    assert!(
        matches!(fx.as_slice(), [Effect::Save { value, kind: SaveKind::Edit, .. }] if value.expose_secret() == "old-new")
    );

    assert!(app.update(Msg::Act(Action::Delete)).is_empty());
    assert!(matches!(app.dialog, Some(Dialog::Confirm(_))));
    assert!(app.update(Msg::Cancel).is_empty() && app.dialog.is_none());
    app.update(Msg::Act(Action::Delete));
    let fx = app.update(Msg::Yes);
    assert!(matches!(fx.as_slice(), [Effect::Delete(_, k)] if k.as_str() == "GITHUB_TOKEN"));
}

#[test]
fn rotate_generates_by_default_and_refuses_weak_lengths() {
    let mut app = unlocked();
    app.update(Msg::Act(Action::Rotate));
    let fx = app.update(Msg::Submit);
    assert!(
        matches!(fx.as_slice(), [Effect::Rotate { how: RotateHow::Generate(g), .. }] if g.len == 32),
        "{fx:?}"
    );
    app.update(Msg::Act(Action::Rotate));
    app.update(Msg::NextField(1));
    typed(&mut app, "8");
    assert!(app.update(Msg::Submit).is_empty());
    let Some(Dialog::Form(f)) = &app.dialog else {
        panic!()
    };
    assert!(
        f.error.as_deref().unwrap().contains("weak"),
        "{:?}",
        f.error
    );
    app.update(Msg::Input(Edit::Backspace));
    typed(&mut app, "48");
    app.update(Msg::NextField(1));
    app.update(Msg::Input(Edit::Right)); // charset: base64
    let fx = app.update(Msg::Submit);
    assert!(
        matches!(fx.as_slice(), [Effect::Rotate { how: RotateHow::Generate(g), .. }]
            if g.len == 48 && g.charset == crate::generate::Charset::Base64),
        "{fx:?}"
    );
}

#[test]
fn export_and_new_scope_forms() {
    let mut app = unlocked();
    app.update(Msg::Act(Action::Export));
    app.update(Msg::Input(Edit::Right)); // shell
    let fx = app.update(Msg::Submit);
    assert!(
        matches!(fx.as_slice(), [Effect::Export { format, path, .. }]
        if format.name() == "shell" && path.to_str() == Some("prod.env")),
        "{fx:?}"
    );

    app.update(Msg::Act(Action::New));
    typed(&mut app, "api/qa");
    let fx = app.update(Msg::Submit);
    assert!(matches!(fx.as_slice(), [Effect::CreateScope(s)] if s.to_string() == "api/qa"));
    // The runner's answer: the listing with it, and the selection.
    let mut listing = crate::tui::test_support::listing();
    listing.push((Scope::parse("api/qa").unwrap(), vec![]));
    app.update(Msg::Listed(listing, vec![]));
    app.update(Msg::SelectScope(Scope::parse("api/qa").unwrap()));
    assert_eq!(app.current_scope().unwrap().to_string(), "api/qa");
    assert_eq!(app.view_len(), 0);
    app.update(Msg::Act(Action::Add));
    assert!(matches!(&app.dialog, Some(Dialog::Form(f)) if f.title().contains("api/qa")));
}

#[test]
fn idle_auto_lock_drops_names_and_values() {
    let mut app = unlocked();
    app.update(Msg::Revealed(
        Scope::parse("blog/prod").unwrap(),
        KeyName::new("GITHUB_TOKEN").unwrap(),
        SecretValue::from("v"),
    ));
    later(&mut app, 200);
    app.update(Msg::Act(Action::Down)); // activity resets the idle clock
    assert!(later(&mut app, 250).is_empty(), "250 s idle: still open");
    let fx = later(&mut app, 51);
    assert!(matches!(
        fx.as_slice(),
        [Effect::RememberScope(_), Effect::Lock]
    ));
    assert!(
        matches!(&app.screen, Screen::Unlock(u) if u.note.as_deref() == Some("locked after 5 min idle"))
    );
    assert!(app.catalog.secrets.is_empty() && app.revealed.is_none());
}

#[test]
fn a_write_reloads_its_scope_and_keeps_the_selection() {
    let mut app = unlocked();
    app.update(Msg::Act(Action::Down)); // SMTP_PASSWORD
    let scope = app.current_scope().unwrap();
    let mut metas = crate::tui::test_support::listing()[3].1.clone();
    metas.push(crate::SecretMeta {
        key: KeyName::new("A_NEW_KEY").unwrap(),
        created: NOW,
        updated: NOW,
        version: 1,
        rotated_at: None,
        url: None,
        max_age: 90 * 86_400,
        overdue_days: None,
        empty: false,
        inherited_from: None,
    });
    app.update(Msg::ScopeLoaded(scope, metas, None));
    assert_eq!(app.view_len(), 3);
    assert_eq!(selected_key(&app), "SMTP_PASSWORD");
}

#[test]
fn mouse_selects_rows_and_scopes() {
    let mut app = unlocked();
    // Row 1 is the header line, 2 the table's column titles, 3 the first key.
    app.update(Msg::Click(40, 4));
    assert_eq!(selected_key(&app), "SMTP_PASSWORD");
    // The tree from row 2: blog, prod, infra, ci, shop, dev, prod, staging.
    app.update(Msg::Click(5, 7));
    assert_eq!(app.current_scope().unwrap().to_string(), "shop/dev");
    app.update(Msg::Scroll(5, 7, true));
    assert_eq!(app.current_scope().unwrap().to_string(), "shop/prod");
    assert_eq!(app.focus, Focus::Scopes);
}
