//! `update` tests of the views over the main screen (history, audit) and of reloading.

use crate::tui::app::App;
use crate::tui::app::{Action, Effect, Msg};
use crate::tui::dialog::Dialog;
use crate::tui::test_support::listing;
use crate::tui::test_support::{NOW, selected_key, typed, unlocked, version};
use crate::{KeyName, Scope, SecretValue};

#[test]
fn history_reveals_old_versions_and_rolls_back_after_asking() {
    let mut app = unlocked();
    let fx = app.update(Msg::Act(Action::History));
    let [Effect::LoadHistory(s, k)] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    let (s, k) = (s.clone(), k.clone());
    let versions = vec![version(1, false), version(3, true), version(2, false)];
    app.update(Msg::HistoryLoaded(s, k, versions));
    assert_eq!(app.mode(), crate::tui::app::Mode::List);
    let Some(Dialog::History(h)) = &app.dialog else {
        panic!()
    };
    assert_eq!(h.selected().unwrap().version, 3, "newest first");
    let fx = app.update(Msg::Act(Action::Rollback));
    assert!(fx.is_empty() && app.status.as_ref().unwrap().text.contains("already"));
    app.update(Msg::Act(Action::Down));
    let fx = app.update(Msg::Act(Action::Reveal));
    assert!(matches!(fx.as_slice(), [Effect::RevealVersion(_, _, 2)]));
    app.update(Msg::VersionRevealed(2, SecretValue::from("old-2")));
    app.update(Msg::Act(Action::Down));
    let Some(Dialog::History(h)) = &app.dialog else {
        panic!()
    };
    assert!(h.revealed.is_none(), "moving hides an old value");
    app.update(Msg::Act(Action::Rollback));
    let fx = app.update(Msg::Yes);
    assert!(matches!(fx.as_slice(), [Effect::Rollback(_, k, 1)] if k.as_str() == "GITHUB_TOKEN"));
}

#[test]
fn audit_view_lists_newest_first() {
    use crate::audit::{AuditEvent, EventKind};
    let mut app = unlocked();
    let fx = app.update(Msg::Act(Action::Audit));
    assert!(matches!(fx.as_slice(), [Effect::LoadAudit(30)]));
    let event = |seq, kind| AuditEvent {
        seq,
        at: NOW - 100 + seq as i64,
        kind,
        scope: Some("shop/prod".into()),
        key: Some("DATABASE_URL".into()),
        detail: None,
        unverified: false,
    };
    app.update(Msg::AuditLoaded(vec![
        event(1, EventKind::Set),
        event(2, EventKind::Copy),
    ]));
    let Some(Dialog::Audit(v)) = &app.dialog else {
        panic!()
    };
    assert_eq!(v.events[0].seq, 2);
    app.update(Msg::Cancel);
    assert!(app.dialog.is_none());
}

#[test]
fn reload_keeps_the_selection_and_refreshes_the_filter() {
    let mut app = unlocked();
    app.update(Msg::Act(Action::Down)); // blog/prod SMTP_PASSWORD
    let fx = app.update(Msg::Act(Action::Reload));
    assert!(matches!(fx.as_slice(), [Effect::Reload]));
    let mut listing = crate::tui::test_support::listing();
    let added = crate::SecretMeta {
        key: KeyName::new("ADDED_ELSEWHERE").unwrap(),
        ..listing[3].1[0].clone()
    };
    listing[3].1.push(added);
    app.update(Msg::Loaded(listing.clone()));
    assert_eq!(selected_key(&app), "SMTP_PASSWORD");
    assert_eq!(app.view_len(), 3);
    app.update(Msg::Act(Action::Filter));
    typed(&mut app, "elsewhere");
    assert_eq!(app.view_len(), 1);
    listing[3].1.pop();
    app.update(Msg::Loaded(listing));
    assert_eq!(app.view_len(), 0, "the filter sees the new listing");
}

