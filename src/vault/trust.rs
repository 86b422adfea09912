//! Who this vault is and whom it trusts, in its sealed `extras` records: its Ed25519
//! signing key (made on first use, like its age identity), the teammates pinned with
//! `trust add` (with the creation time of the last bundle received from each, against
//! replays). Deciding
//! whether a received bundle's sender is accepted lives here too; the signature itself is
//! checked by [`crate::bundle::decode_signed`].

use super::extras::{self, Extra};
use super::{Vault, now, state};
use crate::audit::{Event, EventKind};
use crate::bundle::SignedBy;
use crate::error::{BundleFailure, Error, Result};
use crate::signing::{PublicIdentity, SigningSecret};
use crate::store::Tx;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// A teammate pinned with `trust add` (or `receive --trust-new`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustedSender {
    /// The local name given to them.
    pub name: String,
    /// Their identity line (`age1... devvault-sign:...`).
    pub identity: String,
    /// When they were pinned (Unix seconds).
    pub added: i64,
    /// The creation time of the last bundle received from them.
    #[serde(default)]
    pub last_created: Option<i64>,
}

impl TrustedSender {
    /// Their signing key's fingerprint (`SHA256:...`); empty if the stored line is malformed.
    pub fn fingerprint(&self) -> String {
        PublicIdentity::parse(&self.identity)
            .map(|p| p.key.fingerprint())
            .unwrap_or_default()
    }
}

/// Who sent a bundle, as accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sender {
    /// Signed by this vault itself.
    Yourself {
        /// The signing key's fingerprint.
        fingerprint: String,
    },
    /// Signed by a trusted teammate.
    Trusted {
        /// Their local name.
        name: String,
        /// Their signing key's fingerprint.
        fingerprint: String,
    },
    /// Signed by a key the user names now (`--trust-new NAME`); pinned on import.
    New {
        /// The name given.
        name: String,
        /// The identity to pin.
        identity: PublicIdentity,
    },
    /// Not signed; accepted with `--unsigned`.
    Unsigned,
}

impl Sender {
    /// `from alice (SHA256:...)`, `from yourself (...)`, `unsigned`.
    pub fn describe(&self) -> String {
        match self {
            Sender::Yourself { fingerprint } => format!("from yourself ({fingerprint})"),
            Sender::Trusted { name, fingerprint } => format!("from {name} ({fingerprint})"),
            Sender::New { name, identity } => {
                format!(
                    "from {name} ({}), newly trusted",
                    identity.key.fingerprint()
                )
            }
            Sender::Unsigned => "unsigned (sender unknown)".to_string(),
        }
    }
}

/// What the user accepts for one `receive`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Acceptance<'a> {
    /// The recipients this vault can decrypt as (its own, and `-i` keys'), or the
    /// passphrase binding of a passphrase bundle.
    pub mine: &'a [String],
    /// Trust an unknown signer under this name.
    pub trust_new: Option<&'a str>,
    /// Accept an unsigned bundle.
    pub unsigned: bool,
    /// Accept a bundle older than the last one from the same sender.
    pub allow_replay: bool,
}

/// Checks a name for `trust add`: letters, digits, `.`, `_`, `@`, `-`, at most 64.
pub fn check_trust_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '@' | '-'));
    if ok {
        return Ok(());
    }
    let shown = crate::preview::printable(name);
    Err(Error::invalid(
        format!("`{shown}` is not a usable name for a teammate"),
        "use letters, digits, `.`, `_`, `@` or `-` (at most 64), e.g. `alice` or `alice@corp`",
    ))
}

fn trusted_of(rows: &[(crate::store::SealedRow, Extra)]) -> Result<Vec<(i64, TrustedSender)>> {
    rows.iter()
        .filter_map(|(r, x)| match x {
            Extra::Trust(json) => Some(
                serde_json::from_slice(json)
                    .map(|t| (r.id, t))
                    .map_err(|_| Error::integrity("a trusted-sender record is malformed")),
            ),
            _ => None,
        })
        .collect()
}

pub(super) fn load_all(
    tx: &Tx<'_>,
    keys: &super::keys::Keys,
) -> Result<Vec<(crate::store::SealedRow, Extra)>> {
    let h = state::header(tx, keys)?;
    extras::load(tx, keys, &h)
}

pub(super) fn encode(tag: u8, v: &impl Serialize) -> Result<Vec<u8>> {
    let mut plain = vec![tag];
    plain.extend(
        serde_json::to_vec(v)
            .map_err(|_| Error::invalid("a vault record", "it could not be encoded"))?,
    );
    Ok(plain)
}

