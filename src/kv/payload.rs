//! How a scope maps to one KV v2 entry. The entry's `data` holds every key as a string
//! field (so `vault kv get` and applications read it as usual) plus one reserved field,
//! `devvault:meta` (a name no devvault key can have): a JSON text
//! `{"format": 1, "keys": {KEY: {version, created, updated, change, rotated_at, note, url}}}`
//! carrying each key's rotation metadata and notes alongside the values. A scope of more
//! than [`FLAT_MAX`] keys is packed instead: its values go in one reserved field,
//! `devvault:values`, a JSON text of `{KEY: value}`, because OpenBao refuses a request body
//! of more than 1,000 JSON strings by default (`max_request_json_strings`). An entry
//! written by other tools (no reserved field) is read with empty metadata and written back
//! in its own plain shape ([`Shape::Plain`]: one field per key, however many, no reserved
//! field), so applications reading its fields keep finding them. Each key's metadata carries
//! a short digest of the value it was written with (`sha`): a value changed since by another
//! tool (`bao kv patch`) no longer matches and is read with empty metadata, as an outside
//! change, never with the stale note. Pure: no I/O.

use crate::model::KeyName;
use crate::rotation::Change;
use crate::secret::SecretValue;
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use zeroize::Zeroizing;

/// The reserved data field holding devvault's metadata.
pub const META_KEY: &str = "devvault:meta";
/// The reserved data field holding a packed scope's values.
pub const VALUES_KEY: &str = "devvault:values";
/// The most keys written as one field each; larger scopes are packed.
pub const FLAT_MAX: usize = 400;
const FORMAT: u32 = 1;

/// What travels beside a value: its version, dates, origin, rotation time, note and URL.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyMeta {
    /// The key's version where it was written.
    #[serde(default)]
    pub version: u32,
    /// When the key was first set (Unix seconds).
    #[serde(default)]
    pub created: i64,
    /// When this value was set.
    #[serde(default)]
    pub updated: i64,
    /// What made this version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<Change>,
    /// When the key was last rotated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotated_at: Option<i64>,
    /// The note given with this version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The provider URL of the key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// A digest of the value this metadata was written with ([`value_digest`]); filled in
    /// when the entry is written.
    #[serde(default, rename = "sha", skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
}

/// How an entry is laid out on the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// devvault's: one field per key plus `devvault:meta`, packed above [`FLAT_MAX`] keys.
    Devvault,
    /// Another tool's: one string field per key, nothing else, however many.
    Plain,
}

/// The digest of a value kept beside its metadata: 16 hex digits of a SHA-256 (the value
/// itself sits in the same entry, so this tells nothing more about it).
pub fn value_digest(value: &SecretValue) -> String {
    use sha2::{Digest as _, Sha256};
    let mut h = Sha256::new();
    h.update(b"devvault kv value v1\0");
    h.update(value.expose_secret().as_bytes());
    base16ct::lower::encode_string(&h.finalize()[..8])
}

/// The shape of an entry's data as read: plain when it holds no reserved field.
pub fn shape_of(data: &BTreeMap<String, Field>) -> Shape {
    if data.contains_key(META_KEY) || data.contains_key(VALUES_KEY) {
        Shape::Devvault
    } else {
        Shape::Plain
    }
}

/// One key of a scope with its value and metadata.
#[derive(Debug)]
pub struct Entry {
    /// The key.
    pub key: KeyName,
    /// The value.
    pub value: SecretValue,
    /// Its metadata.
    pub meta: KeyMeta,
}

#[derive(Serialize, Deserialize)]
struct MetaField {
    format: u32,
    #[serde(default)]
    keys: BTreeMap<String, KeyMeta>,
}

/// A field of a KV entry's data as read: a string (a value) or any other JSON.
#[derive(Deserialize)]
#[serde(untagged)]
pub enum Field {
    /// A string value.
    Text(String),
    /// Anything else (the reserved metadata object).
    Json(serde_json::Value),
}

struct Data<'a>(&'a [Entry], Shape);

