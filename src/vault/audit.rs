//! The tamper-evident audit log. Each entry's body (time, event, scope and key names,
//! detail; never a value) is sealed for its sequence number, and its tag is an HMAC (HKDF
//! subkey "devvault v1 audit chain") over the previous tag, its sequence number and its
//! sealed body. The header keeps the last sequence number and tag under its MAC, so a
//! deleted, reordered, edited, added or truncated entry is found by [`Vault::audit_verify`],
//! which names the first bad one. Entries are appended in the same transaction as the
//! change they record. Failed unlocks are written without the key (`audit_pending`) and
//! chained at the next successful unlock; what they say (when, how many) cannot be
//! authenticated, so they are always reported as unverified.

use super::keys::{Field, Keys, Place};
use super::{Vault, now, state};
use crate::audit::{AuditEvent, AuditReport, Event, EventKind};
use crate::error::{Error, Result};
use crate::store::{AuditRow, Header, Store, Tx};
use serde::{Deserialize, Serialize};

/// The sealed body of an entry.
#[derive(Serialize, Deserialize)]
struct Body {
    t: i64,
    k: EventKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    s: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    n: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    d: Option<String>,
}

/// The tag before the first entry.
const GENESIS: [u8; 32] = [0; 32];

/// Encryptions under one vault key after which every write is refused until `rekey`:
/// 2^31, half of the 2^32 that random 96-bit nonces allow (NIST SP 800-38D).
pub const ENCRYPTION_LIMIT: i64 = 1 << 31;

/// Refuses to write when the vault key has made [`ENCRYPTION_LIMIT`] encryptions
/// (records, names and policies counted in the header, one more per audit entry).
fn check_key_usage(h: &Header, seq: i64) -> Result<()> {
    let used = h.encryptions.saturating_add(seq);
    if used >= ENCRYPTION_LIMIT {
        return Err(Error::Unsafe {
            what: format!(
                "the vault key has made {used} encryptions, the most devvault makes under one key (2^31; random nonces are safe to 2^32)"
            ),
            fix: "run `devvault rekey` to make a new vault key; nothing was written".into(),
        });
    }
    Ok(())
}

/// Appends `event` at time `at` and moves the header's tail; the caller writes the header.
pub(super) fn append(
    tx: &Tx<'_>,
    keys: &Keys,
    h: &mut Header,
    event: &Event,
    at: i64,
) -> Result<u64> {
    let (prev_seq, prev_tag) = match &h.audit {
        Some((s, t)) => (*s, t.clone()),
        None => (0, GENESIS.to_vec()),
    };
    let seq = prev_seq + 1;
    check_key_usage(h, seq)?;
    let body = Body {
        t: at,
        k: event.kind,
        s: event.scope.as_ref().map(|s| s.to_string()),
        n: event.key.as_ref().map(|k| k.to_string()),
        d: event.detail.clone(),
    };
    let json = serde_json::to_vec(&body)
        .map_err(|_| Error::invalid("an audit event", "it could not be encoded"))?;
    let sealed = keys.seal(Place::Audit(seq), Field::Meta, &json)?;
    let tag = keys.audit_tag(seq, &prev_tag, &sealed);
    tx.put_audit(&AuditRow {
        seq,
        body: sealed,
        tag: tag.to_vec(),
    })?;
    // One encryption per entry: counted by the sequence number, not `h.encryptions`, so a
    // read's entry leaves the header's first page untouched.
    h.audit = Some((seq, tag.to_vec()));
    Ok(seq as u64)
}

/// Chains the failed unlocks waiting in `audit_pending` (each at its own time), then
/// appends `event`; the caller writes the header.
pub(super) fn append_with_pending(
    tx: &Tx<'_>,
    keys: &Keys,
    h: &mut Header,
    event: &Event,
    at: i64,
) -> Result<()> {
    fold_pending(tx, keys, h)?;
    append(tx, keys, h, event, at)?;
    Ok(())
}

fn fold_pending(tx: &Tx<'_>, keys: &Keys, h: &mut Header) -> Result<bool> {
    let pending = tx.pending_failures()?;
    for p in &pending {
        let detail = match p.count {
            1 => "wrong passphrase".to_string(),
            n => format!("{n} wrong passphrases"),
        };
        append(
            tx,
            keys,
            h,
            &Event::new(EventKind::UnlockFailed).detail(detail),
            p.at,
        )?;
    }
    if let Some(last) = pending.last() {
        tx.clear_pending_failures(last.id)?;
    }
    Ok(!pending.is_empty())
}