impl Vault {
    /// The vault's signing key, created (and sealed in the vault) on first use.
    pub fn signing_secret(&mut self) -> Result<SigningSecret> {
        let keys = &self.keys;
        let find = |rows: Vec<(crate::store::SealedRow, Extra)>| {
            rows.into_iter().find_map(|(_, x)| match x {
                Extra::Signing(b) => Some(b),
                _ => None,
            })
        };
        let found = self.store.read(|tx| Ok(find(load_all(tx, keys)?)))?;
        let bytes = match found {
            Some(b) => b,
            None => self.store.write(|tx| {
                let mut h = state::header(tx, keys)?;
                if let Some(b) = find(extras::load(tx, keys, &h)?) {
                    return Ok(b);
                }
                let secret = SigningSecret::generate()?;
                let raw = secret.to_bytes();
                let mut plain = Zeroizing::new(b"S".to_vec());
                plain.extend_from_slice(&raw[..]);
                let event = Event::new(EventKind::Identity).detail(format!(
                    "Ed25519 signing key {} created",
                    secret.public().fingerprint()
                ));
                extras::change(tx, keys, &mut h, &[], Some(&plain), &event)?;
                Ok(Zeroizing::new(raw.to_vec()))
            })?,
        };
        let seed: Zeroizing<[u8; 32]> = Zeroizing::new(
            bytes[..]
                .try_into()
                .map_err(|_| Error::integrity("the vault's signing key is malformed"))?,
        );
        Ok(SigningSecret::from_bytes(&seed))
    }

    /// The line a teammate copies: the age recipient and the signing key.
    pub fn public_identity(&mut self) -> Result<PublicIdentity> {
        let age = self.age_recipient()?;
        let key = self.signing_secret()?.public();
        Ok(PublicIdentity { age, key })
    }

