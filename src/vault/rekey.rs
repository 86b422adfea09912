//! Re-keying: a new random vault key, and everything the old one sealed or MACed (scope
//! names and their indexes, every current and historical record, policies, remotes, the
//! vault's own records, the audit chain, the manifests and the header) checked under the
//! old key and re-sealed under the new one, with the key slots rewrapped, all in ONE
//! transaction: a crash leaves exactly the old vault or the new one. After it, an old copy
//! of the file and its passphrase (or a session unlock or keychain entry of the old key)
//! read nothing written since.

use super::keys::{BUCKETS, Field, Keys, Place};
use super::slots::{KEYCHAIN_SLOT, PASSPHRASE_SLOT, key_slot, passphrase_slot};
use super::{Vault, audit, now, policy, state};
use crate::audit::{Event, EventKind};
use crate::crypto::{self, KdfParams};
use crate::error::{Error, Result};
use crate::secret::{Passphrase, VaultKey};
use crate::store::{Header, Sealed, SealedRow, Table, Tx};

/// What a re-key did.
#[derive(Debug)]
pub struct Rekeyed {
    /// Records (current and historical) re-sealed.
    pub records: usize,
    /// The new key of the keychain slot, when the vault has one: the caller stores it in
    /// the OS keychain in place of the old one.
    pub keychain_key: Option<VaultKey>,
}

impl Vault {
    /// Makes a new vault key and re-seals everything under it in one transaction; the
    /// passphrase slot is rewrapped under `pass` with a fresh salt and `params` (the same
    /// passphrase for `rekey`, the new one for `passwd`), a keychain slot under a fresh
    /// random key (returned). `event` is recorded ([`EventKind::Rekey`] or `Passwd`).
    pub fn rekey(
        &mut self,
        pass: &Passphrase,
        params: KdfParams,
        event: EventKind,
    ) -> Result<Rekeyed> {
        let dek = crypto::random_key()?;
        let keys = Keys::new(&dek, &self.vault_id);
        let slot = passphrase_slot(&self.vault_id, &dek, pass, params)?;
        let (old, vault_id) = (&self.keys, &self.vault_id);
        let done = self.store.write(|tx| {
            let mut h = state::header(tx, old)?;
            let mut sealed = reseal_scopes(tx, old, &keys, &mut h)?;
            h.policies_mac = policy::reseal(tx, old, &keys, &h)?;
            sealed.1 += tx.policies()?.len();
            h.remotes_mac = reseal_table(tx, old, &keys, Sealed::Remotes, &h.remotes_mac)?;
            h.extras_mac = reseal_table(tx, old, &keys, Sealed::Extras, &h.extras_mac)?;
            sealed.1 += tx.sealed_rows(Sealed::Remotes)?.len();
            sealed.1 += tx.sealed_rows(Sealed::Extras)?.len();
            audit::reseal(tx, old, &keys, &mut h)?;
            tx.put_slot(&slot)?;
            let keychain_key = match tx.slot(KEYCHAIN_SLOT)? {
                Some(_) => {
                    let (key, slot) = key_slot(vault_id, &dek, KEYCHAIN_SLOT)?;
                    tx.put_slot(&slot)?;
                    Some(key)
                }
                None => None,
            };
            for kind in tx.slot_kinds()? {
                if kind != PASSPHRASE_SLOT && kind != KEYCHAIN_SLOT {
                    // A slot this build does not know still wraps the old key: drop it.
                    tx.delete_slot(&kind)?;
                }
            }
            h.encryptions = i64::try_from(sealed.1).unwrap_or(i64::MAX);
            let detail = format!("new vault key; {} records re-sealed", sealed.0);
            audit::append_with_pending(
                tx,
                &keys,
                &mut h,
                &Event::new(event).detail(detail),
                now(),
            )?;
            h.scopes_mac = keys.header_mac(&h);
            tx.put_header(&h)?;
            Ok(Rekeyed {
                records: sealed.0,
                keychain_key,
            })
        })?;
        self.keys = keys;
        self.dek = dek;
        Ok(done)
    }
}

