//! `update` tests for the scopes: `n`, the scope operations, the start scope, Enter on the
//! tree, import with its preview and the first-run offers, the trash, reload, and the scope
//! remembered on quit and lock.

use crate::model::ImportReport;
use crate::tui::app::{Action, App, Effect, Focus, Msg};
use crate::tui::dialog::{Dialog, FormKind};
use crate::tui::input::Edit;
use crate::tui::scopes::{AfterImport, ScopeOp};
use crate::tui::test_support::{NOW, config, listing, typed, unlocked};
use crate::vault::Trashed;
use crate::{KeyName, Scope, Target};
use std::path::PathBuf;
use std::time::Instant;

fn scope(s: &str) -> Scope {
    Scope::parse(s).unwrap()
}

fn shown(app: &App) -> String {
    app.current_scope().unwrap().to_string()
}

fn status(app: &App) -> String {
    app.status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default()
}

fn offer_text(app: &App) -> String {
    match &app.dialog {
        Some(Dialog::Offer(o)) => o.text.clone(),
        other => panic!("no question open: {other:?}"),
    }
}

#[test]
fn n_makes_a_new_scope_in_the_vault_and_selects_an_existing_one() {
    let mut app = unlocked();
    app.update(Msg::Act(Action::New));
    typed(&mut app, "repo/staging");
    let fx = app.update(Msg::Submit);
    assert!(
        matches!(fx.as_slice(), [Effect::CreateScope(s)] if *s == scope("repo/staging")),
        "{fx:?}"
    );
    assert!(app.dialog.is_none());
    // The runner answers with a listing holding it and selects it.
    let mut l = listing();
    l.push((scope("repo/staging"), vec![]));
    app.update(Msg::Listed(l, vec![]));
    app.update(Msg::SelectScope(scope("repo/staging")));
    assert_eq!(shown(&app), "repo/staging");

    app.update(Msg::Act(Action::New));
    typed(&mut app, "shop/prod");
    let fx = app.update(Msg::Submit);
    assert!(fx.is_empty(), "an existing scope is selected, not made");
    assert_eq!(shown(&app), "shop/prod");
    assert_eq!(status(&app), "shop/prod exists (6 keys): selected");
}

#[test]
fn opens_on_the_linked_scope_then_the_last_one_used() {
    let start = |linked: Option<&str>, last: Option<&str>| {
        let cfg = crate::tui::app::Config {
            open_scope: linked.map(scope),
            ..config()
        };
        let mut app = App::new(cfg, crate::tui::app::Screen::Main, Instant::now(), NOW);
        app.update(Msg::LastScope(last.map(scope)));
        app.update(Msg::Listed(listing(), vec![]));
        shown(&app)
    };
    assert_eq!(start(None, None), "blog/prod", "alphabetically first");
    assert_eq!(start(None, Some("shop/staging")), "shop/staging");
    assert_eq!(start(Some("infra/ci"), Some("shop/staging")), "infra/ci");
    assert_eq!(
        start(Some("gone/dev"), Some("shop/dev")),
        "shop/dev",
        "a link to a scope not in the vault falls back to the last one"
    );
    // Later listings keep the user's selection.
    let mut app = unlocked();
    app.update(Msg::Act(Action::Bottom));
    app.update(Msg::Act(Action::Left));
    app.update(Msg::Act(Action::Down));
    let before = shown(&app);
    app.update(Msg::Listed(listing(), vec![]));
    assert_eq!(shown(&app), before);
}

#[test]
fn enter_on_an_environment_focuses_its_secrets_without_a_reveal() {
    let mut app = unlocked();
    app.update(Msg::Act(Action::Left));
    app.update(Msg::Act(Action::Down));
    let fx = app.update(Msg::Act(Action::Reveal));
    assert!(fx.is_empty(), "nothing read, nothing audited: {fx:?}");
    assert_eq!(app.focus, Focus::Secrets);
    assert!(app.revealed.is_none());
}

