//! The exposure ledger: which teammates, bare recipients and remotes received which keys at
//! which versions. `share` and `push` (and `grant`, through [`Vault::record_exposure`])
//! record into it in the same transaction as their audit entry, as sealed `X` rows of
//! `extras` (one row per hand-over). `devvault exposure` lists it; `devvault offboard`
//! plans from it. Names and version numbers only, never a value.

use super::extras::{self, Extra};
use super::keys::Keys;
use super::{Vault, now, state};
use crate::audit::{Event, EventKind};
use crate::error::{Error, Result};
use crate::store::{Header, Tx};
use serde::{Deserialize, Serialize};

/// Who received keys.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Receiver {
    /// A trusted teammate, by their local name, signing-key fingerprint and age recipient.
    Teammate {
        /// The name given at `trust add`.
        name: String,
        /// Their signing key's fingerprint (`SHA256:...`).
        fingerprint: String,
        /// Their age recipient (`age1...`), what bundles are encrypted to.
        recipient: String,
    },
    /// A recipient no trusted identity matches (`age1...` or an SSH key line).
    Recipient {
        /// The recipient as given.
        recipient: String,
    },
    /// Whoever knows the passphrase of a passphrase-locked bundle.
    Passphrase,
    /// A team remote (`devvault remote`), by name.
    Remote {
        /// The remote's name.
        name: String,
    },
}

impl Receiver {
    /// How a person reads it: `alice (SHA256:...)`, `age1... (not trusted)`, `remote team`.
    pub fn label(&self) -> String {
        match self {
            Receiver::Teammate {
                name, fingerprint, ..
            } => format!("{name} ({fingerprint})"),
            Receiver::Recipient { recipient } => format!("{} (not trusted)", short(recipient)),
            Receiver::Passphrase => "a passphrase bundle".to_string(),
            Receiver::Remote { name } => format!("remote {name}"),
        }
    }

    /// Whether this is the teammate `name` (fingerprint `fp`, age recipient `age`): by
    /// name, by fingerprint, or a bare recipient equal to theirs.
    pub fn is_person(&self, name: &str, fp: &str, age: &str) -> bool {
        match self {
            Receiver::Teammate {
                name: n,
                fingerprint,
                recipient,
            } => {
                n == name
                    || (!fp.is_empty() && fingerprint == fp)
                    || (!age.is_empty() && recipient == age)
            }
            Receiver::Recipient { recipient } => !age.is_empty() && recipient == age,
            Receiver::Passphrase | Receiver::Remote { .. } => false,
        }
    }
}

/// The first 16 characters of a long recipient, with `…`.
fn short(s: &str) -> String {
    match s.char_indices().nth(16) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// How keys went out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Via {
    /// `devvault share`.
    Share,
    /// `devvault grant`.
    Grant,
    /// `devvault push`.
    Push,
    /// A bundle `devvault offboard` wrote to a remaining recipient.
    Reshare,
}

impl Via {
    /// The command's word.
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Share => "share",
            Via::Grant => "grant",
            Via::Push => "push",
            Via::Reshare => "reshare",
        }
    }
}

/// One key at one version handed over.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exposed {
    /// The scope (`project/env`).
    pub scope: String,
    /// The key.
    pub key: String,
    /// Its version at the time.
    pub version: u32,
}

/// One hand-over: a sealed `X` row.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Handover {
    to: Receiver,
    via: Via,
    at: i64,
    keys: Vec<Exposed>,
}

/// One line of the ledger: a key at a version that went to a receiver.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Exposure {
    /// Who received it.
    pub to: Receiver,
    /// How.
    pub via: Via,
    /// When (Unix seconds).
    pub at: i64,
    /// The scope (`project/env`).
    pub scope: String,
    /// The key.
    pub key: String,
    /// The version handed over.
    pub version: u32,
}

/// Every line of the ledger, oldest first.
pub(super) fn ledger(tx: &Tx<'_>, keys: &Keys, h: &Header) -> Result<Vec<Exposure>> {
    let mut out = Vec::new();
    for (_, x) in extras::load(tx, keys, h)? {
        let Extra::Exposure(json) = x else { continue };
        let row: Handover = serde_json::from_slice(&json)
            .map_err(|_| Error::integrity("an exposure ledger record is malformed"))?;
        out.extend(row.keys.into_iter().map(|k| Exposure {
            to: row.to.clone(),
            via: row.via,
            at: row.at,
            scope: k.scope,
            key: k.key,
            version: k.version,
        }));
    }
    Ok(out)
}

/// Records inside a write transaction that `to` received `items` by `via` (one sealed row
/// and one audit entry); nothing when `items` is empty.
pub(super) fn record(
    tx: &Tx<'_>,
    keys: &Keys,
    h: &mut Header,
    to: &Receiver,
    via: Via,
    items: &[Exposed],
) -> Result<()> {
    if items.is_empty() {
        return Ok(());
    }
    let row = Handover {
        to: to.clone(),
        via,
        at: now(),
        keys: items.to_vec(),
    };
    let plain = super::trust::encode(b'X', &row)?;
    let n = items.len();
    let event = Event::new(EventKind::Exposure).detail(format!(
        "{n} {} to {} by {}",
        if n == 1 { "key" } else { "keys" },
        to.label(),
        via.as_str()
    ));
    extras::change(tx, keys, h, &[], Some(&plain), &event)
}

/// The receiver for a recipient string: the trusted teammate whose identity's age
/// recipient it is, else the bare recipient.
pub(super) fn receiver_of(trusted: &[super::TrustedSender], recipient: &str) -> Receiver {
    let found = trusted
        .iter()
        .find(|t| t.identity.split_whitespace().next() == Some(recipient));
    match found {
        Some(t) => Receiver::Teammate {
            name: t.name.clone(),
            fingerprint: t.fingerprint(),
            recipient: recipient.to_string(),
        },
        None => Receiver::Recipient {
            recipient: recipient.to_string(),
        },
    }
}

impl Vault {
    /// THE entry point for commands that hand keys over outside `share` and `push` (e.g.
    /// `grant`): records that `to` received `items` (scope, key, version) by `via`, with an
    /// audit entry, in one transaction.
    pub fn record_exposure(&mut self, to: &Receiver, via: Via, items: &[Exposed]) -> Result<()> {
        let keys = &self.keys;
        self.store.write(|tx| {
            let mut h = state::header(tx, keys)?;
            record(tx, keys, &mut h, to, via, items)
        })
    }

    /// The receivers of a bundle encrypted to `recipients` (encoded `age1...` or SSH
    /// lines; none: a passphrase bundle), each mapped to a trusted teammate when one's age
    /// recipient matches.
    pub fn receivers(&mut self, recipients: &[String]) -> Result<Vec<Receiver>> {
        if recipients.is_empty() {
            return Ok(vec![Receiver::Passphrase]);
        }
        let trusted = self.trusted()?;
        Ok(recipients
            .iter()
            .map(|r| receiver_of(&trusted, r))
            .collect())
    }

    /// Every line of the exposure ledger, oldest first.
    pub fn exposures(&mut self) -> Result<Vec<Exposure>> {
        let keys = &self.keys;
        self.store
            .read(|tx| ledger(tx, keys, &state::header(tx, keys)?))
    }
}