impl Serialize for Data<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.1 == Shape::Plain {
            let mut map = s.serialize_map(Some(self.0.len()))?;
            for e in self.0 {
                map.serialize_entry(e.key.as_str(), e.value.expose_secret())?;
            }
            return map.end();
        }
        let meta = MetaField {
            format: FORMAT,
            keys: self
                .0
                .iter()
                .map(|e| {
                    let mut m = e.meta.clone();
                    m.digest = Some(value_digest(&e.value));
                    (e.key.to_string(), m)
                })
                .collect(),
        };
        let meta = serde_json::to_string(&meta).map_err(serde::ser::Error::custom)?;
        let packed = self.0.len() > FLAT_MAX;
        let mut map = s.serialize_map(Some(if packed { 2 } else { self.0.len() + 1 }))?;
        if packed {
            let values: BTreeMap<&str, &str> = self
                .0
                .iter()
                .map(|e| (e.key.as_str(), e.value.expose_secret()))
                .collect();
            let text =
                Zeroizing::new(serde_json::to_string(&values).map_err(serde::ser::Error::custom)?);
            map.serialize_entry(VALUES_KEY, text.as_str())?;
        } else {
            for e in self.0 {
                map.serialize_entry(e.key.as_str(), e.value.expose_secret())?;
            }
        }
        map.serialize_entry(META_KEY, &meta)?;
        map.end()
    }
}

#[derive(Serialize)]
struct Options {
    cas: u64,
}

#[derive(Serialize)]
struct WriteBody<'a> {
    options: Options,
    data: Data<'a>,
}

/// The JSON body of a KV v2 write with check-and-set on `cas`, in a buffer zeroized on drop.
pub fn write_body(entries: &[Entry], cas: u64) -> Zeroizing<Vec<u8>> {
    write_body_as(entries, cas, Shape::Devvault)
}

/// [`write_body`] in `shape`.
pub fn write_body_as(entries: &[Entry], cas: u64, shape: Shape) -> Zeroizing<Vec<u8>> {
    let mut buf = Zeroizing::new(Vec::with_capacity(64 + entries.len() * 160));
    let body = WriteBody {
        options: Options { cas },
        data: Data(entries, shape),
    };
    // Writing JSON to a Vec fails only on a serializer error, which these types never give.
    let _ = serde_json::to_writer(&mut *buf, &body);
    buf
}

/// The entries of a KV entry's data, sorted by key. An error names the bad field (never a
/// value).
pub fn entries(data: BTreeMap<String, Field>) -> Result<Vec<Entry>, String> {
    let mut metas = BTreeMap::new();
    let mut values = Vec::with_capacity(data.len());
    for (name, field) in data {
        let Field::Text(text) = field else {
            return Err(format!(
                "the field `{}` is not a string",
                name.escape_debug()
            ));
        };
        if name == META_KEY {
            let meta: MetaField = serde_json::from_str(&text)
                .map_err(|_| format!("the `{META_KEY}` field is malformed"))?;
            if meta.format > FORMAT {
                return Err(format!(
                    "the entry was written by a newer devvault (format {}); upgrade devvault",
                    meta.format
                ));
            }
            metas = meta.keys;
        } else if name == VALUES_KEY {
            let text = Zeroizing::new(text);
            let packed: BTreeMap<String, String> = serde_json::from_str(&text)
                .map_err(|_| format!("the `{VALUES_KEY}` field is malformed"))?;
            for (k, v) in packed {
                values.push((key_name(&k)?, SecretValue::from(v)));
            }
        } else {
            values.push((key_name(&name)?, SecretValue::from(text)));
        }
    }
    let mut out: Vec<Entry> = values
        .into_iter()
        .map(|(key, value)| {
            // Metadata written with another value is stale: the value changed outside.
            let meta = metas
                .remove(key.as_str())
                .filter(|m| m.digest.as_ref().is_none_or(|d| *d == value_digest(&value)))
                .unwrap_or_default();
            Entry { key, value, meta }
        })
        .collect();
    out.sort_by(|a, b| a.key.cmp(&b.key));
    if out.windows(2).any(|w| w[0].key == w[1].key) {
        return Err("a key is both packed and a field of its own".into());
    }
    Ok(out)
}

