//! Reading and changing the vault's rows with every check of the security design: the list
//! of scopes and each scope's manifest are verified before anything is returned or
//! changed, and recomputed in the same transaction as every write.

use super::codec::{self, Meta};
use super::keys::{BUCKETS, Field, Keys, Place};
use crate::error::{Error, Result};
use crate::model::{KeyName, Scope};
use crate::secret::SecretValue;
use crate::store::{Header, Record, ScopeRow, Table, Tx};
use zeroize::Zeroizing;

/// The verified header and the scopes loaded with it: one whole bucket, or every scope.
pub struct Snapshot {
    pub header: Header,
    pub scopes: Vec<ScopeRow>,
}

/// Loads the header and checks its MAC over the counters and the bucket MACs.
pub fn header(tx: &Tx<'_>, keys: &Keys) -> Result<Header> {
    let header = tx
        .header()?
        .ok_or_else(|| Error::integrity("the vault header is missing"))?;
    if header.buckets.len() != BUCKETS as usize * 32
        || !keys.header_mac_matches(&header, &header.scopes_mac)
    {
        return Err(Error::integrity("the vault header does not match its MAC"));
    }
    Ok(header)
}

fn check_bucket(keys: &Keys, header: &Header, bucket: i64, scopes: &[ScopeRow]) -> Result<()> {
    let expect = &header.buckets[bucket as usize * 32..][..32];
    let rows = scopes.iter().filter(|s| s.id.rem_euclid(BUCKETS) == bucket);
    if !crate::crypto::mac_eq(&keys.bucket_mac(bucket, rows), expect) {
        return Err(Error::integrity(
            "the list of projects and environments does not match its manifest (a scope was added, removed or rolled back)",
        ));
    }
    Ok(())
}

/// The header and every scope, all verified (for listings and not-found suggestions).
pub fn snapshot_all(tx: &Tx<'_>, keys: &Keys) -> Result<Snapshot> {
    let header = header(tx, keys)?;
    let scopes = tx.scopes()?;
    for b in 0..BUCKETS {
        check_bucket(keys, &header, b, &scopes)?;
    }
    Ok(Snapshot { header, scopes })
}

/// Finds `scope` through its blind index and verifies only its bucket, so the cost does not
/// grow with the vault. When it is absent, every scope is loaded and verified, so that a
/// deleted scope row is an integrity error rather than "not found".
pub fn locate(tx: &Tx<'_>, keys: &Keys, scope: &Scope) -> Result<(Snapshot, Option<usize>)> {
    let name = scope.to_string();
    let idx = keys.scope_index(&name);
    let Some(id) = tx.scope_id_by_idx(&idx)? else {
        return Ok((snapshot_all(tx, keys)?, None));
    };
    let header = header(tx, keys)?;
    let bucket = id.rem_euclid(BUCKETS);
    let scopes = tx.scopes_in_bucket(bucket)?;
    check_bucket(keys, &header, bucket, &scopes)?;
    let pos = scopes
        .iter()
        .position(|s| s.id == id && s.idx == idx)
        .ok_or_else(|| Error::integrity("a scope moved while it was read"))?;
    let row = &scopes[pos];
    let plain = keys.open(Place::Scope(row.id), Field::Name, &row.name)?;
    if plain.as_slice() != name.as_bytes() {
        return Err(Error::integrity("a scope's name does not match its index"));
    }
    Ok((Snapshot { header, scopes }, Some(pos)))
}

/// The scope's snapshot and position, or a not-found error suggesting the closest scope.
pub fn require(tx: &Tx<'_>, keys: &Keys, scope: &Scope) -> Result<(Snapshot, usize)> {
    let (snap, pos) = locate(tx, keys, scope)?;
    match pos {
        Some(pos) => Ok((snap, pos)),
        None => {
            let names: Vec<String> = snap
                .names(keys)?
                .iter()
                .map(|(s, _)| s.to_string())
                .collect();
            let prefix = format!("{}/", scope.project);
            let what = if names.iter().any(|n| n.starts_with(&prefix)) {
                format!("environment `{}` of project `{}`", scope.env, scope.project)
            } else {
                format!("project `{}`", scope.project)
            };
            Err(Error::not_found(
                what,
                &scope.to_string(),
                names.iter().map(String::as_str),
            ))
        }
    }
}

impl Snapshot {
    /// Every loaded scope's decrypted name with its row.
    pub fn names(&self, keys: &Keys) -> Result<Vec<(Scope, &ScopeRow)>> {
        self.scopes
            .iter()
            .map(|row| {
                let name = keys.open(Place::Scope(row.id), Field::Name, &row.name)?;
                let text = std::str::from_utf8(&name)
                    .map_err(|_| Error::integrity("a scope name is not UTF-8"))?;
                let scope = Scope::parse_stored(text)
                    .map_err(|_| Error::integrity("a scope name is malformed"))?;
                if keys.scope_index(text) != row.idx {
                    return Err(Error::integrity("a scope's name does not match its index"));
                }
                Ok((scope, row))
            })
            .collect()
    }

