//! The unlocked vault's working keys and how records are bound to them: HKDF subkeys of the
//! vault key, associated data for every field, blind indexes for lookups, and the MACs of
//! the scope manifests and of the list of scopes.

use crate::crypto::{self, Sealer};
use crate::error::Result;
use crate::secret::VaultKey;
use crate::store::{Header, Record, ScopeRow, Table};
use hmac::Mac;
use zeroize::Zeroizing;

/// Keys derived from the vault key once per unlock.
pub struct Keys {
    sealer: Sealer,
    index: VaultKey,
    manifest: VaultKey,
    audit: VaultKey,
    vault_id: Vec<u8>,
}

/// A field of a record, bound into its associated data.
#[derive(Clone, Copy)]
pub enum Field {
    /// The key or scope name.
    Name,
    /// The secret value.
    Value,
    /// The metadata.
    Meta,
    /// A record's name and metadata sealed together ([`super::codec`], schema 5).
    NameMeta,
}

impl Field {
    fn label(self) -> &'static [u8] {
        match self {
            Field::Name => b"name",
            Field::Value => b"value",
            Field::Meta => b"meta",
            Field::NameMeta => b"name+meta",
        }
    }
}

/// Where a sealed field lives: table, record id and owning scope.
#[derive(Clone, Copy)]
pub enum Place {
    /// A scope's name.
    Scope(i64),
    /// A field of a record in `Table`.
    Record(Table, i64, i64),
    /// An audit entry, by sequence number.
    Audit(i64),
    /// A policy row: its id and scope.
    Policy(i64, i64),
    /// A remote row (a remote's configuration or a scope's sync state), by id.
    Remote(i64),
    /// One of the vault's own records (`extras`): its id.
    Extra(i64),
}

impl Keys {
    /// Derives the working keys from the vault key.
    pub fn new(dek: &VaultKey, vault_id: &[u8]) -> Keys {
        Keys {
            sealer: Sealer::new(&crypto::subkey(dek, "devvault v1 records")),
            index: crypto::subkey(dek, "devvault v1 blind index"),
            manifest: crypto::subkey(dek, "devvault v1 manifests"),
            audit: crypto::subkey(dek, "devvault v1 audit chain"),
            vault_id: vault_id.to_vec(),
        }
    }

    fn aad(&self, place: Place, field: Field) -> Vec<u8> {
        let mut a = Vec::with_capacity(48);
        a.extend_from_slice(&self.vault_id);
        match place {
            Place::Scope(id) => {
                a.extend_from_slice(b"scope");
                a.extend_from_slice(&id.to_be_bytes());
            }
            Place::Record(table, id, scope) => {
                a.extend_from_slice(match table {
                    Table::Secrets => b"secret",
                    Table::History => b"histry",
                });
                a.extend_from_slice(&id.to_be_bytes());
                a.extend_from_slice(&scope.to_be_bytes());
            }
            Place::Audit(seq) => {
                a.extend_from_slice(b"audit\0");
                a.extend_from_slice(&seq.to_be_bytes());
            }
            Place::Remote(id) => {
                a.extend_from_slice(b"remote");
                a.extend_from_slice(&id.to_be_bytes());
            }
            Place::Extra(id) => {
                a.extend_from_slice(b"extra\0");
                a.extend_from_slice(&id.to_be_bytes());
            }
            Place::Policy(id, scope) => {
                a.extend_from_slice(b"policy");
                a.extend_from_slice(&id.to_be_bytes());
                a.extend_from_slice(&scope.to_be_bytes());
            }
        }
        a.extend_from_slice(field.label());
        a
    }

    /// Seals one field for its place.
    pub fn seal(&self, place: Place, field: Field, plain: &[u8]) -> Result<Vec<u8>> {
        self.sealer.seal(&self.aad(place, field), plain)
    }

    /// Opens one field; a blob moved from any other place fails.
    pub fn open(&self, place: Place, field: Field, blob: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let what = match (place, field) {
            (Place::Scope(_), _) => "a scope name",
            (Place::Audit(_), _) => "an audit entry",
            (Place::Policy(..), _) => "a rotation policy",
            (Place::Remote(..), _) => "a remote's settings or sync state",
            (Place::Extra(_), _) => "a vault record (identity or export list)",
            (_, Field::Name) => "a key name",
            (_, Field::Value) => "a secret value",
            (_, Field::Meta) => "a secret's metadata",
            (_, Field::NameMeta) => "a key name with its metadata",
        };
        self.sealer.open(&self.aad(place, field), blob, what)
    }

    /// The blind index of a scope name (`project/env`).
    pub fn scope_index(&self, scope: &str) -> Vec<u8> {
        crypto::mac(&self.index, &[b"scope", scope.as_bytes()]).to_vec()
    }

    /// The blind index of a key in a scope.
    pub fn key_index(&self, scope_id: i64, key: &str) -> Vec<u8> {
        crypto::mac(
            &self.index,
            &[b"key", &scope_id.to_be_bytes(), key.as_bytes()],
        )
        .to_vec()
    }

