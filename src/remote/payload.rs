//! How a scope maps to one KV v2 entry. The entry's `data` holds every key as a string
//! (so `vault kv get` and applications read it as usual) plus one reserved field,
//! `devvault:meta` (a name no devvault key can have), an object
//! `{"format": 1, "keys": {KEY: {version, created, updated, change, rotated_at, note, url}}}`
//! carrying each key's rotation metadata and notes alongside the values. An entry written
//! by other tools (no reserved field) is read with empty metadata. Pure: no I/O.

use crate::model::KeyName;
use crate::rotation::Change;
use crate::secret::SecretValue;
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use zeroize::Zeroizing;

/// The reserved data field holding devvault's metadata.
pub const META_KEY: &str = "devvault:meta";
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

struct Data<'a>(&'a [Entry]);

impl Serialize for Data<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len() + 1))?;
        for e in self.0 {
            map.serialize_entry(e.key.as_str(), e.value.expose_secret())?;
        }
        let meta = MetaField {
            format: FORMAT,
            keys: self
                .0
                .iter()
                .map(|e| (e.key.to_string(), e.meta.clone()))
                .collect(),
        };
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
    let mut buf = Zeroizing::new(Vec::with_capacity(64 + entries.len() * 160));
    let body = WriteBody {
        options: Options { cas },
        data: Data(entries),
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
        match (name == META_KEY, field) {
            (true, Field::Json(json)) => {
                let meta: MetaField = serde_json::from_value(json)
                    .map_err(|_| format!("the `{META_KEY}` field is malformed"))?;
                if meta.format > FORMAT {
                    return Err(format!(
                        "the entry was written by a newer devvault (format {}); upgrade devvault",
                        meta.format
                    ));
                }
                metas = meta.keys;
            }
            (true, Field::Text(_)) => return Err(format!("the `{META_KEY}` field is malformed")),
            (false, Field::Json(_)) => {
                return Err(format!(
                    "the field `{}` is not a string",
                    name.escape_debug()
                ));
            }
            (false, Field::Text(text)) => {
                let key = KeyName::new(&name).map_err(|_| {
                    format!(
                        "the field `{}` is not a valid devvault key name",
                        name.escape_debug()
                    )
                })?;
                values.push((key, SecretValue::from(text)));
            }
        }
    }
    let mut out: Vec<Entry> = values
        .into_iter()
        .map(|(key, value)| {
            let meta = metas.remove(key.as_str()).unwrap_or_default();
            Entry { key, value, meta }
        })
        .collect();
    out.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(out)
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
    fn foreign_entries_and_bad_fields() {
        let plain: BTreeMap<String, Field> = serde_json::from_str(r#"{"API_KEY": "v"}"#).unwrap();
        let got = entries(plain).unwrap();
        assert_eq!(got[0].meta, KeyMeta::default());
        for (json, want) in [
            (r#"{"bad key": "v"}"#, "not a valid devvault key name"),
            (r#"{"N": 3}"#, "not a string"),
            (r#"{"devvault:meta": {"format": 9}}"#, "newer devvault"),
        ] {
            let err = entries(serde_json::from_str(json).unwrap()).unwrap_err();
            assert!(err.contains(want), "{err}");
        }
    }
}
