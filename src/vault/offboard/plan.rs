//! The types of an offboarding (its plan, its steps, what `--verify` finds) and the
//! generator a key's new value is made with. Pure.

use super::Receiver;
use crate::generate::{Charset, Generator, MIN_CHARS};
use serde::{Deserialize, Serialize};

/// An offboarding: what to do, what is done. Sealed in the vault as an `O` row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OffboardPlan {
    /// The teammate's local name.
    pub name: String,
    /// Their signing key's fingerprint.
    pub fingerprint: String,
    /// Their age recipient.
    pub recipient: String,
    /// When the plan was made (Unix seconds).
    pub started: i64,
    /// Every key they received whose current version (then) they saw.
    pub keys: Vec<PlannedKey>,
    /// The steps done, in order.
    pub done: Vec<Step>,
    /// When it ended (trust removed); None while in progress or not begun.
    pub finished: Option<i64>,
}

/// One key to rotate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedKey {
    /// The scope (`project/env`).
    pub scope: String,
    /// The key.
    pub key: String,
    /// The versions the teammate saw.
    pub seen: Vec<u32>,
    /// Its version when the plan was made.
    pub current: u32,
    /// Where it is issued and revoked (the version's URL), to show when asking for it.
    pub url: Option<String>,
    /// The remotes that hold its scope, to push to after the rotation.
    pub remotes: Vec<String>,
    /// The other recipients that received it, to re-share the new value to.
    pub others: Vec<Receiver>,
}

/// A step done.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "kebab-case")]
pub enum Step {
    /// A key rotated to `version`.
    Rotated {
        /// The scope.
        scope: String,
        /// The key.
        key: String,
        /// Its new version.
        version: u32,
    },
    /// A scope pushed to a remote.
    Pushed {
        /// The scope.
        scope: String,
        /// The remote.
        remote: String,
    },
    /// A bundle of the new values written for a remaining recipient.
    Shared {
        /// [`OffboardPlan::receiver_id`] of the recipient.
        to: String,
        /// The file written.
        file: String,
    },
}

impl Step {
    /// The step for the audit log, e.g. `rotated to version 3`.
    pub fn describe(&self) -> String {
        match self {
            Step::Rotated { version, .. } => format!("rotated to version {version}"),
            Step::Pushed { scope, remote } => format!("{scope} pushed to {remote}"),
            Step::Shared { to, file } => format!("new values re-shared to {to} in {file}"),
        }
    }

    /// The scope and key of a rotation.
    pub fn key(&self) -> Option<(&str, &str)> {
        match self {
            Step::Rotated { scope, key, .. } => Some((scope, key)),
            _ => None,
        }
    }
}

/// A key still at a version the teammate saw.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StillSeen {
    /// The scope.
    pub scope: String,
    /// The key.
    pub key: String,
    /// Its current version, one they saw.
    pub version: u32,
}

impl OffboardPlan {
    /// Whether `key` of `scope` was rotated by this offboarding.
    pub fn rotated(&self, scope: &str, key: &str) -> bool {
        self.done
            .iter()
            .any(|d| matches!(d, Step::Rotated { scope: s, key: k, .. } if s == scope && k == key))
    }

    /// Whether `scope` was pushed to `remote`.
    pub fn pushed(&self, scope: &str, remote: &str) -> bool {
        self.done
            .iter()
            .any(|d| matches!(d, Step::Pushed { scope: s, remote: r } if s == scope && r == remote))
    }

    /// Whether the recipient `id` got their bundle.
    pub fn shared(&self, id: &str) -> bool {
        self.done
            .iter()
            .any(|s| matches!(s, Step::Shared { to, .. } if to == id))
    }

    /// Every (scope, remote) to push, in order.
    pub fn pushes(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for k in &self.keys {
            for r in &k.remotes {
                let pair = (k.scope.clone(), r.clone());
                if !out.contains(&pair) {
                    out.push(pair);
                }
            }
        }
        out
    }

    /// Every remaining recipient with the (scope, key)s to re-share to them, in order.
    pub fn shares(&self) -> Vec<(Receiver, Vec<(String, String)>)> {
        let mut out: Vec<(Receiver, Vec<(String, String)>)> = Vec::new();
        for k in &self.keys {
            for r in &k.others {
                let item = (k.scope.clone(), k.key.clone());
                match out.iter_mut().find(|(x, _)| x == r) {
                    Some((_, items)) => items.push(item),
                    None => out.push((r.clone(), vec![item])),
                }
            }
        }
        out
    }

    /// A stable id for a recipient: a teammate's fingerprint, else the recipient itself.
    pub fn receiver_id(r: &Receiver) -> String {
        match r {
            Receiver::Teammate { fingerprint, .. } => fingerprint.clone(),
            Receiver::Recipient { recipient } => recipient.clone(),
            Receiver::Passphrase => "passphrase".to_string(),
            Receiver::Remote { name } => format!("remote {name}"),
        }
    }
}

/// The generator of a new value shaped like `current`: lowercase hex stays hex, letters
/// and digits stay alphanumeric, the base64 alphabet stays base64, each at the same length
/// (at least 16); anything else (a URL, punctuation) becomes 32 alphanumeric characters.
pub fn generator_like(current: &str) -> Generator {
    let body = current.trim_end_matches('=');
    let len = body.chars().count().clamp(MIN_CHARS, 4096);
    let all = |f: fn(char) -> bool| !body.is_empty() && body.chars().all(f);
    if all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)) {
        Generator::new(Charset::Hex, Some(len))
    } else if all(|c| c.is_ascii_alphanumeric()) {
        Generator::new(Charset::Alnum, Some(len))
    } else if all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '/') {
        Generator::new(Charset::Base64, Some(len))
    } else {
        Generator::new(Charset::Alnum, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_values_keep_the_shape_of_the_old() {
        let g = generator_like("0123456789abcdef0123456789abcdef01234567");
        assert_eq!((g.charset, g.len), (Charset::Hex, 40));
        let g = generator_like("sk_live_with_underscores");
        assert_eq!((g.charset, g.len), (Charset::Alnum, 32));
        let g = generator_like("AbC123");
        assert_eq!((g.charset, g.len), (Charset::Alnum, 16));
        let g = generator_like("YWJj+/ZGVmZ2hpamtsbW5vcHFy==");
        assert_eq!((g.charset, g.len), (Charset::Base64, 26));
        let g = generator_like("postgres://u:p@host/db");
        assert_eq!((g.charset, g.len), (Charset::Alnum, 32));
        assert!(generator_like("").check(false).is_ok());
    }

    #[test]
    fn shares_group_keys_by_recipient_and_pushes_dedup() {
        let bob = Receiver::Recipient {
            recipient: "age1bob".into(),
        };
        let key = |k: &str| PlannedKey {
            scope: "app/prod".into(),
            key: k.into(),
            seen: vec![1],
            current: 1,
            url: None,
            remotes: vec!["team".into()],
            others: vec![bob.clone()],
        };
        let plan = OffboardPlan {
            name: "carol".into(),
            fingerprint: "SHA256:x".into(),
            recipient: "age1carol".into(),
            started: 0,
            keys: vec![key("A"), key("B")],
            done: vec![Step::Pushed {
                scope: "app/prod".into(),
                remote: "team".into(),
            }],
            finished: None,
        };
        assert_eq!(plan.pushes(), vec![("app/prod".into(), "team".into())]);
        assert!(plan.pushed("app/prod", "team") && !plan.rotated("app/prod", "A"));
        let shares = plan.shares();
        assert_eq!(shares.len(), 1);
        assert_eq!(shares[0].1.len(), 2);
    }
}
