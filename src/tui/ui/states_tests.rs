//! Snapshots of issue 19's states at 80x24 and 60x15: the detail pane (a PEM, scrolled),
//! the Add form after Enter in its Key field and its empty-value question, a long error
//! wrapped in a form and in the message area, an empty value, the sorted table, copying a
//! name, the footer with a countdown, and the too-small screen.

use crate::tui::app::{Action, App, Msg};
use crate::tui::test_support::{both_sizes, render, typed, unlocked};
use crate::{KeyName, SecretValue};

fn pem() -> String {
    let mut s = String::from("-----BEGIN PRIVATE KEY-----\n");
    for i in 0..20 {
        s.push_str(&format!(
            "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC{i:02}xyzXYZ\n"
        ));
    }
    s.push_str("-----END PRIVATE KEY-----");
    s
}

fn reveal(app: &mut App, value: &str) {
    let (scope, key) = app.selected().unwrap();
    app.update(Msg::Revealed(scope, key, SecretValue::from(value)));
}

#[test]
fn detail_pane_with_a_pem() {
    let mut app = unlocked();
    reveal(&mut app, &pem());
    app.update(Msg::Note(Some("deploy key for CI".into())));
    both_sizes!("detail_pem", &mut app);
    app.update(Msg::Act(Action::Bottom));
    both_sizes!("detail_pem_scrolled", &mut app);
}

#[test]
fn detail_pane_with_a_long_url_and_an_empty_value() {
    let mut app = unlocked();
    reveal(
        &mut app,
        "postgres://shop:pw@db.internal.example.com:5432/shop?sslmode=require&application_name=devvault-long-connection-string",
    );
    both_sizes!("detail_url", &mut app);
    reveal(&mut app, "");
    both_sizes!("detail_empty", &mut app);
}

#[test]
fn add_form_after_enter_in_the_key_field_and_the_empty_question() {
    let mut app = unlocked();
    app.update(Msg::Act(Action::Add));
    typed(&mut app, "API_TOKEN");
    app.update(Msg::Submit);
    both_sizes!("add_value_field", &mut app);
    app.update(Msg::Submit);
    both_sizes!("add_empty_question", &mut app);
}

#[test]
fn edit_form_with_a_pem_keeps_its_help_line() {
    let mut app = unlocked();
    let (scope, key) = app.selected().unwrap();
    app.update(Msg::EditLoaded(scope, key, SecretValue::from(pem())));
    app.update(Msg::ToggleMask);
    both_sizes!("edit_pem", &mut app);
}

#[test]
fn long_errors_wrap_in_forms_and_in_the_message_area() {
    let mut app = unlocked();
    app.update(Msg::Act(Action::New));
    typed(&mut app, "bad name/with spaces");
    app.update(Msg::Submit);
    both_sizes!("form_error_wrapped", &mut app);
    app.update(Msg::Cancel);
    app.update(Msg::Failed(
        "cannot create a file in nodir: No such file or directory (os error 2) at path \
         \"/home/me/repo/nodir/out.env\"; create the directory first"
            .into(),
    ));
    both_sizes!("message_area", &mut app);
}

#[test]
fn empty_values_sorted_table_and_countdown() {
    let mut listing = crate::tui::test_support::listing();
    listing[3].1[0].empty = true; // blog/prod SMTP_PASSWORD
    let mut app = unlocked();
    app.update(Msg::Loaded(listing));
    app.update(Msg::Act(Action::Sort));
    app.update(Msg::Copied(KeyName::new("GITHUB_TOKEN").unwrap()));
    app.status = None;
    both_sizes!("sorted_empty_countdown", &mut app);
}

#[test]
fn a_scope_with_no_keys_says_nothing_selected() {
    let mut app = unlocked();
    // An empty environment, as the vault lists it once `n` made it.
    app.update(Msg::ScopeLoaded(
        crate::Scope::parse("api/qa").unwrap(),
        vec![],
        None,
    ));
    app.update(Msg::Act(Action::Copy));
    both_sizes!("nothing_selected", &mut app);
}

#[test]
fn too_small() {
    let mut app = unlocked();
    for (w, h) in [(59, 15), (60, 14), (40, 10)] {
        app.update(Msg::Resize(w, h));
        let screen = render(&app, w, h);
        assert!(
            screen.contains("terminal too small: need 60x15"),
            "{screen}"
        );
        insta::assert_snapshot!(format!("too_small_{w}x{h}"), screen);
    }
}

#[test]
fn an_inherited_key_says_where_it_comes_from() {
    let mut listing = crate::tui::test_support::listing();
    let blog = listing
        .iter_mut()
        .find(|(s, _)| s.to_string() == "blog/prod")
        .unwrap();
    let token = blog.1.iter_mut().find(|m| m.key.as_str() == "GITHUB_TOKEN");
    token.unwrap().inherited_from = Some("blog/base".into());
    let mut app = App::new(
        crate::tui::test_support::config(),
        crate::tui::app::Screen::Main,
        std::time::Instant::now(),
        crate::tui::test_support::NOW,
    );
    app.update(Msg::Resize(80, 24));
    app.update(Msg::Loaded(listing));
    let screen = render(&app, 80, 24);
    assert!(screen.contains("GITHUB_TOKEN ← blog/base"), "{screen}");
    assert_eq!(
        screen.matches('←').count(),
        1,
        "only the inherited key: {screen}"
    );
}
