//! Unit and property tests for `dotenv`.
use super::*;
use proptest::prelude::*;

fn values(src: &str) -> Vec<(String, String, usize)> {
    parse(src, ".env")
        .unwrap()
        .into_iter()
        .map(|e| {
            (
                e.key.to_string(),
                e.value.expose_secret().to_string(),
                e.line,
            )
        })
        .collect()
}

fn error(src: &str) -> String {
    parse(src, "f.env").unwrap_err().to_string()
}

#[test]
fn parses_the_python_dotenv_grammar() {
    let src = "\u{feff}# comment\r\nexport A=1\r\n  B = two words  # note\n\
               C='single \\' \\\\ \\n'\nD=\"dq \\\" \\\\ \\n \\t \\q\" # c\n\
               E=\"multi\nline\"\nF=\nG= # only a comment\nH=#not a comment\n\
               'I'=x\nJ=`back 'tick' \"q\"`\nK=a#b\nA=last\n\n\n";
    let got = values(src);
    let want = [
        ("A", "last", 14),
        ("B", "two words", 3),
        ("C", "single ' \\ \\n", 4),
        ("D", "dq \" \\ \n \t \\q", 5),
        ("E", "multi\nline", 6),
        ("F", "", 8),
        ("G", "", 9),
        ("H", "#not a comment", 10),
        ("I", "x", 11),
        ("J", "back 'tick' \"q\"", 12),
        ("K", "a#b", 13),
    ];
    let want: Vec<_> = want
        .iter()
        .map(|(k, v, l)| (k.to_string(), v.to_string(), *l))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn backticks_without_a_clean_close_are_unquoted() {
    assert_eq!(values("A=`x` y\n")[0].1, "`x` y");
    assert_eq!(values("A=`x\n")[0].1, "`x");
    assert_eq!(values("A=`a\\` b` # c\n")[0].1, "a\\` b");
    assert_eq!(values("A=`a\\`\n")[0].1, "a\\");
}

#[test]
fn errors_name_file_and_line_never_the_value() {
    let cases = [
        ("A=1\nB='canary\n", "f.env:2: the value's opening `'`"),
        (
            "A=\"canary\" canary\n",
            "f.env:1: unexpected text after the closing quote",
        ),
        ("A=1\n=canary\n", "f.env:2: a line with no key"),
        ("\n\nCANARY\n", "f.env:3: a key with no `=`"),
        ("A canary\n", "f.env:1: expected `=` after the key"),
        ("'A=canary\n", "f.env:1: a quoted key with no closing"),
        ("A=\"canary\\\"\n", "f.env:1: the value's opening `\"`"),
        ("export =canary\n", "f.env:1: a line with no key"),
    ];
    for (src, want) in cases {
        let e = error(src);
        assert!(e.starts_with(want), "{src:?}: {e}");
        assert!(!e.to_lowercase().contains("canary"), "{src:?}: {e}");
    }
    let e = error("A=1\n1BAD=canary\n");
    assert!(e.starts_with("f.env:2: invalid key name `1BAD`"), "{e}");
    assert!(!e.contains("canary"), "{e}");
    assert!(error("B\n").contains("write `KEY=` for an empty value"));
}

#[test]
fn renders_each_value_in_its_simplest_portable_form() {
    let cases = [
        ("", "''", true),
        ("plain", "'plain'", true),
        ("say \"hi\" #1 ${X}", "'say \"hi\" #1 ${X}'", true),
        ("C:\\dir\\n", "'C:\\dir\\n'", true),
        ("multi\nline", "\"multi\\nline\"", true),
        ("it's", "\"it's\"", true),
        ("it's\r\n", "\"it's\\r\\n\"", true),
        ("a\\\\b", "a\\\\b", true),
        ("dir\\", "dir\\", true),
        ("it's \"x\"", "\"it's \\\"x\\\"\"", false),
        ("\"it's\"", "\"\\\"it's\\\"\"", false),
        (" a\\", "\" a\\\\\"", false),
        ("x'\\n\ny", "\"x'\\\\n\\ny\"", false),
    ];
    for (value, want, portable) in cases {
        assert_eq!(
            render_value(value),
            (want.to_string(), portable),
            "{value:?}"
        );
    }
}

fn tricky() -> impl Strategy<Value = String> {
    let alphabet: Vec<char> = " \t\n\r#'\"`\\=$={}abnrtvx\u{2028}\u{85}\u{feff}\u{1c}é😀"
        .chars()
        .collect();
    prop::collection::vec(prop::sample::select(alphabet), 0..16)
        .prop_map(|v| v.into_iter().collect())
}

proptest! {
    #[test]
    fn parse_never_panics(src in "\\PC*", noise in tricky()) {
        let _ = parse(&src, "p");
        let _ = parse(&noise, "p");
        let _ = parse(&format!("A={noise}\nB={src}"), "p");
    }

    #[test]
    fn parse_reads_back_every_rendered_value(a in tricky(), b in any::<String>()) {
        let (ra, _) = render_value(&a);
        let (rb, _) = render_value(&b);
        let file = format!("A={ra}\nB={rb}\n");
        let got = values(&file);
        prop_assert_eq!(got.len(), 2);
        prop_assert_eq!(&got[0].1, &a);
        prop_assert_eq!(&got[1].1, &b);
    }
}