    /// Recomputes the MAC of `bucket` from the loaded scopes and the header's MAC.
    pub fn reseal(&mut self, keys: &Keys, bucket: i64) {
        let mac = keys.bucket_mac(
            bucket,
            self.scopes
                .iter()
                .filter(|s| s.id.rem_euclid(BUCKETS) == bucket),
        );
        self.header.buckets[bucket as usize * 32..][..32].copy_from_slice(&mac);
        self.header.scopes_mac = keys.header_mac(&self.header);
    }
}

/// Loads a scope's records of `table` and checks them against the scope's manifest.
pub fn records(tx: &Tx<'_>, keys: &Keys, table: Table, scope: &ScopeRow) -> Result<Vec<Record>> {
    let recs = tx.records(table, scope.id)?;
    let refs: Vec<&Record> = recs.iter().collect();
    let (expect, what) = match table {
        Table::Secrets => (&scope.manifest, "the scope's secrets"),
        Table::History => (&scope.history_mac, "the scope's history"),
    };
    if !crate::crypto::mac_eq(&keys.records_mac(table, scope.id, &refs), expect) {
        return Err(Error::integrity(format!(
            "{what} do not match the manifest (a row was deleted, added, changed or rolled back)"
        )));
    }
    Ok(recs)
}

/// A record's key name, checked against its blind index.
pub fn open_name(keys: &Keys, table: Table, r: &Record) -> Result<KeyName> {
    if r.meta.is_empty() {
        return Ok(open_name_meta(keys, table, r)?.0);
    }
    let raw = keys.open(Place::Record(table, r.id, r.scope_id), Field::Name, &r.name)?;
    let text =
        std::str::from_utf8(&raw).map_err(|_| Error::integrity("a key name is not UTF-8"))?;
    checked_name(keys, r, text)
}

/// A record's key name and metadata with one decryption when they are sealed together
/// (schema 5: the `meta` column is empty), else as two fields (records written before).
pub fn open_name_meta(keys: &Keys, table: Table, r: &Record) -> Result<(KeyName, Meta)> {
    if !r.meta.is_empty() {
        return Ok((open_name(keys, table, r)?, open_meta(keys, table, r)?));
    }
    let place = Place::Record(table, r.id, r.scope_id);
    let raw = keys.open(place, Field::NameMeta, &r.name)?;
    let (text, meta) = codec::decode(&raw)?;
    Ok((checked_name(keys, r, text)?, meta))
}

fn checked_name(keys: &Keys, r: &Record, text: &str) -> Result<KeyName> {
    if keys.key_index(r.scope_id, text) != r.idx {
        return Err(Error::integrity("a key's name does not match its index"));
    }
    KeyName::stored(text).map_err(|_| Error::integrity("a key name is malformed"))
}

/// The record's value.
pub fn open_value(keys: &Keys, table: Table, r: &Record) -> Result<SecretValue> {
    let raw = keys.open(
        Place::Record(table, r.id, r.scope_id),
        Field::Value,
        &r.value,
    )?;
    let text = String::from_utf8(raw.to_vec())
        .map_err(|_| Error::integrity("a secret value is not UTF-8"))?;
    Ok(SecretValue::new(text))
}

/// The record's metadata.
pub fn open_meta(keys: &Keys, table: Table, r: &Record) -> Result<Meta> {
    if r.meta.is_empty() {
        return Ok(open_name_meta(keys, table, r)?.1);
    }
    let raw = keys.open(Place::Record(table, r.id, r.scope_id), Field::Meta, &r.meta)?;
    serde_json::from_slice(&raw).map_err(|_| Error::integrity("a secret's metadata is malformed"))
}

/// Seals a whole record for its place: the value, and the name with the metadata in one
/// field (the `meta` column stays empty).
pub fn seal_record(
    keys: &Keys,
    table: Table,
    id: i64,
    scope_id: i64,
    key: &KeyName,
    value: &SecretValue,
    meta: &Meta,
) -> Result<Record> {
    let place = Place::Record(table, id, scope_id);
    let name_meta = Zeroizing::new(codec::encode(key.as_str(), meta));
    Ok(Record {
        id,
        scope_id,
        idx: keys.key_index(scope_id, key.as_str()),
        name: keys.seal(place, Field::NameMeta, &name_meta)?,
        value: keys.seal(place, Field::Value, value.expose_secret().as_bytes())?,
        meta: Vec::new(),
    })
}