fn key_name(name: &str) -> Result<KeyName, String> {
    KeyName::new(name).map_err(|e| match e {
        crate::Error::InvalidInput { what, .. } => format!("a field's name: {what}"),
        other => other.to_string(),
    })
}

/// The (key, value) pairs of entries, as the sync digest takes them.
pub fn pairs(entries: &[Entry]) -> Vec<(&KeyName, &SecretValue)> {
    entries.iter().map(|e| (&e.key, &e.value)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(k: &str, v: &str, note: Option<&str>) -> Entry {
        Entry {
            key: KeyName::new(k).unwrap(),
            value: SecretValue::from(v),
            meta: KeyMeta {
                version: 2,
                change: Some(Change::Rotate),
                rotated_at: Some(7),
                note: note.map(str::to_string),
                ..KeyMeta::default()
            },
        }
    }

    fn data_of(body: &[u8]) -> BTreeMap<String, Field> {
        let v: serde_json::Value = serde_json::from_slice(body).unwrap();
        assert_eq!(v["options"]["cas"], 3);
        serde_json::from_value(v["data"].clone()).unwrap()
    }

    #[test]
    fn round_trip_with_metadata() {
        let body = write_body(
            &[entry("B", "two\n\"q\"", None), entry("A", "one", Some("n"))],
            3,
        );
        let back = entries(data_of(&body)).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(back[0].key.as_str(), "A");
        assert_eq!(back[0].meta.note.as_deref(), Some("n"));
        assert_eq!(back[0].meta.change, Some(Change::Rotate));
        assert_eq!(back[1].value.expose_secret(), "two\n\"q\"");
    }

    #[test]
    fn large_scopes_are_packed_in_few_json_strings() {
        let many: Vec<Entry> = (0..=FLAT_MAX)
            .map(|i| entry(&format!("K{i}"), &format!("v{i}"), None))
            .collect();
        let body = write_body(&many, 3);
        let data = data_of(&body);
        assert_eq!(data.len(), 2);
        let back = entries(data).unwrap();
        assert_eq!(back.len(), FLAT_MAX + 1);
        assert_eq!(back[0].meta.change, Some(Change::Rotate));
        let flat = write_body(&many[..FLAT_MAX], 3);
        assert_eq!(data_of(&flat).len(), FLAT_MAX + 1);
    }

    #[test]
    fn foreign_entries_and_bad_fields() {
        let plain: BTreeMap<String, Field> = serde_json::from_str(r#"{"API_KEY": "v"}"#).unwrap();
        let got = entries(plain).unwrap();
        assert_eq!(got[0].meta, KeyMeta::default());
        for (json, want) in [
            (
                r#"{"bad key": "v"}"#,
                "a field's name: invalid key name `bad key`",
            ),
            (r#"{"N": 3}"#, "not a string"),
            (r#"{"devvault:meta": "{\"format\": 9}"}"#, "newer devvault"),
            (r#"{"devvault:meta": {"format": 1}}"#, "not a string"),
        ] {
            let err = entries(serde_json::from_str(json).unwrap()).unwrap_err();
            assert!(err.contains(want), "{err}");
        }
        let long: BTreeMap<String, Field> =
            BTreeMap::from([("K".repeat(70_000), Field::Text("v".into()))]);
        let err = entries(long).unwrap_err();
        assert!(err.contains("longer than 256") && err.len() < 300, "{err}");
    }

    #[test]
    fn plain_entries_stay_plain_and_outside_changes_lose_their_metadata() {
        let many: Vec<Entry> = (0..450)
            .map(|i| entry(&format!("K{i}"), &format!("v{i}"), None))
            .collect();
        let body = write_body_as(&many, 3, Shape::Plain);
        let data = data_of(&body);
        assert_eq!(data.len(), 450);
        assert_eq!(shape_of(&data), Shape::Plain);
        let body = write_body(&[entry("A", "one", Some("n"))], 3);
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        let mut data: BTreeMap<String, Field> = serde_json::from_value(v["data"].clone()).unwrap();
        assert_eq!(shape_of(&data), Shape::Devvault);
        data.insert("A".into(), Field::Text("patched".into()));
        let back = entries(data).unwrap();
        assert_eq!(back[0].meta, KeyMeta::default());
    }
}
