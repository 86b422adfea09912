//! The `Vault` API on a real SQLite file in a temporary directory: round trips, reports,
//! suggestions, file modes and the frozen vaults (v1, and schema 2 with audit and history).

use crate::common;

use common::*;
use devvault::{Error, SecretValue, Vault};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

#[test]
fn set_get_list_export_remove_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut v) = new_vault(dir.path());
    set(&mut v, "myapp", "STRIPE_KEY", "sk_live_x");
    set(&mut v, "myapp", "DB_URL", "postgres://u:p@h/db");
    set(&mut v, "myapp/prod", "STRIPE_KEY", "sk_live_prod");
    drop(v);
    let mut v = reopen(&path);
    assert_eq!(get(&mut v, "myapp", "STRIPE_KEY").unwrap(), "sk_live_x");
    assert_eq!(
        get(&mut v, "myapp/prod", "STRIPE_KEY").unwrap(),
        "sk_live_prod"
    );
    let keys: Vec<String> = v
        .list(&scope("myapp"))
        .unwrap()
        .iter()
        .map(|m| m.key.to_string())
        .collect();
    assert_eq!(keys, ["DB_URL", "STRIPE_KEY"]);
    set(&mut v, "myapp", "STRIPE_KEY", "sk_live_y");
    let meta = v.list(&scope("myapp")).unwrap();
    assert_eq!(meta[1].version, 2);
    let exported: Vec<(String, String)> = v
        .export(&scope("myapp"))
        .unwrap()
        .iter()
        .map(|(k, s)| (k.to_string(), s.expose_secret().to_string()))
        .collect();
    assert_eq!(
        exported,
        [
            ("DB_URL".into(), "postgres://u:p@h/db".into()),
            ("STRIPE_KEY".into(), "sk_live_y".into())
        ]
    );
    v.remove(&scope("myapp"), &key("DB_URL")).unwrap();
    assert!(matches!(
        get(&mut v, "myapp", "DB_URL"),
        Err(Error::NotFound { .. })
    ));
    let projects = v.projects().unwrap();
    assert_eq!(projects.len(), 1);
    let envs: Vec<(&str, usize)> = projects[0]
        .environments
        .iter()
        .map(|e| (e.name.as_str(), e.keys))
        .collect();
    assert_eq!(envs, [("dev", 1), ("prod", 1)]);
}

#[test]
fn not_found_suggests_the_closest_name() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut v) = new_vault(dir.path());
    set(&mut v, "myapp", "STRIPE_KEY", "x");
    let e = get(&mut v, "myapp", "STRIPE_KY").unwrap_err().to_string();
    assert!(e.contains("did you mean `STRIPE_KEY`"), "{e}");
    let e = get(&mut v, "myap", "STRIPE_KEY").unwrap_err().to_string();
    assert!(
        e.contains("project `myap`") && e.contains("myapp/dev"),
        "{e}"
    );
    let e = get(&mut v, "myapp/prd", "STRIPE_KEY").unwrap_err();
    assert_eq!(e.exit_code(), 4);
}

#[test]
fn import_reports_and_is_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut v) = new_vault(dir.path());
    set(&mut v, "a", "SAME", "1");
    set(&mut v, "a", "CHANGED", "old");
    let entries = vec![
        (key("SAME"), SecretValue::from("1")),
        (key("CHANGED"), SecretValue::from("new")),
        (key("NEW"), SecretValue::from("n")),
    ];
    let r = v.import(&scope("a"), &entries).unwrap();
    assert_eq!(
        (r.added, r.changed, r.unchanged),
        (
            vec!["NEW".to_string()],
            vec!["CHANGED".to_string()],
            vec!["SAME".to_string()]
        )
    );
}

