//! Unit tests of the sync decision: every state, and what push and pull do in it.

use super::*;

fn d(n: u8) -> Digest {
    [n; 32]
}

fn base(version: u64, n: u8) -> Base {
    Base {
        version,
        digest: d(n),
    }
}

#[test]
fn never_synced() {
    assert_eq!(state(None, None, None), State::InSync);
    assert_eq!(state(None, Some(d(1)), None), State::LocalAhead);
    assert_eq!(state(None, None, Some((3, d(1)))), State::RemoteAhead);
    assert_eq!(state(None, Some(d(1)), Some((3, d(1)))), State::InSync);
    assert_eq!(state(None, Some(d(1)), Some((3, d(2)))), State::Diverged);
}

#[test]
fn after_a_sync() {
    let b = base(4, 1);
    assert_eq!(state(Some(&b), Some(d(1)), Some((4, d(1)))), State::InSync);
    assert_eq!(
        state(Some(&b), Some(d(2)), Some((4, d(1)))),
        State::LocalAhead
    );
    assert_eq!(
        state(Some(&b), Some(d(1)), Some((5, d(3)))),
        State::RemoteAhead
    );
    assert_eq!(
        state(Some(&b), Some(d(2)), Some((5, d(3)))),
        State::Diverged
    );
    // Both sides made the same change.
    assert_eq!(state(Some(&b), Some(d(2)), Some((5, d(2)))), State::InSync);
    // The remote wrote a new version with the same content: nothing to pull.
    assert_eq!(state(Some(&b), Some(d(1)), Some((5, d(1)))), State::InSync);
    assert_eq!(
        state(Some(&b), Some(d(2)), Some((5, d(1)))),
        State::LocalAhead
    );
}

#[test]
fn remote_entry_deleted_after_a_sync() {
    let b = base(4, 1);
    assert_eq!(state(Some(&b), Some(d(1)), None), State::RemoteAhead);
    assert_eq!(state(Some(&b), Some(d(2)), None), State::Diverged);
}

#[test]
fn push_in_each_state() {
    assert_eq!(push_action(State::InSync, 4), PushAction::Record);
    assert_eq!(
        push_action(State::LocalAhead, 4),
        PushAction::Write { cas: 4 }
    );
    assert_eq!(
        push_action(State::LocalAhead, 0),
        PushAction::Write { cas: 0 }
    );
    assert_eq!(push_action(State::RemoteAhead, 5), PushAction::Refuse);
    assert_eq!(push_action(State::Diverged, 5), PushAction::Refuse);
}

#[test]
fn pull_in_each_state() {
    use Resolution::{Ours, Theirs};
    assert_eq!(pull_action(State::InSync, None), PullAction::Record);
    assert_eq!(pull_action(State::RemoteAhead, None), PullAction::Apply);
    assert_eq!(
        pull_action(State::RemoteAhead, Some(Ours)),
        PullAction::Apply
    );
    assert_eq!(pull_action(State::LocalAhead, None), PullAction::Nothing);
    assert_eq!(
        pull_action(State::LocalAhead, Some(Theirs)),
        PullAction::Apply
    );
    assert_eq!(pull_action(State::Diverged, None), PullAction::Refuse);
    assert_eq!(
        pull_action(State::Diverged, Some(Theirs)),
        PullAction::Apply
    );
    assert_eq!(
        pull_action(State::Diverged, Some(Ours)),
        PullAction::KeepOurs
    );
}

#[test]
fn digest_is_order_free_and_framed() {
    let (a, b) = (KeyName::new("A").unwrap(), KeyName::new("B").unwrap());
    let (x, y) = (SecretValue::from("x"), SecretValue::from("y"));
    assert_eq!(digest(&[(&a, &x), (&b, &y)]), digest(&[(&b, &y), (&a, &x)]));
    assert_ne!(digest(&[(&a, &x)]), digest(&[(&a, &y)]));
    let (ab, c) = (KeyName::new("AB").unwrap(), SecretValue::from("Bx"));
    assert_ne!(digest(&[(&a, &c)]), digest(&[(&ab, &x)]));
    assert_ne!(digest(&[]), digest(&[(&a, &x)]));
}

#[test]
fn diff_names_keys_never_values() {
    let (a, b, c) = (
        KeyName::new("A").unwrap(),
        KeyName::new("B").unwrap(),
        KeyName::new("C").unwrap(),
    );
    let (v1, v2) = (
        SecretValue::from("s3cret-one"),
        SecretValue::from("s3cret-two"),
    );
    let diff = KeyDiff::between(&[(&a, &v1), (&b, &v1)], &[(&a, &v2), (&c, &v1)]);
    assert_eq!(diff.changed, ["A"]);
    assert_eq!(diff.only_local, ["B"]);
    assert_eq!(diff.only_remote, ["C"]);
    let text = diff.to_string();
    assert!(text.contains("different values: A") && text.contains("only on the remote: C"));
    assert!(!text.contains("s3cret"));
    assert_eq!(
        KeyDiff::between(&[(&a, &v1)], &[(&a, &v1)]).to_string(),
        "same keys and values"
    );
}

#[test]
fn gone_entries() {
    let empty = digest(&[]);
    let b = base(4, 1);
    for (gone, want) in [
        (Some(Gone::Deleted), State::RemoteDeleted),
        (Some(Gone::Destroyed), State::RemoteDestroyed),
        (None, State::RemoteMetadataDeleted),
    ] {
        assert_eq!(state_without(Some(&b), Some(d(1)), gone), want);
        assert_eq!(state_without(Some(&b), None, gone), want);
        assert_eq!(
            pull_action(want, Some(Resolution::Theirs)),
            PullAction::Refuse
        );
        assert_eq!(push_action(want, 4), PushAction::Refuse);
        assert_eq!(want.gone().map(Gone::state), Some(want));
    }
    // A deletion accepted here, or an entry never seen.
    let accepted = Base {
        version: 4,
        digest: empty,
    };
    assert_eq!(
        state_without(Some(&accepted), Some(empty), Some(Gone::Deleted)),
        State::InSync
    );
    assert_eq!(
        state_without(None, None, Some(Gone::Deleted)),
        State::InSync
    );
    assert_eq!(
        state_without(None, Some(d(1)), Some(Gone::Destroyed)),
        State::RemoteDestroyed
    );
    assert_eq!(state_without(None, Some(d(1)), None), State::LocalAhead);
}
