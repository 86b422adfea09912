//! Rotation, history, rollback, policies and stale secrets through the `Vault` API, with bad
//! input, 1,000 rotations of one key, and SIGKILL during `devvault rotate`. The commands'
//! own tests are in `rotation_cli.rs`.

use crate::common;

use common::cli::Env;
use common::*;
use devvault::rotation::{Change, PolicySource, Rotation};
use devvault::{Error, SecretValue, Vault};

const DAY: i64 = 86_400;

fn rotate(v: &mut Vault, sc: &str, k: &str, val: &str) -> Result<u64, Error> {
    v.rotate(&scope(sc), &key(k), &SecretValue::from(val), None)
}

#[test]
fn rotate_keeps_every_version_and_rollback_restores_one_as_new() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut v) = new_vault(dir.path());
    set(&mut v, "app", "STRIPE_KEY", "sk_1");
    let opts = Rotation {
        note: Some("revoked sk_1".into()),
        url: Some("https://dashboard.stripe.com/apikeys".into()),
    };
    let s = scope("app");
    let k = key("STRIPE_KEY");
    assert_eq!(v.rotate_with(&s, &k, &"sk_2".into(), &opts).unwrap(), 2);
    assert_eq!(rotate(&mut v, "app", "STRIPE_KEY", "sk_3").unwrap(), 3);
    assert_eq!(get(&mut v, "app", "STRIPE_KEY").unwrap(), "sk_3");
    let h = v.history(&s, &k).unwrap();
    let made: Vec<(u32, Change, bool)> =
        h.iter().map(|i| (i.version, i.change, i.current)).collect();
    assert_eq!(
        made,
        [
            (1, Change::Set, false),
            (2, Change::Rotate, false),
            (3, Change::Rotate, true)
        ]
    );
    assert_eq!(h[1].note.as_deref(), Some("revoked sk_1"));
    assert_eq!(v.history_value(&s, &k, 1).unwrap().expose_secret(), "sk_1");
    let meta = &v.list(&s).unwrap()[0];
    assert_eq!(
        meta.url.as_deref(),
        Some("https://dashboard.stripe.com/apikeys")
    );
    assert!(meta.rotated_at.is_some());
    // Rollback to version 1 makes version 4 with version 1's value.
    assert_eq!(v.rollback(&s, &k, 1).unwrap(), 4);
    assert_eq!(get(&mut v, "app", "STRIPE_KEY").unwrap(), "sk_1");
    let last = v.history(&s, &k).unwrap().pop().unwrap();
    assert_eq!(
        (last.change, last.restored_from),
        (Change::Rollback, Some(1))
    );
    // A missing version: not found (exit 4), the versions listed.
    let e = v.rollback(&s, &k, 9).unwrap_err();
    assert_eq!(e.exit_code(), 4);
    assert!(
        e.to_string().contains("version 9") && e.to_string().contains("versions 1-4"),
        "{e}"
    );
    assert!(matches!(
        v.history_value(&s, &k, 0),
        Err(Error::NotFound { .. })
    ));
}

#[test]
fn rotate_refuses_a_missing_key_and_the_same_value() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut v) = new_vault(dir.path());
    set(&mut v, "app", "STRIPE_KEY", "sk_1");
    let e = rotate(&mut v, "app", "STRIPE_KY", "x").unwrap_err();
    assert!(e.to_string().contains("did you mean `STRIPE_KEY`"), "{e}");
    assert_eq!(e.exit_code(), 4);
    let e = rotate(&mut v, "app", "STRIPE_KEY", "sk_1").unwrap_err();
    assert!(matches!(e, Error::InvalidInput { .. }), "{e}");
    assert!(!e.to_string().contains("sk_1"), "{e}");
    let long = Rotation {
        note: Some("x".repeat(3000)),
        url: None,
    };
    assert!(
        v.rotate_with(&scope("app"), &key("STRIPE_KEY"), &"n".into(), &long)
            .is_err()
    );
    assert_eq!(v.list(&scope("app")).unwrap()[0].version, 1);
}

#[test]
fn rm_keeps_history_until_purge() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut v) = new_vault(dir.path());
    let (s, k) = (scope("app"), key("TOKEN"));
    set(&mut v, "app", "TOKEN", "t1");
    set(&mut v, "app", "TOKEN", "t2");
    set(&mut v, "app", "OTHER", "o");
    v.remove(&s, &k).unwrap();
    let h = v.history(&s, &k).unwrap();
    assert_eq!(h.len(), 2);
    assert!(h[1].removed_at.is_some() && !h[1].current);
    // Setting it again continues the numbering; rollback works across the removal.
    set(&mut v, "app", "TOKEN", "t3");
    assert_eq!(v.list(&s).unwrap()[1].version, 3);
    v.remove(&s, &k).unwrap();
    assert_eq!(v.rollback(&s, &k, 2).unwrap(), 4);
    assert_eq!(get(&mut v, "app", "TOKEN").unwrap(), "t2");
    assert_eq!(v.purge(&s, &k).unwrap(), 4);
    assert!(matches!(v.history(&s, &k), Err(Error::NotFound { .. })));
    assert!(matches!(
        get(&mut v, "app", "TOKEN"),
        Err(Error::NotFound { .. })
    ));
    assert_eq!(get(&mut v, "app", "OTHER").unwrap(), "o");
    assert!(v.purge(&s, &k).is_err());
}

