//! `update` tests for issue 19's main-screen behaviour: the Add form's Enter, empty values,
//! pasted lines, the detail pane, lock and the clipboard, keys that cannot act, the table's
//! order, copying a name, and quitting on a signal.

use crate::tui::app::{Action, App, Effect, Mode, Msg, SaveKind};
use crate::tui::dialog::Dialog;
use crate::tui::input::Edit;
use crate::tui::sort::SortBy;
use crate::tui::test_support::{later, typed, unlocked};
use crate::{KeyName, SecretValue};
use std::time::Duration;

fn saved(fx: &[Effect]) -> (String, String) {
    match fx {
        [
            Effect::Save {
                key,
                value,
                kind: SaveKind::Add,
                ..
            },
        ] => (key.to_string(), value.expose_secret().to_string()),
        other => panic!("expected one add, got {other:?}"),
    }
}

fn status(app: &App) -> String {
    app.status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default()
}

#[test]
fn enter_in_the_key_field_moves_to_the_value_field_never_saves() {
    let mut app = unlocked();
    app.update(Msg::Act(Action::Add));
    typed(&mut app, "API_TOKEN");
    assert!(app.update(Msg::Submit).is_empty(), "Enter in Key: no save");
    let Some(Dialog::Form(f)) = &app.dialog else {
        panic!("the form closed")
    };
    assert_eq!(f.focus, 1, "the cursor is in the Value field");
    typed(&mut app, "tok-1");
    assert_eq!(
        saved(&app.update(Msg::Submit)),
        ("API_TOKEN".into(), "tok-1".into())
    );
    assert!(app.dialog.is_none());
}

#[test]
fn an_empty_value_is_saved_only_after_yes() {
    let mut app = unlocked();
    app.update(Msg::Act(Action::Add));
    typed(&mut app, "EMPTY_OK");
    app.update(Msg::Submit);
    assert!(app.update(Msg::Submit).is_empty(), "asks first");
    assert_eq!(app.mode(), Mode::Confirm);
    // No: back to the form, the value field focused.
    assert!(app.update(Msg::Cancel).is_empty());
    assert_eq!(app.mode(), Mode::Text);
    assert!(matches!(&app.dialog, Some(Dialog::Form(f)) if f.focus == 1));
    app.update(Msg::Submit);
    assert_eq!(
        saved(&app.update(Msg::Yes)),
        ("EMPTY_OK".into(), String::new())
    );

    // Editing a value down to nothing asks too.
    app.update(Msg::EditLoaded(
        crate::Scope::parse("blog/prod").unwrap(),
        KeyName::new("GITHUB_TOKEN").unwrap(),
        SecretValue::from("x"),
    ));
    app.update(Msg::Input(Edit::Backspace));
    assert!(app.update(Msg::Submit).is_empty());
    assert_eq!(app.mode(), Mode::Confirm);
    assert!(matches!(
        app.update(Msg::Yes).as_slice(),
        [Effect::Save { kind: SaveKind::Edit, value, .. }] if value.expose_secret().is_empty()
    ));
}

#[test]
fn a_pasted_value_keeps_its_lines_and_enter_still_submits() {
    let mut app = unlocked();
    app.update(Msg::Act(Action::Add));
    typed(&mut app, "MULTI");
    app.update(Msg::NextField(1));
    app.update(Msg::Input(Edit::Paste("line1\rline2\r\nline3".into())));
    let (_, value) = saved(&app.update(Msg::Submit));
    assert_eq!(value, "line1\nline2\nline3");
}

#[test]
fn reveal_opens_the_detail_pane_which_scrolls_and_closes() {
    let mut app = unlocked();
    let fx = app.update(Msg::Act(Action::Reveal));
    let [Effect::Reveal(s, k)] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    let pem: String = (0..60).map(|i| format!("line{i:02}\n")).collect();
    app.update(Msg::Revealed(s.clone(), k.clone(), SecretValue::from(pem)));
    app.update(Msg::Note(Some("issued by ops".into())));
    assert_eq!(app.mode(), Mode::Detail);
    let r = app.revealed.as_ref().unwrap();
    assert_eq!(r.note.as_deref(), Some("issued by ops"));
    app.update(Msg::Act(Action::Down));
    assert_eq!(app.revealed.as_ref().unwrap().scroll, 1);
    app.update(Msg::Act(Action::Bottom));
    let last = app.revealed.as_ref().unwrap().scroll;
    let body = usize::from(crate::tui::layout::detail_value(app.size).height);
    assert_eq!(last, 61 - body, "the last line is the bottom one");
    app.update(Msg::Act(Action::Down));
    assert_eq!(
        app.revealed.as_ref().unwrap().scroll,
        last,
        "no scrolling past it"
    );
    // `c` copies from the pane; any other key closes it.
    assert!(matches!(
        app.update(Msg::Act(Action::Copy)).as_slice(),
        [Effect::Copy(..)]
    ));
    app.update(Msg::Act(Action::Back));
    assert!(app.revealed.is_none());
    assert_eq!(app.mode(), Mode::Normal);
    // It closes by itself after 30 s.
    app.update(Msg::Revealed(s.clone(), k.clone(), SecretValue::from("v")));
    later(&mut app, 31);
    assert!(app.revealed.is_none());
}