#[test]
fn files_and_directories_are_private_and_loose_modes_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut v) = new_vault(dir.path());
    set(&mut v, "a", "K", "v");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(path.parent().unwrap()), 0o700);
    assert_eq!(mode(&path), 0o600);
    for suffix in ["-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let p = PathBuf::from(p);
        if p.exists() {
            assert_eq!(mode(&p), 0o600, "{}", p.display());
        }
    }
    drop(v);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let Err(e) = Vault::open(&path) else {
        panic!("a world-readable vault was opened")
    };
    assert!(e.to_string().contains("chmod 600"), "{e}");
}

#[test]
fn a_missing_vault_is_not_found() {
    let dir = tempfile::tempdir().unwrap();
    let Err(e) = Vault::open(&dir.path().join("none.db")) else {
        panic!()
    };
    assert_eq!(e.exit_code(), 4);
    assert!(e.to_string().contains("devvault init"), "{e}");
}

#[test]
fn the_frozen_v1_vault_still_opens() {
    // tests/data/v1.db was written by the first release's format and must open forever.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.db");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/v1.db"),
        &path,
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    let mut v = Vault::open(&path)
        .unwrap()
        .unlock(&pass("devvault frozen vault v1"))
        .unwrap();
    assert_eq!(
        get(&mut v, "myapp", "STRIPE_KEY").unwrap(),
        "sk_live_frozen_2"
    );
    assert_eq!(
        get(&mut v, "myapp", "DB_URL").unwrap(),
        "postgres://u:p@localhost/db"
    );
    assert_eq!(get(&mut v, "myapp/prod", "PEM").unwrap(), "line1\nline2");
    let meta = v.list(&scope("myapp")).unwrap();
    assert_eq!((meta[1].key.as_str(), meta[1].version), ("STRIPE_KEY", 2));
    let projects = v.projects().unwrap();
    assert_eq!(
        projects
            .iter()
            .map(|p| p.project.as_str())
            .collect::<Vec<_>>(),
        ["myapp", "other"]
    );
    assert!(matches!(
        get(&mut v, "other", "OLD"),
        Err(Error::NotFound { .. })
    ));
    // And it keeps working for writes.
    set(&mut v, "myapp", "NEW", "n");
    drop(v);
    let mut v = Vault::open(&path)
        .unwrap()
        .unlock(&pass("devvault frozen vault v1"))
        .unwrap();
    assert_eq!(get(&mut v, "myapp", "NEW").unwrap(), "n");
}

#[test]
fn the_frozen_schema_2_vault_still_opens() {
    // tests/data/v2.db (made by make-v2.sh) holds an audit log, policies and version
    // history; it must open forever, its history and audit chain intact.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v2.db");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/v2.db"),
        &path,
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    let mut v = Vault::open(&path)
        .unwrap()
        .unlock(&pass("devvault frozen vault v2"))
        .unwrap();
    assert!(v.audit_verify().unwrap().entries >= 10);
    assert_eq!(get(&mut v, "myapp", "STRIPE_KEY").unwrap(), "sk_live_one");
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
    let days = |p: devvault::rotation::Policy| p.max_age / 86_400;
    assert_eq!(days(v.policy(&scope("myapp"), None).unwrap()), 30);
    let stripe = v.policy(&scope("myapp"), Some(&key("STRIPE_KEY"))).unwrap();
    assert_eq!(days(stripe), 84);
    assert!(matches!(
        get(&mut v, "other", "OLD"),
        Err(Error::NotFound { .. })
    ));
    assert_eq!(v.history(&scope("other"), &key("OLD")).unwrap().len(), 1);
    set(&mut v, "myapp", "NEW", "n");
    v.audit_verify().unwrap();
    // Records of the new (schema 5) format beside the old ones, in secrets and history.
    set(&mut v, "myapp", "STRIPE_KEY", "sk_live_four");
    let h = v.history(&scope("myapp"), &key("STRIPE_KEY")).unwrap();
    let versions: Vec<_> = h.iter().map(|i| (i.version, i.current)).collect();
    assert_eq!(versions, [(1, false), (2, false), (3, false), (4, true)]);
    assert_eq!(h[1].note.as_deref(), Some("old key revoked"));
    assert_eq!(h[2].restored_from, Some(1));
    let listed = v.list(&scope("myapp")).unwrap();
    let new = listed.iter().find(|m| m.key.as_str() == "NEW").unwrap();
    assert_eq!(new.version, 1);
    let exported = v.export(&scope("myapp")).unwrap();
    assert!(
        exported
            .iter()
            .any(|(k, v)| k.as_str() == "NEW" && v.expose_secret() == "n")
    );
    assert_eq!(get(&mut v, "myapp", "STRIPE_KEY").unwrap(), "sk_live_four");
    v.audit_verify().unwrap();
}

