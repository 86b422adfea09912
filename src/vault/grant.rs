//! What `grant` gives: exactly the asked-for keys a scope holds (its own or inherited,
//! templates expanded, as `run` would see them), with their metadata, as a bundle labelled
//! with the requester's scope; the read, its audit entry (naming the recipient and each
//! key at its version) and its exposure ledger row in one transaction. Never a key that was not asked for.

use super::exposure::{Exposed, Receiver, Via};
use super::policy::Policies;
use super::{Vault, audit, inherit, now, state};
use crate::audit::{Event, EventKind};
use crate::bundle::{Bundle, BundleSecret};
use crate::error::Result;
use crate::model::{KeyName, Scope};
use crate::signing::PublicIdentity;
use crate::store::{Header, Tx};

/// Who a grant is for: the requester's identity, and their trusted name when they have one.
#[derive(Clone, Debug)]
pub struct Grantee {
    /// The name in this vault's trust list, if any.
    pub name: Option<String>,
    /// The identity the request carried (the bundle is encrypted to its age recipient).
    pub identity: PublicIdentity,
}

impl Grantee {
    /// `bob (SHA256:...)`, or `UNTRUSTED SHA256:...`.
    pub fn describe(&self) -> String {
        let fp = self.identity.key.fingerprint();
        match &self.name {
            Some(n) => format!("{n} ({fp})"),
            None => format!("UNTRUSTED {fp}"),
        }
    }
}

impl Grantee {
    /// The exposure ledger's receiver: the trusted teammate, else the bare age recipient.
    fn receiver(&self) -> Receiver {
        let recipient = self.identity.age.clone();
        match &self.name {
            Some(name) => Receiver::Teammate {
                name: name.clone(),
                fingerprint: self.identity.key.fingerprint(),
                recipient,
            },
            None => Receiver::Recipient { recipient },
        }
    }
}

impl Vault {
    /// The keys of `wanted` that `from` holds, read with their values and metadata into a
    /// bundle whose one scope is `into` (the requester's scope); keys `from` lacks are left
    /// out. Recorded in the audit log as a share to `to` (nothing is recorded, and the
    /// bundle is empty, when `from` holds none of them).
    pub fn grant(
        &mut self,
        from: &Scope,
        into: &Scope,
        wanted: &[KeyName],
        to: &Grantee,
    ) -> Result<Bundle> {
        let keys = &self.keys;
        self.store.write(|tx| {
            let (flat, header) = inherit::flatten(tx, keys, from)?;
            let policies = Policies::load(tx, keys, &header)?;
            let mut secrets = Vec::new();
            // Each key at its version, under the scope that holds it (an ancestor's key
            // is that ancestor's to rotate), for the exposure ledger.
            let mut exposed = Vec::new();
            for (key, value) in inherit::values(keys, from, &flat)? {
                let Some(k) = flat.iter().find(|k| k.name == key) else {
                    continue;
                };
                if !wanted.contains(&key) {
                    continue;
                }
                let m = &k.meta;
                exposed.push(Exposed {
                    scope: k.from.to_string(),
                    key: key.to_string(),
                    version: m.version,
                });
                secrets.push(BundleSecret {
                    key,
                    value,
                    comment: m.note.clone(),
                    url: m.url.clone(),
                    created: m.created,
                    updated: m.updated,
                    version: m.version,
                    rotated_at: m.rotated_at,
                    max_age: Some(policies.get(k.record.scope_id, &k.record.idx).max_age),
                    // The value is sent expanded, so it arrives as a plain value.
                    template: Some(false),
                });
            }
            let mut out = Bundle {
                created: now(),
                scopes: Vec::new(),
            };
            if !secrets.is_empty() {
                let mut h = state::header(tx, keys)?;
                record_grant(tx, keys, &mut h, from, to, &secrets)?;
                super::exposure::record(tx, keys, &mut h, &to.receiver(), Via::Grant, &exposed)?;
                out.scopes.push((into.clone(), secrets));
            }
            Ok(out)
        })
    }
}

/// The one place a grant's exposure is written down, in the transaction that read the
/// values: to whom (`to`), which keys at which versions, from which scope.
fn record_grant(
    tx: &Tx<'_>,
    keys: &super::keys::Keys,
    h: &mut Header,
    from: &Scope,
    to: &Grantee,
    secrets: &[BundleSecret],
) -> Result<()> {
    let list: Vec<String> = secrets
        .iter()
        .map(|s| format!("{} v{}", s.key, s.version))
        .collect();
    let detail = format!("grant to {}: {}", to.describe(), list.join(", "));
    let event = Event::new(EventKind::Share).scope(from).detail(detail);
    audit::record(tx, keys, h, &event).map(|_| ())
}
