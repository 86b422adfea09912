//! Tests of the `.env.example` schema: rule lines and free text, a bad rule named by
//! file:line, each format, and `check` reporting every kind of problem without values.

use super::*;

const EXAMPLE: &str = "\
# The database.
# required, format: url, owner: alice, max-age: 90d
DATABASE_URL=
# optional, format: port
PORT=
# free text, not rules
SENTRY_DSN=
# optional, format: regex:^sk_(live|test)_[a-z0-9,]+$
STRIPE_KEY=
";

fn present<'a>(pairs: &'a [(&'a str, &'a str)], updated: i64) -> Vec<Present<'a>> {
    pairs
        .iter()
        .map(|(k, v)| Present {
            key: k,
            value: Some(v),
            updated: Some(updated),
        })
        .collect()
}

#[test]
fn rule_lines_and_free_text() {
    let s = parse(EXAMPLE, ".env.example").unwrap();
    assert_eq!(s.len(), 4);
    let db = &s[0].rule;
    assert!(!db.optional);
    assert_eq!(db.format, Some(Format::Url));
    assert_eq!(db.owner.as_deref(), Some("alice"));
    assert_eq!(db.max_age, Some(90 * 86_400));
    assert_eq!(s[0].comments, ["The database."]);
    assert!(s[1].rule.optional);
    assert_eq!(s[2].rule, Rule::default());
    assert_eq!(s[2].comments, ["free text, not rules"]);
    assert!(s[3].rule.optional);
    assert_eq!(
        s[3].rule.format,
        Some(Format::Regex("^sk_(live|test)_[a-z0-9,]+$".into()))
    );
    assert_eq!(
        db.line(),
        "required, owner: alice, max-age: 90d, format: url"
    );
    assert_eq!(parse_rule(&db.line()).unwrap().as_ref(), Some(db));
}

#[test]
fn a_bad_rule_names_the_line() {
    for bad in [
        "required, format: nonsense",
        "optional, max-age: 5x",
        "max-age: 2y",
        "format: regex:(",
    ] {
        let text = format!("# {bad}\nKEY=\n");
        let e = parse(&text, "x.example").unwrap_err().to_string();
        assert!(e.contains("x.example:1"), "{bad}: {e}");
    }
}

#[test]
fn formats() {
    let cases: &[(Format, &[&str], &[&str])] = &[
        (
            Format::Url,
            &["https://a.b/c", "postgres://u:p@h/db"],
            &["a.b", "://x", "http://a b"],
        ),
        (Format::Int, &["0", "-12", "+3"], &["", "1.5", "x"]),
        (
            Format::Port,
            &["1", "65535"],
            &["0", "65536", "-1", "+80", "http"],
        ),
        (
            Format::Email,
            &["a@b.co"],
            &["a@b", "@b.co", "a b@c.de", "a@.b"],
        ),
        (
            Format::Uuid,
            &["123e4567-e89b-12d3-a456-426614174000"],
            &["123e4567e89b12d3a456426614174000"],
        ),
        (
            Format::Base64,
            &["aGVsbG8=", "aGVsbG8", "a-_b"],
            &["", "not base64!"],
        ),
        (
            Format::Pem,
            &["-----BEGIN KEY-----\nMII=\n-----END KEY-----\n"],
            &["MII=", "-----BEGIN KEY-----\n"],
        ),
        (Format::Regex("^sk_".into()), &["sk_live"], &["pk_live"]),
    ];
    for (f, good, bad) in cases {
        for v in *good {
            assert!(f.accepts(v), "{f:?} should accept {v:?}");
        }
        for v in *bad {
            assert!(!f.accepts(v), "{f:?} should refuse {v:?}");
        }
    }
}

#[test]
fn check_reports_every_kind_of_problem_without_values() {
    let s = parse(EXAMPLE, ".env.example").unwrap();
    let now = 200 * 86_400;
    let p = present(
        &[
            ("PORT", "http"),
            ("EXTRA", "x"),
            ("STRIPE_KEY", "sk_live_ab,c"),
        ],
        0,
    );
    let problems = check(&s, &p, now, true);
    assert_eq!(
        problems,
        [
            Problem::Missing {
                key: "DATABASE_URL".into()
            },
            Problem::Format {
                key: "PORT".into(),
                format: "port".into()
            },
            Problem::Missing {
                key: "SENTRY_DSN".into()
            },
            Problem::Unknown {
                key: "EXTRA".into()
            },
        ]
    );
    let p = present(&[("DATABASE_URL", "https://db"), ("SENTRY_DSN", "x")], 0);
    let problems = check(&s, &p, now, false);
    assert_eq!(
        problems,
        [Problem::Stale {
            key: "DATABASE_URL".into(),
            age_days: 200,
            max_age: "90d".into()
        }]
    );
    assert!(problems.iter().all(|p| !p.line().contains("https://db")));
}