#[test]
fn add_refuses_an_existing_key_without_reading_or_auditing_it() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut v) = new_vault(dir.path());
    let s = scope("app/dev");
    let k = key("API_TOKEN");
    v.add(&s, &k, &SecretValue::from("first")).unwrap();
    let before = v.audit_events(0).unwrap().len();
    let err = v.add(&s, &k, &SecretValue::from("second")).unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("API_TOKEN already exists in app/dev"),
        "{err}"
    );
    assert_eq!(
        v.audit_events(0).unwrap().len(),
        before,
        "no entry for a refused add"
    );
    assert_eq!(v.get(&s, &k).unwrap().expose_secret(), "first");
}

#[test]
fn list_says_which_values_are_empty_without_opening_them() {
    let dir = tempfile::tempdir().unwrap();
    let (_path, mut v) = new_vault(dir.path());
    set(&mut v, "myapp", "EMPTY", "");
    set(&mut v, "myapp", "FULL", "x");
    let meta = v.list(&scope("myapp")).unwrap();
    let empty: Vec<(String, bool)> = meta.iter().map(|m| (m.key.to_string(), m.empty)).collect();
    assert_eq!(
        empty,
        [("EMPTY".to_string(), true), ("FULL".to_string(), false)]
    );
}

#[test]
fn empty_scopes_the_trash_the_last_scope_and_data_version() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut v) = new_vault(dir.path());
    // An empty environment exists once made, and is made once.
    assert!(v.create_scope(&scope("repo/staging")).unwrap());
    assert!(!v.create_scope(&scope("repo/staging")).unwrap());
    let mut again = reopen(&path);
    assert_eq!(again.scopes().unwrap(), vec![scope("repo/staging")]);
    assert!(again.list(&scope("repo/staging")).unwrap().is_empty());

    // Removed keys are in the trash with their last version, and come back from it.
    set(&mut v, "app/dev", "A", "one");
    set(&mut v, "app/dev", "A", "two");
    set(&mut v, "app/dev", "B", "b");
    assert!(v.trash(&scope("app/dev")).unwrap().is_empty());
    v.remove(&scope("app/dev"), &key("A")).unwrap();
    let trash = v.trash(&scope("app/dev")).unwrap();
    assert_eq!(trash.len(), 1);
    assert_eq!((trash[0].key.as_str(), trash[0].version), ("A", 2));
    v.rollback(&scope("app/dev"), &key("A"), 2).unwrap();
    assert_eq!(get(&mut v, "app/dev", "A").unwrap(), "two");
    assert!(v.trash(&scope("app/dev")).unwrap().is_empty());

    // The last scope shown is kept sealed in the vault, beside strict-audit.
    assert_eq!(v.last_scope().unwrap(), None);
    v.set_strict_audit(true).unwrap();
    v.set_last_scope(&scope("app/dev")).unwrap();
    let mut again = reopen(&path);
    assert_eq!(again.last_scope().unwrap(), Some(scope("app/dev")));
    assert!(again.strict_audit().unwrap(), "the other setting survives");

    // Another connection's commit moves data_version; one's own does not.
    let before = again.data_version().unwrap();
    again.set_last_scope(&scope("repo/staging")).unwrap();
    assert_eq!(again.data_version().unwrap(), before);
    set(&mut v, "app/dev", "C", "c");
    assert_ne!(again.data_version().unwrap(), before);
}
