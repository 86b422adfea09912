//! Tests of the `/` filter: fuzzy matching, narrowing, ranking and appended secrets.

use super::*;
use crate::{KeyName, Scope, SecretMeta};

fn catalog() -> Catalog {
    let meta = |k: &str| SecretMeta {
        key: KeyName::new(k).unwrap(),
        created: 0,
        updated: 0,
        version: 1,
        rotated_at: None,
        url: None,
        max_age: 90 * 86_400,
        overdue_days: None,
        empty: false,
        inherited_from: None,
    };
    Catalog::new(vec![
        (
            Scope::parse("shop/prod").unwrap(),
            vec![meta("STRIPE_KEY"), meta("DATABASE_URL")],
        ),
        (
            Scope::parse("blog/dev").unwrap(),
            vec![meta("SMTP_PASSWORD"), meta("STRIPE_WEBHOOK")],
        ),
    ])
}

fn keys(f: &Filter, cat: &Catalog) -> Vec<String> {
    let name = |&i: &u32| cat.secrets[i as usize].meta.key.to_string();
    f.hits().iter().map(name).collect()
}

#[test]
fn fuzzy_across_projects_and_narrowing() {
    let cat = catalog();
    let mut f = Filter::default();
    f.set_query("strp", &cat);
    let mut got = keys(&f, &cat);
    got.sort();
    assert_eq!(got, ["STRIPE_KEY", "STRIPE_WEBHOOK"]);
    f.set_query("strpkey", &cat);
    assert_eq!(keys(&f, &cat), ["STRIPE_KEY"]);
    f.set_query("strp", &cat);
    assert_eq!(f.hits().len(), 2, "a shorter query rescans everything");
    f.set_query("blog", &cat);
    let mut got = keys(&f, &cat);
    got.sort();
    assert_eq!(
        got,
        ["SMTP_PASSWORD", "STRIPE_WEBHOOK"],
        "scope names match too"
    );
    f.set_query("zzz", &cat);
    assert!(f.hits().is_empty());
    f.set_query("", &cat);
    assert_eq!(f.hits().len(), 4);
}

fn many(n: usize) -> Vec<SecretMeta> {
    (0..n)
        .map(|i| SecretMeta {
            key: KeyName::new(&format!("KEY_{i:05}")).unwrap(),
            created: 0,
            updated: 0,
            version: 1,
            rotated_at: None,
            url: None,
            max_age: 90 * 86_400,
            overdue_days: None,
            empty: false,
            inherited_from: None,
        })
        .collect()
}

#[test]
fn every_hit_is_listed_once_beyond_the_ranked_ones() {
    let n = TOP + 500;
    let cat = Catalog::new(vec![(Scope::parse("app/dev").unwrap(), many(n))]);
    let mut f = Filter::default();
    f.set_query("key", &cat);
    assert!(f.done());
    let mut got = f.hits().to_vec();
    assert_eq!(got.len(), n);
    got.sort_unstable();
    got.dedup();
    assert_eq!(got.len(), n, "no hit twice");
    f.set_query("key_0149", &cat);
    let best = &cat.secrets[f.hits()[0] as usize].meta.key;
    assert_eq!(
        best.as_str(),
        "KEY_01490",
        "contiguous first, ties in catalog order"
    );
}

#[test]
fn appended_scopes_join_a_narrowed_query() {
    let web = Scope::parse("web/prod").unwrap();
    let mut cat = Catalog::with_pending(
        vec![(Scope::parse("app/dev").unwrap(), many(3))],
        vec![web.clone()],
    );
    let mut f = Filter::default();
    f.set_query("key", &cat);
    assert_eq!(f.hits().len(), 3);
    cat.fill(vec![(web, many(2))]);
    f.extend(&cat);
    assert_eq!(f.hits().len(), 5);
    f.set_query("key_00000", &cat);
    assert_eq!(f.hits().len(), 2, "KEY_00000 of both scopes");
}

#[test]
fn a_scan_split_over_many_steps_finds_the_same_hits() {
    let cat = Catalog::new(vec![
        (Scope::parse("app/dev").unwrap(), many(700)),
        (Scope::parse("web/prod").unwrap(), many(800)),
    ]);
    let mut whole = Filter::default();
    let mut split = Filter::chunked(std::time::Duration::ZERO, 7);
    for q in ["k", "ke", "key_1", "key_12", "ey", "key_0001"] {
        whole.set_query(q, &cat);
        split.set_query(q, &cat);
        let mut steps = 0;
        while !split.done() {
            split.step(&cat);
            steps += 1;
        }
        assert!(q.len() > 4 || steps > 10, "{q}: split into steps");
        assert_eq!(split.hits(), whole.hits(), "{q}");
    }
}
