//! Render snapshots of the scope views at 80x24 and 60x15: the scope-operations form, a
//! question (the import preview, wrapped whole), the import form, the trash and a diff.

use crate::model::ImportReport;
use crate::tui::app::{Action, Msg};
use crate::tui::input::Edit;
use crate::tui::test_support::{NOW, both_sizes, unlocked};
use crate::vault::Trashed;
use crate::{KeyName, Scope, ScopeDiff};
use std::path::PathBuf;

fn scope(s: &str) -> Scope {
    Scope::parse(s).unwrap()
}

#[test]
fn scope_operations_form() {
    let mut app = unlocked();
    app.update(Msg::Act(Action::ScopeOps));
    app.update(Msg::Input(Edit::Right));
    app.update(Msg::Input(Edit::Right));
    app.update(Msg::NextField(2));
    for c in "qa".chars() {
        app.update(Msg::Input(Edit::Char(c)));
    }
    both_sizes!("scope_ops_form", &mut app);
    app.update(Msg::Submit);
    both_sizes!("scope_ops_confirm", &mut app);
}

#[test]
fn import_form_and_preview() {
    let mut app = unlocked();
    app.update(Msg::Act(Action::Import));
    both_sizes!("import_form", &mut app);
    app.update(Msg::Cancel);
    let names = |p: &str, n: usize| (0..n).map(|i| format!("{p}_{i}")).collect();
    app.update(Msg::ImportPreviewed {
        scope: scope("blog/prod"),
        path: PathBuf::from("./.env"),
        report: ImportReport {
            added: names("NEW_KEY", 7),
            changed: names("CHANGED", 2),
            unchanged: names("SAME", 3),
        },
        first_run: false,
    });
    both_sizes!("import_preview", &mut app);
}

#[test]
fn trash_view() {
    let mut app = unlocked();
    let item = |k: &str, v, days: i64| Trashed {
        key: KeyName::new(k).unwrap(),
        version: v,
        updated: NOW - days * 86_400,
    };
    app.update(Msg::TrashLoaded(
        scope("blog/prod"),
        vec![item("OLD_API_TOKEN", 3, 2), item("LEGACY_DB_URL", 1, 40)],
    ));
    app.update(Msg::Act(Action::Down));
    both_sizes!("trash", &mut app);
}

#[test]
fn diff_view() {
    let mut app = unlocked();
    let d = ScopeDiff {
        only_in_a: vec!["DEBUG_TOKEN".into()],
        only_in_b: vec!["CDN_KEY".into()],
        different: vec!["DATABASE_URL".into()],
        same: vec!["STRIPE_SECRET_KEY".into()],
    };
    app.update(Msg::DiffLoaded(scope("shop/dev"), scope("shop/prod"), d));
    both_sizes!("diff", &mut app);
}