/// Records `event` in a transaction whose header `h` was just verified, and writes the
/// header's tail and MAC in place.
pub(super) fn record(tx: &Tx<'_>, keys: &Keys, h: &mut Header, event: &Event) -> Result<u64> {
    fold_pending(tx, keys, h)?;
    let seq = append(tx, keys, h, event, now())?;
    h.scopes_mac = keys.header_mac(h);
    tx.put_header_tail(h)?;
    Ok(seq)
}

/// After a successful unlock: chains failed attempts made since the last one, if any (later,
/// when the vault cannot be written now).
pub(super) fn fold_at_unlock(store: &mut Store, keys: &Keys) -> Result<()> {
    if store.readonly().is_some() || !store.read(|tx| tx.has_pending_failures())? {
        return Ok(());
    }
    // A full disk must not stop the unlock: the failures stay pending until a write works.
    let folded = store.write(|tx| {
        let mut h = state::header(tx, keys)?;
        if fold_pending(tx, keys, &mut h)? {
            h.scopes_mac = keys.header_mac(&h);
            tx.put_header_tail(&h)?;
        }
        Ok(())
    });
    match folded {
        Err(e) if e.is_storage() => Ok(()),
        // At the encryption limit the rows wait (rolled back): the unlock must still work,
        // so that `rekey` can run.
        Err(Error::Unsafe { .. }) => Ok(()),
        other => other,
    }
}

/// Records a wrong passphrase, without the vault key and never the passphrase itself.
pub(super) fn record_failure(store: &mut Store) -> Result<()> {
    store.write(|tx| tx.add_pending_failure(now()))
}

/// Re-seals the whole chain under `new` (bodies and tags) after checking it under `old`,
/// and moves `h`'s tail to the new last tag; the caller writes the header.
pub(super) fn reseal(tx: &Tx<'_>, old: &Keys, new: &Keys, h: &mut Header) -> Result<()> {
    verified(tx, old)?;
    let mut prev = GENESIS.to_vec();
    let mut last = None;
    for row in tx.audit_rows()? {
        let plain = old.open(Place::Audit(row.seq), Field::Meta, &row.body)?;
        let body = new.seal(Place::Audit(row.seq), Field::Meta, &plain)?;
        let tag = new.audit_tag(row.seq, &prev, &body).to_vec();
        tx.update_audit(&AuditRow {
            seq: row.seq,
            body,
            tag: tag.clone(),
        })?;
        last = Some(row.seq);
        prev = tag;
    }
    h.audit = last.map(|seq| (seq, prev));
    Ok(())
}

/// Reads and checks the whole chain against the header; the first bad entry is named.
fn verified(tx: &Tx<'_>, keys: &Keys) -> Result<Vec<AuditEvent>> {
    let h = state::header(tx, keys)?;
    let rows = tx.audit_rows()?;
    let mut prev = GENESIS.to_vec();
    let mut out = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let seq = i as i64 + 1;
        let bad = |what: &str| Error::integrity(format!("audit entry #{seq} {what}"));
        if row.seq != seq {
            return Err(bad("is missing (entries were deleted or renumbered)"));
        }
        if !crate::crypto::mac_eq(&keys.audit_tag(seq, &prev, &row.body), &row.tag) {
            return Err(bad(
                "does not match its chain tag (it was edited, moved, or replaced)",
            ));
        }
        let plain = keys
            .open(Place::Audit(seq), Field::Meta, &row.body)
            .map_err(|_| bad("cannot be decrypted"))?;
        let body: Body = serde_json::from_slice(&plain).map_err(|_| bad("is malformed"))?;
        out.push(AuditEvent {
            seq: seq as u64,
            at: body.t,
            kind: body.k,
            scope: body.s,
            key: body.n,
            detail: body.d,
            // Failed unlocks come from `audit_pending`, written without the key.
            unverified: body.k == EventKind::UnlockFailed,
        });
        prev.clone_from(&row.tag);
    }
    check_tail(&h, rows.len() as i64, &prev)?;
    Ok(out)
}