#[test]
fn scope_operations_are_asked_first_and_run_the_core_calls() {
    let mut app = unlocked();
    let here = app.current_scope().unwrap();
    app.update(Msg::Act(Action::ScopeOps));
    assert!(
        matches!(&app.dialog, Some(Dialog::Form(f)) if f.kind == FormKind::ScopeOps(here.clone()))
    );
    // Action: remove -> purge -> rename.
    app.update(Msg::Input(Edit::Right));
    app.update(Msg::Input(Edit::Right));
    app.update(Msg::NextField(1));
    app.update(Msg::NextField(1));
    app.update(Msg::Submit);
    assert!(
        matches!(&app.dialog, Some(Dialog::Form(f)) if f.error.as_deref().is_some_and(|e| e.contains("To"))),
        "a rename needs a name"
    );
    typed(&mut app, "qa");
    assert!(app.update(Msg::Submit).is_empty());
    assert_eq!(offer_text(&app), "Rename blog/prod to blog/qa?");
    let fx = app.update(Msg::Yes);
    let want = ScopeOp::Rename(Target::Scope(here.clone()), Target::Scope(scope("blog/qa")));
    assert!(
        matches!(fx.as_slice(), [Effect::RunScopeOp(op)] if *op == want),
        "{fx:?}"
    );
    assert!(app.dialog.is_none());

    // Remove, then no: nothing runs.
    app.update(Msg::Act(Action::ScopeOps));
    app.update(Msg::Submit);
    assert!(offer_text(&app).starts_with("Remove every key of blog/prod?"));
    assert!(app.update(Msg::Cancel).is_empty());
    assert!(app.dialog.is_none());

    // Diff changes nothing: no question; its answer opens the names-only view.
    app.update(Msg::Act(Action::ScopeOps));
    for _ in 0..4 {
        app.update(Msg::Input(Edit::Right));
    }
    app.update(Msg::NextField(2));
    typed(&mut app, "shop/prod");
    let fx = app.update(Msg::Submit);
    let want = ScopeOp::Diff(here.clone(), scope("shop/prod"));
    assert!(
        matches!(fx.as_slice(), [Effect::RunScopeOp(op)] if *op == want),
        "{fx:?}"
    );
    let d = crate::ScopeDiff {
        only_in_a: vec!["A".into()],
        only_in_b: vec!["B".into()],
        different: vec!["C".into()],
        same: vec![],
    };
    app.update(Msg::DiffLoaded(here, scope("shop/prod"), d));
    let Some(Dialog::Diff(v)) = &app.dialog else {
        panic!("no diff view")
    };
    assert_eq!(
        v.rows,
        vec![('<', "A".into()), ('>', "B".into()), ('~', "C".into())]
    );
    app.update(Msg::Act(Action::Down));
    assert!(matches!(&app.dialog, Some(Dialog::Diff(v)) if v.sel == 1));
    app.update(Msg::Cancel);
    assert!(app.dialog.is_none());
}

fn report(added: &[&str], changed: &[&str], unchanged: &[&str]) -> ImportReport {
    let v = |l: &[&str]| l.iter().map(|s| s.to_string()).collect();
    ImportReport {
        added: v(added),
        changed: v(changed),
        unchanged: v(unchanged),
    }
}

#[test]
fn i_previews_an_import_and_asks_before_it_runs() {
    let mut app = unlocked();
    app.update(Msg::Act(Action::Import));
    let Some(Dialog::Form(f)) = &app.dialog else {
        panic!("no form")
    };
    assert_eq!(f.title(), "Import a .env into blog/prod");
    let fx = app.update(Msg::Submit);
    let (s, p) = (scope("blog/prod"), PathBuf::from("./.env"));
    assert!(
        matches!(fx.as_slice(), [Effect::ImportPreview { scope, path, first_run: false }] if *scope == s && *path == p),
        "{fx:?}"
    );
    app.update(Msg::ImportPreviewed {
        scope: s.clone(),
        path: p.clone(),
        report: report(&["NEW"], &["SMTP_PASSWORD"], &["GITHUB_TOKEN"]),
        first_run: false,
    });
    assert_eq!(
        offer_text(&app),
        "Import ./.env into blog/prod? 1 added, 1 changed, 1 unchanged. + NEW ~ SMTP_PASSWORD"
    );
    let fx = app.update(Msg::Yes);
    assert!(matches!(
        fx.as_slice(),
        [Effect::ImportFile {
            first_run: false,
            ..
        }]
    ));
    let done = AfterImport {
        scope: s.clone(),
        path: p.clone(),
        verified: true,
        first_run: false,
    };
    assert!(app.update(Msg::Imported(done)).is_empty());
    assert!(
        app.dialog.is_none(),
        "only the first-run import offers more"
    );

    app.update(Msg::ImportPreviewed {
        scope: s,
        path: p,
        report: report(&[], &[], &["A", "B"]),
        first_run: false,
    });
    assert!(app.dialog.is_none());
    assert_eq!(status(&app), "./.env: nothing to import (2 unchanged)");
}