#[test]
fn a_large_vault_lists_scope_names_first_and_loads_the_rest_when_idle() {
    let mut app = unlocked();
    let listing = crate::tui::test_support::listing();
    let scopes: Vec<_> = listing.iter().map(|(s, _)| s.clone()).collect();
    // The first listing: one scope's keys, the others pending (drawn with `…`).
    let first = listing[0].clone();
    app.update(Msg::Listed(vec![first], scopes[1..].to_vec()));
    assert_eq!(app.catalog.scopes.len(), scopes.len());
    assert!(app.busy());
    // Select a pending scope: the idle moment loads it before the others.
    let pending = app.catalog.scopes.iter().position(|e| !e.loaded).unwrap();
    let last = app.catalog.scopes.len() - 1;
    app.scope_sel = last;
    let fx = app.update(Msg::Idle);
    let [Effect::LoadScopes(batch)] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    assert_eq!(batch[0], app.catalog.scopes[last].scope);
    assert!(batch.contains(&app.catalog.scopes[pending].scope) || pending == last);
    // A filter typed meanwhile sees scopes as they arrive.
    app.update(Msg::Act(Action::Filter));
    typed(&mut app, "smtp");
    assert_eq!(app.view_len(), 0, "blog/prod is not loaded yet");
    while app.catalog.has_pending() {
        let next = app.catalog.pending(app.scope_sel, 2);
        let loaded = listing
            .iter()
            .filter(|(s, _)| next.contains(s))
            .cloned()
            .collect();
        app.update(Msg::ScopesLoaded(loaded));
    }
    while app.busy() {
        app.update(Msg::Idle);
    }
    assert_eq!(
        app.view_len(),
        1,
        "SMTP_PASSWORD found once blog/prod loaded"
    );
    let total: usize = listing.iter().map(|(_, m)| m.len()).sum();
    assert_eq!(app.catalog.secrets.len(), total);
}

fn scope(s: &str) -> Scope {
    Scope::parse(s).unwrap()
}

fn shown(app: &App) -> String {
    app.current_scope().unwrap().to_string()
}

/// An app on shop/prod's third key, and what another process's write lists: the first
/// scope's keys, the other scopes pending.
fn on_shop_prod_with_a_listing() -> (App, Msg, Vec<(Scope, Vec<crate::SecretMeta>)>) {
    let mut app = unlocked();
    app.update(Msg::Act(Action::Left));
    app.update(Msg::Act(Action::Bottom)); // shop/staging
    app.update(Msg::Act(Action::Up)); // shop/prod
    app.update(Msg::Act(Action::Right));
    app.update(Msg::Act(Action::Down));
    app.update(Msg::Act(Action::Down));
    let all = listing();
    let first = all
        .iter()
        .find(|(s, _)| s.to_string() == "blog/prod")
        .cloned()
        .unwrap();
    let rest: Vec<Scope> = all
        .iter()
        .map(|(s, _)| s.clone())
        .filter(|s| *s != first.0)
        .collect();
    (app, Msg::Listed(vec![first], rest), all)
}

#[test]
fn a_listing_keeps_the_key_of_a_scope_whose_keys_come_later() {
    let (mut app, listed, all) = on_shop_prod_with_a_listing();
    let before = app.selected().unwrap();
    app.update(listed);
    assert_eq!(shown(&app), "shop/prod");
    let fx = app.update(Msg::Idle);
    let [Effect::LoadScopes(next)] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    assert_eq!(
        next[0],
        scope("shop/prod"),
        "the selected scope loads first"
    );
    let batch = all.into_iter().filter(|(s, _)| next.contains(s)).collect();
    app.update(Msg::ScopesLoaded(batch));
    assert_eq!(app.selected().unwrap(), before);
}

#[test]
fn two_listings_before_the_keys_come_keep_the_selected_key() {
    let (mut app, listed, all) = on_shop_prod_with_a_listing();
    let before = app.selected().unwrap();
    // Two writes by another process: two listings before the selected scope's keys.
    let Msg::Listed(first, rest) = &listed else {
        panic!()
    };
    app.update(Msg::Listed(first.clone(), rest.clone()));
    app.update(listed);
    assert_eq!(shown(&app), "shop/prod");
    let batch = all
        .into_iter()
        .filter(|(s, _)| s.to_string() == "shop/prod")
        .collect();
    app.update(Msg::ScopesLoaded(batch));
    assert_eq!(
        app.selected().unwrap(),
        before,
        "the key selected before both"
    );
}