#[test]
fn policies_and_stale_secrets_across_projects() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut v) = new_vault(dir.path());
    set(&mut v, "web", "A", "a");
    set(&mut v, "web", "B", "b");
    set(&mut v, "api/prod", "C", "c");
    let now = devvault::vault::now();
    assert!(v.stale(now).unwrap().is_empty());
    let p = v.policy(&scope("web"), None).unwrap();
    assert_eq!((p.max_age, p.source), (90 * 86_400, PolicySource::Default));
    v.set_policy(&scope("web"), None, Some(30 * 86_400))
        .unwrap();
    v.set_policy(&scope("web"), Some(&key("B")), Some(7 * 86_400))
        .unwrap();
    assert_eq!(
        v.policy(&scope("web"), Some(&key("A"))).unwrap().source,
        PolicySource::Scope
    );
    assert_eq!(
        v.policy(&scope("web"), Some(&key("B"))).unwrap().source,
        PolicySource::Key
    );
    let e = v
        .set_policy(&scope("web"), Some(&key("Z")), Some(86_400))
        .unwrap_err();
    assert_eq!(e.exit_code(), 4);
    let found = |days: i64| -> Vec<(String, String, u64)> {
        let mut v = reopen(&path);
        v.stale(now + days * DAY)
            .unwrap()
            .into_iter()
            .map(|s| (s.scope.to_string(), s.key.to_string(), s.overdue_days))
            .collect()
    };
    assert_eq!(found(10), [("web/dev".into(), "B".into(), 3)]);
    assert_eq!(
        found(42),
        [
            ("web/dev".into(), "A".into(), 12),
            ("web/dev".into(), "B".into(), 35)
        ]
    );
    assert_eq!(found(100).len(), 3);
    // Clearing the key's policy falls back to the scope's; a rotation resets the age.
    v.set_policy(&scope("web"), Some(&key("B")), None).unwrap();
    assert_eq!(found(10), []);
    // A deleted policy row is an integrity error, not a silent default.
    drop(v);
    sql(&path).execute("DELETE FROM policies", []).unwrap();
    assert!(is_integrity(reopen(&path).stale(now)));
}

#[test]
fn a_thousand_rotations_keep_every_version_readable() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut v) = new_vault(dir.path());
    let (s, k) = (scope("app"), key("HOT"));
    set(&mut v, "app", "HOT", "value-1");
    for i in 2..=1001u64 {
        assert_eq!(
            rotate(&mut v, "app", "HOT", &format!("value-{i}")).unwrap(),
            i
        );
    }
    drop(v);
    let mut v = reopen(&path);
    let h = v.history(&s, &k).unwrap();
    assert_eq!(h.len(), 1001);
    assert!(
        h.iter()
            .enumerate()
            .all(|(i, info)| info.version as usize == i + 1)
    );
    for version in [1, 2, 500, 999, 1000, 1001] {
        let value = v.history_value(&s, &k, version).unwrap();
        assert_eq!(value.expose_secret(), format!("value-{version}"));
    }
    assert_eq!(get(&mut v, "app", "HOT").unwrap(), "value-1001");
}

#[test]
fn sigkill_during_rotate_never_leaves_a_key_without_a_current_version() {
    let env = Env::new();
    env.set(&["app", "K"], "v1");
    // Kill times spread over how long one whole rotate takes on this machine now (a fixed
    // window missed every commit on a loaded machine).
    let started = std::time::Instant::now();
    env.cmd()
        .args(["rotate", "app", "K", "--generate", "32"])
        .assert()
        .success();
    let window = (started.elapsed().as_micros() as u64 * 3 / 2).max(20_000);
    let mut rng = 0x2545_f491_u64;
    let (mut killed_mid_way, mut last) = (0, 2);
    for _ in 0..40 {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("devvault"))
            .args(["rotate", "app", "K", "--generate", "32"])
            .env("DEVVAULT_VAULT", &env.vault)
            .env("DEVVAULT_PASSPHRASE", common::cli::PASS)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        std::thread::sleep(std::time::Duration::from_micros(rng % window));
        let _ = child.kill();
        child.wait().unwrap();
        let c = sql(&env.vault);
        let check: String = c
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok");
        drop(c);
        let mut v = Vault::open(&env.vault)
            .unwrap()
            .unlock(&pass(common::cli::PASS))
            .unwrap();
        let h = v.history(&scope("app"), &key("K")).unwrap();
        let current = h.iter().filter(|i| i.current).count();
        assert_eq!(current, 1, "exactly one current version");
        assert!(
            h.iter()
                .enumerate()
                .all(|(i, info)| info.version as usize == i + 1)
        );
        assert!(get(&mut v, "app", "K").unwrap().len() >= 2);
        if h.len() == last {
            killed_mid_way += 1;
        }
        last = h.len();
        v.audit_verify().unwrap();
    }
    assert!(
        killed_mid_way > 0,
        "no kill landed before the commit: the test proved nothing"
    );
    assert!(
        last > 2,
        "no rotation ever committed: the test proved nothing"
    );
}