    /// The teammates this vault trusts, by name.
    pub fn trusted(&mut self) -> Result<Vec<TrustedSender>> {
        let keys = &self.keys;
        let mut out: Vec<TrustedSender> = self
            .store
            .read(|tx| trusted_of(&load_all(tx, keys)?))?
            .into_iter()
            .map(|(_, t)| t)
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// Pins `identity` as `name`. A name or key already trusted is refused, naming it.
    pub fn trust(&mut self, name: &str, identity: &PublicIdentity) -> Result<()> {
        check_trust_name(name)?;
        let own = self.public_identity()?;
        if own.key == identity.key {
            return Err(Error::invalid(
                "that is this vault's own identity",
                "give the teammate's line (their `devvault identity`)",
            ));
        }
        let keys = &self.keys;
        self.store.write(|tx| {
            let mut h = state::header(tx, keys)?;
            add_trusted(tx, keys, &mut h, name, identity, None)
        })
    }

    /// Forgets the teammate `name`.
    pub fn untrust(&mut self, name: &str) -> Result<()> {
        let keys = &self.keys;
        self.store.write(|tx| {
            let mut h = state::header(tx, keys)?;
            let all = trusted_of(&extras::load(tx, keys, &h)?)?;
            let Some((id, t)) = all.iter().find(|(_, t)| t.name == name) else {
                return Err(Error::not_found(
                    format!("trusted sender `{name}`"),
                    name,
                    all.iter().map(|(_, t)| t.name.as_str()),
                ));
            };
            let event = Event::new(EventKind::Identity).detail(format!(
                "trust removed: {} ({})",
                t.name,
                t.fingerprint()
            ));
            extras::change(tx, keys, &mut h, &[*id], None, &event)
        })
    }

    /// Decides whether a decoded bundle's sender is accepted: signed by this vault or a
    /// trusted teammate (or one named now), for one of `acc.mine`, and not older than the
    /// last bundle from the same sender; or unsigned with `acc.unsigned`.
    pub fn sender(
        &mut self,
        signed: Option<&SignedBy>,
        created: i64,
        file: &str,
        acc: &Acceptance<'_>,
    ) -> Result<Sender> {
        let Some(signed) = signed else {
            if acc.unsigned {
                return Ok(Sender::Unsigned);
            }
            return Err(Error::Bundle {
                kind: BundleFailure::Unsigned,
                what: format!("{file} is unsigned: anyone who knows your public recipient could have made it"),
                fix: "nothing was imported; ask the sender to use `devvault share` (signed), or pass --unsigned if you know where it came from (e.g. made with the `age` CLI)".into(),
            });
        };
        let fp = signed.from.key.fingerprint();
        if !signed.recipients.iter().any(|r| acc.mine.contains(r)) {
            return Err(Error::Bundle {
                kind: BundleFailure::OtherRecipients,
                what: format!(
                    "{file} was signed by {fp} for other recipients ({}), not for this vault: someone who received it re-encrypted it to you",
                    signed.recipients.len()
                ),
                fix: format!(
                    "nothing was imported; ask the sender ({fp}) to share to your `devvault identity` directly"
                ),
            });
        }
        let own = self.public_identity()?;
        if own.key == signed.from.key {
            return Ok(Sender::Yourself { fingerprint: fp });
        }
        let trusted = self.trusted()?;
        let found = trusted
            .iter()
            .find(|t| PublicIdentity::parse(&t.identity).is_ok_and(|p| p.key == signed.from.key));
        let Some(t) = found else {
            return match acc.trust_new {
                Some(name) => {
                    check_trust_name(name)?;
                    if trusted.iter().any(|t| t.name == name) {
                        return Err(Error::invalid(
                            format!(
                                "--trust-new {name}: `{name}` is already trusted with another key"
                            ),
                            "choose another name, or `devvault trust rm` the old one first",
                        ));
                    }
                    Ok(Sender::New {
                        name: name.to_string(),
                        identity: signed.from.clone(),
                    })
                }
                None => Err(Error::Bundle {
                    kind: BundleFailure::Untrusted,
                    what: format!("{file} is signed by {fp}, a key this vault does not trust"),
                    fix: format!(
                        "nothing was imported; check that fingerprint with the sender over another channel, then receive with --trust-new NAME (or `devvault trust add NAME 'LINE'` with their `devvault identity` line, which ends in devvault-sign:{})",
                        signed.from.key.encode()
                    ),
                }),
            };
        };
        if let Some(last) = t.last_created
            && created < last
            && !acc.allow_replay
        {
            return Err(Error::Bundle {
                kind: BundleFailure::Replay,
                what: format!(
                    "{file} from {} ({fp}) was made at {created}, before the last bundle received from them ({last}): a replay of an older bundle",
                    t.name
                ),
                fix: "nothing was imported; ask the sender for a fresh bundle, or pass --allow-replay if you mean to go back to these values".into(),
            });
        }
        Ok(Sender::Trusted {
            name: t.name.clone(),
            fingerprint: fp,
        })
    }
}

/// Pins `identity` as `name` inside a write transaction (refusing a name or key in use).
fn add_trusted(
    tx: &Tx<'_>,
    keys: &super::keys::Keys,
    h: &mut crate::store::Header,
    name: &str,
    identity: &PublicIdentity,
    last_created: Option<i64>,
) -> Result<()> {
    for (_, t) in trusted_of(&extras::load(tx, keys, h)?)? {
        let same_key = PublicIdentity::parse(&t.identity).is_ok_and(|p| p.key == identity.key);
        if t.name == name || same_key {
            return Err(Error::invalid(
                format!("`{}` ({}) is already trusted", t.name, t.fingerprint()),
                format!("`devvault trust rm {}` first to replace it", t.name),
            ));
        }
    }
    let entry = TrustedSender {
        name: name.to_string(),
        identity: identity.to_string(),
        added: now(),
        last_created,
    };
    let event = Event::new(EventKind::Identity).detail(format!(
        "trust added: {name} ({})",
        identity.key.fingerprint()
    ));
    extras::change(tx, keys, h, &[], Some(&encode(b'T', &entry)?), &event)
}

/// After a bundle from `sender` made at `created` is imported (same transaction): pins a
/// new sender, or moves a trusted one's last creation time forward.
pub(super) fn note_received(
    tx: &Tx<'_>,
    keys: &super::keys::Keys,
    h: &mut crate::store::Header,
    sender: &Sender,
    created: i64,
) -> Result<()> {
    match sender {
        Sender::New { name, identity } => add_trusted(tx, keys, h, name, identity, Some(created)),
        Sender::Trusted { name, .. } => {
            let all = trusted_of(&extras::load(tx, keys, h)?)?;
            let Some((id, t)) = all.into_iter().find(|(_, t)| &t.name == name) else {
                return Ok(());
            };
            if t.last_created.is_some_and(|l| l >= created) {
                return Ok(());
            }
            let entry = TrustedSender {
                last_created: Some(created),
                ..t
            };
            let event = Event::new(EventKind::Identity)
                .detail(format!("last bundle from {name} made at {created}"));
            extras::change(tx, keys, h, &[id], Some(&encode(b'T', &entry)?), &event)
        }
        Sender::Yourself { .. } | Sender::Unsigned => Ok(()),
    }
}