/// The log must end where the header says: `last` entries, the last with tag `prev`.
fn check_tail(h: &Header, last: i64, prev: &[u8]) -> Result<()> {
    match &h.audit {
        None if last == 0 => Ok(()),
        None => Err(Error::integrity(
            "audit entry #1 is not recorded in the vault header (entries were added outside devvault)",
        )),
        Some((seq, _)) if *seq > last => Err(Error::integrity(format!(
            "audit entry #{} is missing: the header records {seq} entries, the log ends at #{last} (it was truncated)",
            last + 1
        ))),
        Some((seq, tag)) if *seq == last && crate::crypto::mac_eq(tag, prev) => Ok(()),
        Some((seq, _)) if *seq < last => Err(Error::integrity(format!(
            "audit entry #{} is not recorded in the vault header, which ends at #{seq} (entries were added outside devvault)",
            seq + 1
        ))),
        Some((seq, _)) => Err(Error::integrity(format!(
            "audit entry #{seq} does not match the vault header (it was replaced)"
        ))),
    }
}

impl Vault {
    /// Records an event (front ends log what they show or copy, e.g.
    /// `Event::new(EventKind::Reveal).scope(&s).key(&k)`); returns its sequence number.
    pub fn audit_record(&mut self, event: &Event) -> Result<u64> {
        let keys = &self.keys;
        self.store.write(|tx| {
            let mut h = state::header(tx, keys)?;
            record(tx, keys, &mut h, event)
        })
    }

    /// The events at or after `since` (Unix seconds), oldest first, after checking the
    /// whole chain: a broken chain is [`Error::Integrity`] naming the first bad entry.
    pub fn audit_events(&mut self, since: i64) -> Result<Vec<AuditEvent>> {
        let keys = &self.keys;
        let mut events = self.store.read(|tx| verified(tx, keys))?;
        events.retain(|e| e.at >= since);
        Ok(events)
    }

    /// Checks the whole chain: every entry present, in order, unchanged, and the last one
    /// the one the header records. A failure is [`Error::Integrity`] (exit 5) naming the
    /// first bad entry.
    pub fn audit_verify(&mut self) -> Result<AuditReport> {
        let keys = &self.keys;
        let events = self.store.read(|tx| verified(tx, keys))?;
        Ok(AuditReport {
            entries: events.len() as u64,
            first: events.first().map(|e| e.at),
            last: events.last().map(|e| e.at),
            unverified: events.iter().filter(|e| e.unverified).count() as u64,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::KdfParams;
    use crate::model::{KeyName, Scope};
    use crate::secret::{Passphrase, SecretValue};

    #[test]
    fn writes_stop_at_the_encryption_limit() {
        let dir = tempfile::tempdir().unwrap();
        let pass = Passphrase::new("limit test passphrase".into());
        let mut v = Vault::create(&dir.path().join("v.db"), &pass, KdfParams::FLOOR).unwrap();
        let (scope, key) = (Scope::parse("app").unwrap(), KeyName::new("K").unwrap());
        v.set(&scope, &key, &SecretValue::from("one")).unwrap();
        let keys = &v.keys;
        v.store
            .write(|tx| {
                let mut h = state::header(tx, keys)?;
                h.encryptions = ENCRYPTION_LIMIT - 2;
                h.scopes_mac = keys.header_mac(&h);
                tx.put_header(&h)
            })
            .unwrap();
        let err = v.set(&scope, &key, &SecretValue::from("two")).unwrap_err();
        assert!(matches!(err, Error::Unsafe { .. }), "{err}");
        assert!(err.to_string().contains("devvault rekey"), "{err}");
        assert_eq!(
            v.get(&scope, &key).err().map(|e| e.to_string()),
            Some(err.to_string())
        );
        // A wrong passphrase waiting to be chained does not lock the user out, and a
        // re-key (a new key, a new count) lets writes go on.
        let path = v.path().to_path_buf();
        drop(v);
        let wrong = Passphrase::new("not the passphrase".into());
        assert!(Vault::open(&path).unwrap().unlock(&wrong).is_err());
        let mut v = Vault::open(&path).unwrap().unlock(&pass).unwrap();
        v.rekey(&pass, KdfParams::FLOOR, EventKind::Rekey).unwrap();
        v.set(&scope, &key, &SecretValue::from("two")).unwrap();
        assert_eq!(v.get(&scope, &key).unwrap().expose_secret(), "two");
    }
}
