//! The compact plaintext of a record's name and metadata, sealed together in one AES-GCM
//! field (label `name+meta`) since schema 5: a key name and its [`Meta`] in about 30 bytes,
//! where a name and a JSON metadata blob sealed apart took some 150. Pure: bytes in, values
//! out; the caller zeroizes. Decoding is strict (no trailing bytes, no unknown flags), and
//! any malformed input is an integrity error, never a panic.
//!
//! Layout: `1` (codec version), name length and name, `created`, `updated - created`,
//! `version`, a flags byte, then the optional fields the flags announce, in order.
//! Integers are LEB128 varints; signed ones zigzag-encoded.

use crate::error::{Error, Result};
use crate::rotation::Change;

const CODEC: u8 = 1;
const CHANGE: u8 = 1;
const FROM: u8 = 2;
const NOTE: u8 = 4;
const URL: u8 = 8;
const ROTATED: u8 = 16;
const REMOVED: u8 = 32;
const TEMPLATE: u8 = 64;

/// Metadata sealed beside each value. The optional fields were added with rotation; a
/// record written before them reads them as absent (and is shown as made by `set`).
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Meta {
    /// When the key was first set (Unix seconds).
    pub created: i64,
    /// When this value was set.
    pub updated: i64,
    /// The value's version.
    pub version: u32,
    /// What made this version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<crate::rotation::Change>,
    /// For a rollback: the version restored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<u32>,
    /// A note given with this version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The provider URL of the key (carried to later versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// When the key was last rotated with `rotate` (carried to later versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotated_at: Option<i64>,
    /// In history: when `rm` removed the key while this was its value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed: Option<i64>,
    /// The value is a template (`set --template`): `${KEY}` expands on export, run and
    /// inject. A flag with no payload, so older records read as plain values.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub template: bool,
}

/// Encodes a key name and its metadata.
pub fn encode(name: &str, m: &Meta) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 + name.len());
    out.push(CODEC);
    bytes(&mut out, name.as_bytes());
    signed(&mut out, m.created);
    signed(&mut out, m.updated.wrapping_sub(m.created));
    varint(&mut out, u64::from(m.version));
    let flags = [
        (m.change.is_some(), CHANGE),
        (m.from.is_some(), FROM),
        (m.note.is_some(), NOTE),
        (m.url.is_some(), URL),
        (m.rotated_at.is_some(), ROTATED),
        (m.removed.is_some(), REMOVED),
        (m.template, TEMPLATE),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .fold(0, |f, (_, bit)| f | bit);
    out.push(flags);
    if let Some(c) = m.change {
        out.push(change_code(c));
    }
    if let Some(f) = m.from {
        varint(&mut out, u64::from(f));
    }
    for text in [&m.note, &m.url].into_iter().flatten() {
        bytes(&mut out, text.as_bytes());
    }
    for at in [m.rotated_at, m.removed].into_iter().flatten() {
        signed(&mut out, at.wrapping_sub(m.created));
    }
    out
}

/// Decodes what [`encode`] made: the name (as text) and the metadata.
pub fn decode(raw: &[u8]) -> Result<(&str, Meta)> {
    let mut r = Reader(raw);
    if r.byte()? != CODEC {
        return Err(malformed());
    }
    let name = std::str::from_utf8(r.bytes()?).map_err(|_| malformed())?;
    let created = r.signed()?;
    let mut m = Meta {
        created,
        updated: created.wrapping_add(r.signed()?),
        version: u32::try_from(r.varint()?).map_err(|_| malformed())?,
        ..Meta::default()
    };
    let flags = r.byte()?;
    if flags & !(CHANGE | FROM | NOTE | URL | ROTATED | REMOVED | TEMPLATE) != 0 {
        return Err(malformed());
    }
    if flags & CHANGE != 0 {
        m.change = Some(change_of(r.byte()?)?);
    }
    if flags & FROM != 0 {
        m.from = Some(u32::try_from(r.varint()?).map_err(|_| malformed())?);
    }
    if flags & NOTE != 0 {
        m.note = Some(r.text()?);
    }
    if flags & URL != 0 {
        m.url = Some(r.text()?);
    }
    if flags & ROTATED != 0 {
        m.rotated_at = Some(created.wrapping_add(r.signed()?));
    }
    if flags & REMOVED != 0 {
        m.removed = Some(created.wrapping_add(r.signed()?));
    }
    m.template = flags & TEMPLATE != 0;
    if !r.0.is_empty() {
        return Err(malformed());
    }
    Ok((name, m))
}