#[test]
fn the_first_run_import_offers_the_link_then_the_plaintext_file() {
    let path = PathBuf::from("/home/me/repo/.env");
    let cfg = crate::tui::app::Config {
        env_file: Some(path.clone()),
        import_scope: Some(scope("repo/dev")),
        ..config()
    };
    let mut app = App::new(
        cfg,
        crate::tui::app::Screen::Welcome(Default::default()),
        Instant::now(),
        NOW,
    );
    let fx = app.update(Msg::Created);
    assert!(
        matches!(
            fx.as_slice(),
            [
                Effect::LoadAll,
                Effect::ImportPreview {
                    first_run: true,
                    ..
                }
            ]
        ),
        "{fx:?}"
    );
    let done = |verified| AfterImport {
        scope: scope("repo/dev"),
        path: path.clone(),
        verified,
        first_run: true,
    };
    app.update(Msg::Imported(done(true)));
    assert!(offer_text(&app).starts_with("Link /home/me/repo to repo/dev?"));
    let fx = app.update(Msg::Yes);
    assert!(
        matches!(fx.as_slice(), [Effect::LinkDir(d, s)] if d == &PathBuf::from("/home/me/repo") && *s == scope("repo/dev"))
    );
    assert!(offer_text(&app).contains("(checked). Delete the plaintext /home/me/repo/.env now?"));
    assert!(app.update(Msg::Cancel).is_empty(), "kept");
    assert!(offer_text(&app).starts_with("Add /home/me/repo/.env to .gitignore"));
    let fx = app.update(Msg::Yes);
    assert!(matches!(fx.as_slice(), [Effect::IgnorePlain(p)] if *p == path));
    assert!(app.dialog.is_none());

    // Not verified: nothing is offered about the file.
    app.update(Msg::Imported(done(false)));
    assert!(app.dialog.is_none());
    assert!(app.status.as_ref().unwrap().error);
}

#[test]
fn the_trash_lists_removed_keys_and_restores_the_last_version() {
    let mut app = unlocked();
    let fx = app.update(Msg::Act(Action::Trash));
    assert!(matches!(fx.as_slice(), [Effect::LoadTrash(s)] if *s == scope("blog/prod")));
    app.update(Msg::TrashLoaded(scope("blog/prod"), vec![]));
    assert_eq!(status(&app), "the trash of blog/prod is empty");
    let item = |k: &str, v| Trashed {
        key: KeyName::new(k).unwrap(),
        version: v,
        updated: NOW - 86_400,
    };
    app.update(Msg::TrashLoaded(
        scope("blog/prod"),
        vec![item("OLD_TOKEN", 3), item("ZED", 1)],
    ));
    assert!(matches!(&app.dialog, Some(Dialog::Trash(_))));
    app.update(Msg::Act(Action::Down));
    app.update(Msg::Act(Action::Reveal));
    assert_eq!(
        offer_text(&app),
        "Restore ZED into blog/prod with its last value (v1)?"
    );
    let fx = app.update(Msg::Yes);
    assert!(
        matches!(fx.as_slice(), [Effect::Rollback(s, k, 1)] if *s == scope("blog/prod") && k.as_str() == "ZED"),
        "{fx:?}"
    );
}

#[test]
fn reload_quit_and_lock() {
    let mut app = unlocked();
    assert!(matches!(
        app.update(Msg::Act(Action::Reload)).as_slice(),
        [Effect::Reload]
    ));
    let fx = app.lock(Some("locked".into()));
    assert!(
        matches!(fx.as_slice(), [Effect::RememberScope(s), Effect::Lock] if *s == scope("blog/prod")),
        "{fx:?}"
    );
    let mut app = unlocked();
    app.update(Msg::Act(Action::Bottom));
    app.update(Msg::Act(Action::Left));
    app.update(Msg::Act(Action::Bottom));
    let fx = app.update(Msg::Act(Action::Quit));
    assert!(
        matches!(fx.as_slice(), [Effect::RememberScope(s), Effect::Quit] if *s == scope("shop/staging")),
        "{fx:?}"
    );
}