    /// The manifest MAC over a scope's records of one table (sorted by id).
    pub fn records_mac(&self, table: Table, scope_id: i64, records: &[&Record]) -> Vec<u8> {
        let mut m = crypto::new_mac(&self.manifest);
        m.update(match table {
            Table::Secrets => b"secrets\0",
            Table::History => b"history\0",
        });
        m.update(&scope_id.to_be_bytes());
        for r in records {
            m.update(&r.id.to_be_bytes());
            m.update(&crypto::digest(&r.idx));
            m.update(&crypto::digest(&r.name));
            m.update(&crypto::digest(&r.value));
            m.update(&crypto::digest(&r.meta));
        }
        m.finalize().into_bytes().to_vec()
    }

    /// The MAC over one bucket of scopes (all scopes with `id % BUCKETS == bucket`, by id).
    pub fn bucket_mac<'r>(
        &self,
        bucket: i64,
        scopes: impl Iterator<Item = &'r ScopeRow>,
    ) -> [u8; 32] {
        let mut m = crypto::new_mac(&self.manifest);
        m.update(b"bucket\0");
        m.update(&bucket.to_be_bytes());
        for s in scopes {
            m.update(&s.id.to_be_bytes());
            m.update(&crypto::digest(&s.idx));
            m.update(&crypto::digest(&s.name));
            m.update(&crypto::digest(&s.manifest));
            m.update(&crypto::digest(&s.history_mac));
        }
        m.finalize().into_bytes().into()
    }

    /// The MAC over the header's counters and every bucket's MAC.
    pub fn header_mac(&self, header: &Header) -> Vec<u8> {
        self.header_mac_with(header, true)
    }

    /// Whether `mac` is the header's MAC: as written now, or as written before the
    /// encryption counter was under it (older vaults, until their next write re-MACs the
    /// header; that form no longer matches once any other header field has changed).
    pub fn header_mac_matches(&self, header: &Header, mac: &[u8]) -> bool {
        crypto::mac_eq(&self.header_mac_with(header, true), mac)
            || crypto::mac_eq(&self.header_mac_with(header, false), mac)
    }

    fn header_mac_with(&self, header: &Header, counter: bool) -> Vec<u8> {
        let mut m = crypto::new_mac(&self.manifest);
        m.update(b"header\0");
        m.update(&header.format.to_be_bytes());
        m.update(&header.next_record.to_be_bytes());
        m.update(&header.buckets);
        // Absent in a v1 vault until its first audit entry or policy, so its MAC still holds.
        if let Some((seq, tag)) = &header.audit {
            m.update(b"audit\0");
            m.update(&seq.to_be_bytes());
            m.update(&(tag.len() as u64).to_be_bytes());
            m.update(tag);
        }
        if let Some(p) = &header.policies_mac {
            m.update(b"policies\0");
            m.update(&(p.len() as u64).to_be_bytes());
            m.update(p);
        }
        if let Some(r) = &header.remotes_mac {
            m.update(b"remotes\0");
            m.update(&(r.len() as u64).to_be_bytes());
            m.update(r);
        }
        if let Some(x) = &header.extras_mac {
            m.update(b"extras\0");
            m.update(&(x.len() as u64).to_be_bytes());
            m.update(x);
        }
        if counter {
            // How many encryptions the vault key has made: reset, it would hide how close
            // the key is to its random-nonce limit.
            m.update(b"encryptions\0");
            m.update(&header.encryptions.to_be_bytes());
        }
        m.finalize().into_bytes().to_vec()
    }

    /// The MAC over every record of a sealed table (sorted by id), labelled by its name.
    pub fn sealed_mac(
        &self,
        table: crate::store::Sealed,
        rows: &[crate::store::SealedRow],
    ) -> Vec<u8> {
        let mut m = crypto::new_mac(&self.manifest);
        m.update(table.name().as_bytes());
        m.update(b"\0");
        for r in rows {
            m.update(&r.id.to_be_bytes());
            m.update(&crypto::digest(&r.body));
        }
        m.finalize().into_bytes().to_vec()
    }

    /// The chain tag of audit entry `seq`: an HMAC over the previous tag, the sequence
    /// number and the sealed body.
    pub fn audit_tag(&self, seq: i64, prev: &[u8], body: &[u8]) -> [u8; 32] {
        crypto::mac(&self.audit, &[b"entry", &seq.to_be_bytes(), prev, body])
    }

    /// The MAC over every policy row (sorted by id).
    pub fn policies_mac(&self, rows: &[crate::store::PolicyRow]) -> Vec<u8> {
        let mut m = crypto::new_mac(&self.manifest);
        m.update(b"policies\0");
        for p in rows {
            m.update(&p.id.to_be_bytes());
            m.update(&p.scope_id.to_be_bytes());
            m.update(&crypto::digest(&p.key_idx));
            m.update(&crypto::digest(&p.body));
        }
        m.finalize().into_bytes().to_vec()
    }

    /// The bucket MACs of a vault with no scope.
    pub fn empty_buckets(&self) -> Vec<u8> {
        (0..BUCKETS)
            .flat_map(|b| self.bucket_mac(b, std::iter::empty()))
            .collect()
    }
}

/// How many buckets the list of scopes is spread over.
pub const BUCKETS: i64 = 256;
