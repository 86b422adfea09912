//! The frozen vault of the current format: `tests/data/v5.db` (schema 5, made once by
//! `tests/data/make-v5.sh`) must open in every later devvault with every value, version,
//! note, URL, policy, its age identity, its export record, its team remote and its audit
//! chain intact, and take new writes beside its old records.

use crate::common;

use common::*;
use devvault::{Error, Vault};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

#[test]
fn the_frozen_schema_5_vault_still_opens() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v5.db");
    std::fs::copy(data.join("v5.db"), &path).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    let mut v = Vault::open(&path)
        .unwrap()
        .unlock(&pass("devvault frozen vault v5"))
        .unwrap();
    assert!(v.audit_verify().unwrap().entries >= 13);

    assert_eq!(get(&mut v, "myapp", "STRIPE_KEY").unwrap(), "sk_live_one");
    assert_eq!(
        get(&mut v, "myapp", "DB_URL").unwrap(),
        "postgres://u:p@localhost/db"
    );
    assert_eq!(get(&mut v, "myapp/prod", "PEM").unwrap(), "line1\nline2");
    let h = v.history(&scope("myapp"), &key("STRIPE_KEY")).unwrap();
    let versions: Vec<_> = h.iter().map(|i| (i.version, i.current)).collect();
    assert_eq!(versions, [(1, false), (2, false), (3, true)]);
    assert_eq!(h[1].note.as_deref(), Some("old key revoked"));
    assert_eq!(h[2].restored_from, Some(1));
    let old = v
        .history_value(&scope("myapp"), &key("STRIPE_KEY"), 2)
        .unwrap();
    assert_eq!(old.expose_secret(), "sk_live_two");
    let listed = v.list(&scope("myapp")).unwrap();
    let stripe = listed
        .iter()
        .find(|m| m.key.as_str() == "STRIPE_KEY")
        .unwrap();
    assert_eq!(
        stripe.url.as_deref(),
        Some("https://dashboard.stripe.com/apikeys")
    );
    let days = v.policy(&scope("myapp"), None).unwrap().max_age / 86_400;
    assert_eq!(days, 30);
    assert!(matches!(
        get(&mut v, "other", "OLD"),
        Err(Error::NotFound { .. })
    ));
    assert_eq!(v.history(&scope("other"), &key("OLD")).unwrap().len(), 1);

    let recipient = std::fs::read_to_string(data.join("v5-recipient.txt")).unwrap();
    assert_eq!(v.age_recipient().unwrap(), recipient.trim());
    let exports = v.exports().unwrap();
    assert_eq!(exports.len(), 1);
    assert!(exports[0].path.ends_with("frozen.env"));
    assert_eq!(exports[0].scope, "myapp/dev");
    let remotes = v.remotes().unwrap();
    assert_eq!(remotes.len(), 1);
    assert_eq!(
        (remotes[0].name.as_str(), remotes[0].url.as_str()),
        ("team", "http://127.0.0.1:8200")
    );
    assert_eq!(
        (remotes[0].mount.as_str(), remotes[0].prefix.as_str()),
        ("secret", "devvault")
    );

    // New writes beside the frozen records, then everything still checks.
    set(&mut v, "myapp", "STRIPE_KEY", "sk_live_four");
    set(&mut v, "myapp", "NEW", "n");
    let h = v.history(&scope("myapp"), &key("STRIPE_KEY")).unwrap();
    assert_eq!(h.len(), 4);
    assert_eq!(get(&mut v, "myapp", "STRIPE_KEY").unwrap(), "sk_live_four");
    assert_eq!(get(&mut v, "myapp", "NEW").unwrap(), "n");
    v.audit_verify().unwrap();
    drop(v);
    let mut v = Vault::open(&path)
        .unwrap()
        .unlock(&pass("devvault frozen vault v5"))
        .unwrap();
    assert_eq!(v.age_recipient().unwrap(), recipient.trim());
    v.audit_verify().unwrap();
}