#[test]
fn locking_clears_the_clipboard_when_it_holds_our_value() {
    let mut app = unlocked();
    app.update(Msg::Copied(KeyName::new("GITHUB_TOKEN").unwrap()));
    let fx = app.update(Msg::Act(Action::Lock));
    assert!(
        matches!(fx.as_slice(), [.., Effect::ClearClipboard, Effect::Lock]),
        "{fx:?}"
    );
    // Auto-lock too.
    let mut app = unlocked();
    app.update(Msg::Copied(KeyName::new("GITHUB_TOKEN").unwrap()));
    app.cfg.clear_after = Duration::from_secs(600);
    app.update(Msg::Copied(KeyName::new("GITHUB_TOKEN").unwrap()));
    let fx = later(&mut app, 301);
    assert!(
        matches!(fx.as_slice(), [.., Effect::ClearClipboard, Effect::Lock]),
        "{fx:?}"
    );
}

#[test]
fn the_clipboard_countdown_and_its_message_agree() {
    let mut app = unlocked();
    app.cfg.clear_after = Duration::from_secs(60);
    app.update(Msg::Copied(KeyName::new("GITHUB_TOKEN").unwrap()));
    assert!(status(&app).contains("clears in 1 min"), "{}", status(&app));
    let screen = crate::tui::test_support::render(&app, 100, 24);
    assert!(screen.contains("clears in 1 min"), "{screen}");
}

#[test]
fn keys_that_cannot_act_say_why() {
    let mut app = unlocked();
    // An empty environment, as the vault lists it once `n` made it.
    app.update(Msg::ScopeLoaded(
        crate::Scope::parse("api/qa").unwrap(),
        vec![],
        None,
    ));
    for a in [
        Action::Copy,
        Action::CopyName,
        Action::Reveal,
        Action::Edit,
        Action::Rotate,
        Action::History,
        Action::Delete,
    ] {
        app.status = None;
        assert!(app.update(Msg::Act(a)).is_empty(), "{a:?}");
        assert!(
            status(&app).contains("nothing selected"),
            "{a:?}: {}",
            status(&app)
        );
        assert!(app.dialog.is_none(), "{a:?}");
    }
}

#[test]
fn sort_by_name_age_and_rotation_due_keeps_the_selected_key() {
    let mut app = unlocked();
    app.update(Msg::Act(Action::SwitchPane));
    app.update(Msg::Act(Action::Bottom));
    app.update(Msg::Act(Action::Up)); // shop/prod
    app.update(Msg::Act(Action::SwitchPane));
    let keys = |app: &App| -> Vec<String> {
        (0..app.view_len())
            .map(|i| {
                app.catalog.secrets[app.view_secret(i).unwrap()]
                    .meta
                    .key
                    .to_string()
            })
            .collect()
    };
    assert_eq!(keys(&app)[0], "AWS_ACCESS_KEY_ID");
    app.update(Msg::Act(Action::Down)); // AWS_SECRET_ACCESS_KEY
    app.update(Msg::Act(Action::Sort));
    assert_eq!(app.sort, SortBy::Age);
    assert_eq!(
        keys(&app)[0],
        "DATABASE_URL",
        "the oldest first: {:?}",
        keys(&app)
    );
    assert_eq!(keys(&app).last().unwrap(), "SESSION_SECRET");
    assert_eq!(
        app.selected().unwrap().1.as_str(),
        "AWS_SECRET_ACCESS_KEY",
        "the same key stays selected"
    );
    app.update(Msg::Act(Action::Sort));
    assert_eq!(app.sort, SortBy::Due);
    assert_eq!(keys(&app)[0], "DATABASE_URL");
    app.update(Msg::Act(Action::Sort));
    assert_eq!(app.sort, SortBy::Name);
    assert_eq!(keys(&app)[0], "AWS_ACCESS_KEY_ID");
}

#[test]
fn copying_a_name_leaves_no_value_to_clear() {
    let mut app = unlocked();
    app.update(Msg::Copied(KeyName::new("GITHUB_TOKEN").unwrap()));
    let fx = app.update(Msg::Act(Action::CopyName));
    let [Effect::CopyName(k)] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    app.update(Msg::NameCopied(k.clone()));
    assert!(app.clip.is_none());
    assert!(status(&app).contains("copied the name GITHUB_TOKEN"));
}

#[test]
fn a_signal_quits_from_any_dialog_and_clears_the_clipboard() {
    let mut app = unlocked();
    app.update(Msg::Copied(KeyName::new("GITHUB_TOKEN").unwrap()));
    app.update(Msg::Act(Action::Help));
    let fx = app.stop();
    assert!(
        matches!(fx.as_slice(), [.., Effect::ClearClipboard, Effect::Quit]),
        "{fx:?}"
    );
    assert!(app.quit);
}
