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
}

#[test]
fn a_hostile_note_is_escaped_with_a_warning_naming_the_item() {
    let items = vec![it("x", "X", Some("a\u{1b}[2J")), it("y", "Y", Some("fine"))];
    let warnings = note_warnings(&items);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("`x`"), "{warnings:?}");
    let ok = entries(items, "").unwrap();
    assert_eq!(ok[0].2.as_deref(), Some("a\\u{1b}[2J"));
    assert_eq!(ok[1].2.as_deref(), Some("fine"));
    let long = "\u{1b}".repeat(crate::text::MAX_TEXT);
    let ok = entries(vec![it("z", "Z", Some(&long))], "").unwrap();
    let kept = ok[0].2.as_deref().unwrap();
    crate::text::check("note", kept).unwrap();
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