/// Re-seals every scope name and record and recomputes every manifest and bucket MAC;
/// returns (records, encryptions) made.
fn reseal_scopes(tx: &Tx<'_>, old: &Keys, new: &Keys, h: &mut Header) -> Result<(usize, usize)> {
    let snap = state::snapshot_all(tx, old)?;
    let named: Vec<(String, i64)> = snap
        .names(old)?
        .into_iter()
        .map(|(s, row)| (s.to_string(), row.id))
        .collect();
    let (mut records, mut sealed) = (0, 0);
    let mut rows = Vec::with_capacity(snap.scopes.len());
    for (row, (name, id)) in snap.scopes.iter().zip(named) {
        if row.id != id {
            return Err(Error::integrity("a scope moved while it was re-keyed"));
        }
        let mut fresh = crate::store::ScopeRow {
            id,
            idx: new.scope_index(&name),
            name: new.seal(Place::Scope(id), Field::Name, name.as_bytes())?,
            manifest: Vec::new(),
            history_mac: Vec::new(),
        };
        let (manifest, current) = reseal_records(tx, old, new, Table::Secrets, row)?;
        let (history_mac, past) = reseal_records(tx, old, new, Table::History, row)?;
        (fresh.manifest, fresh.history_mac) = (manifest, history_mac);
        records += current + past;
        tx.put_scope(&fresh)?;
        sealed += 1;
        rows.push(fresh);
    }
    let mut buckets = Vec::with_capacity(BUCKETS as usize * 32);
    for b in 0..BUCKETS {
        buckets.extend_from_slice(
            &new.bucket_mac(b, rows.iter().filter(|s| s.id.rem_euclid(BUCKETS) == b)),
        );
    }
    h.buckets = buckets;
    Ok((records, sealed + 2 * records))
}

/// Re-seals one scope's records of `table` (checked under `old` first); returns the new
/// manifest MAC and how many records there were.
fn reseal_records(
    tx: &Tx<'_>,
    old: &Keys,
    new: &Keys,
    table: Table,
    scope: &crate::store::ScopeRow,
) -> Result<(Vec<u8>, usize)> {
    let recs = state::records(tx, old, table, scope)?;
    let mut fresh = Vec::with_capacity(recs.len());
    for r in &recs {
        let (key, meta) = state::open_name_meta(old, table, r)?;
        let value = state::open_value(old, table, r)?;
        let rec = state::seal_record(new, table, r.id, r.scope_id, &key, &value, &meta)?;
        tx.update_record(table, &rec)?;
        fresh.push(rec);
    }
    let refs: Vec<_> = fresh.iter().collect();
    Ok((new.records_mac(table, scope.id, &refs), fresh.len()))
}

/// Re-seals every row of a sealed table (checked against its MAC under `old`); returns the
/// header's new MAC for it.
fn reseal_table(
    tx: &Tx<'_>,
    old: &Keys,
    new: &Keys,
    table: Sealed,
    mac: &Option<Vec<u8>>,
) -> Result<Option<Vec<u8>>> {
    let rows = tx.sealed_rows(table)?;
    let ok = match mac {
        None => rows.is_empty(),
        Some(m) => crate::crypto::mac_eq(&old.sealed_mac(table, &rows), m),
    };
    if !ok {
        return Err(Error::integrity(format!(
            "the {} table does not match its MAC (a row was added, removed or changed)",
            table.name()
        )));
    }
    let (place, field): (fn(i64) -> Place, Field) = match table {
        Sealed::Extras => (Place::Extra, Field::Value),
        Sealed::Remotes => (Place::Remote, Field::Meta),
    };
    let mut fresh = Vec::with_capacity(rows.len());
    for row in rows {
        let plain = old.open(place(row.id), field, &row.body)?;
        let row = SealedRow {
            id: row.id,
            body: new.seal(place(row.id), field, &plain)?,
        };
        tx.put_sealed(table, &row)?;
        fresh.push(row);
    }
    Ok(mac.as_ref().map(|_| new.sealed_mac(table, &fresh)))
}
