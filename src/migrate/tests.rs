//! Unit tests of the import plumbing: prefixes, the key grammar, collisions and notes.

use super::*;

fn it(origin: &str, key: &str, note: Option<&str>) -> Item {
    Item {
        origin: origin.into(),
        key: key.into(),
        value: SecretValue::new("v".into()),
        note: note.map(str::to_string),
    }
}

#[test]
fn entries_take_the_prefix_and_refuse_collisions_naming_both() {
    let ok = entries(vec![it("a", "A", None), it("b", "B", Some("n"))], "OLD_").unwrap();
    let names: Vec<&str> = ok.iter().map(|(k, _, _)| k.as_str()).collect();
    assert_eq!(names, ["OLD_A", "OLD_B"]);
    let err = entries(
        vec![it("db-url", "DB_URL", None), it("DB URL", "DB_URL", None)],
        "",
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("`db-url`") && err.contains("`DB URL`") && err.contains("DB_URL"));
}

#[test]
fn entries_refuse_a_bad_key_or_note_naming_the_item() {
    let err = entries(vec![it("token", "TOKEN", None)], "9")
        .unwrap_err()
        .to_string();
    assert!(err.contains("`token`"), "{err}");
    let err = entries(vec![it("x", "X", Some("a\u{1b}[2J"))], "")
        .unwrap_err()
        .to_string();
    assert!(err.contains("item `x`"), "{err}");
}

#[test]
fn item_names_the_origin_when_no_key_maps() {
    let err = item(
        "!!\u{1b}".into(),
        &["!!"],
        SecretValue::new("v".into()),
        None,
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("`!!\\u{1b}`"), "{err}");
}

#[test]
fn note_is_one_line_of_labelled_parts_cut_to_the_limit() {
    assert_eq!(
        note(&[("user", "al"), ("url", ""), ("", "a\r\n\nb\tc\n")]).as_deref(),
        Some("user: al; a / b c")
    );
    assert_eq!(note(&[("", " \n")]), None);
    let long = "é".repeat(crate::text::MAX_TEXT);
    let cut = note(&[("", &long)]).unwrap();
    assert!(cut.len() <= crate::text::MAX_TEXT && cut.ends_with('…'));
}