fn malformed() -> Error {
    Error::integrity("a secret's name or metadata is malformed")
}

fn change_code(c: Change) -> u8 {
    match c {
        Change::Set => 0,
        Change::Import => 1,
        Change::Rotate => 2,
        Change::Rollback => 3,
        Change::Pull => 4,
    }
}

fn change_of(code: u8) -> Result<Change> {
    Ok(match code {
        0 => Change::Set,
        1 => Change::Import,
        2 => Change::Rotate,
        3 => Change::Rollback,
        4 => Change::Pull,
        _ => return Err(malformed()),
    })
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn signed(out: &mut Vec<u8>, v: i64) {
    varint(out, ((v << 1) ^ (v >> 63)) as u64);
}

fn bytes(out: &mut Vec<u8>, b: &[u8]) {
    varint(out, b.len() as u64);
    out.extend_from_slice(b);
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Result<u8> {
        let (&b, rest) = self.0.split_first().ok_or_else(malformed)?;
        self.0 = rest;
        Ok(b)
    }

    fn varint(&mut self) -> Result<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(malformed())
    }

    fn signed(&mut self) -> Result<i64> {
        let v = self.varint()?;
        Ok((v >> 1) as i64 ^ -((v & 1) as i64))
    }

    fn bytes(&mut self) -> Result<&'a [u8]> {
        let n = usize::try_from(self.varint()?).map_err(|_| malformed())?;
        if n > self.0.len() {
            return Err(malformed());
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn text(&mut self) -> Result<String> {
        let b = self.bytes()?;
        String::from_utf8(b.to_vec()).map_err(|_| malformed())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn an_imported_key_takes_a_few_bytes() {
        let m = Meta {
            created: 1_800_000_000,
            updated: 1_800_000_000,
            version: 1,
            change: Some(Change::Import),
            ..Meta::default()
        };
        let raw = encode("SERVICE_12_API_KEY", &m);
        assert_eq!(raw.len(), 1 + 1 + 18 + 5 + 1 + 1 + 1 + 1);
        let (name, back) = decode(&raw).unwrap();
        assert_eq!(name, "SERVICE_12_API_KEY");
        assert_eq!(
            serde_json::to_string(&back).unwrap(),
            serde_json::to_string(&m).unwrap()
        );
    }

    #[test]
    fn malformed_input_is_an_error_not_a_panic() {
        let raw = encode("K", &Meta::default());
        for cut in 0..raw.len() {
            assert!(decode(&raw[..cut]).is_err(), "cut at {cut}");
        }
        let mut extra = raw.clone();
        extra.push(0);
        assert!(decode(&extra).is_err());
        let mut flags = raw.clone();
        *flags.last_mut().unwrap() = 0x80;
        assert!(decode(&flags).is_err());
        assert!(decode(&[2]).is_err());
        assert!(
            decode(&[
                1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
            ])
            .is_err()
        );
    }

    proptest! {
        #[test]
        fn round_trips(
            name in "[A-Z_][A-Z0-9_]{0,40}",
            created in any::<i64>(), updated in any::<i64>(), version in any::<u32>(),
            change in proptest::option::of(0u8..5), from in any::<Option<u32>>(),
            note in any::<Option<String>>(), url in any::<Option<String>>(),
            rotated_at in any::<Option<i64>>(), removed in any::<Option<i64>>(),
            template in any::<bool>(),
        ) {
            let m = Meta {
                created, updated, version,
                change: change.map(|c| change_of(c).unwrap()),
                from, note, url, rotated_at, removed, template,
            };
            let raw = encode(&name, &m);
            let (n, back) = decode(&raw).unwrap();
            prop_assert_eq!(n, name.as_str());
            prop_assert_eq!(serde_json::to_string(&back).unwrap(), serde_json::to_string(&m).unwrap());
        }

        #[test]
        fn arbitrary_bytes_never_panic(raw in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = decode(&raw);
        }
    }
}
