//! Reads of the flattened scope (see `inherit.rs`) besides export: the listing with where
//! each key comes from (`ls`, the TUI), `.env.example` lines, and references
//! (`devvault://PROJECT/ENV/KEY`) resolved for `read`, `run --env-file` and `inject`.

use super::{Vault, inherit, policy, state};
use crate::audit::{Event, EventKind};
use crate::error::{Error, Result};
use crate::model::{KeyName, Scope, SecretMeta};
use crate::reference::Reference;
use crate::secret::SecretValue;
use crate::template::{self, Entry};
use std::collections::BTreeMap;

/// One key of a flattened scope, as listed.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Listed {
    /// The key's metadata (from the scope that holds it).
    #[serde(flatten)]
    pub meta: SecretMeta,
    /// The ancestor the key is inherited from; `None` when the scope sets it itself.
    pub inherited_from: Option<String>,
    /// The value is a template (`set --template`).
    pub template: bool,
}

impl Vault {
    /// The keys of the flattened scope with their metadata, where each comes from and
    /// whether it is a template, sorted by key; never values.
    pub fn list_sources(&mut self, scope: &Scope) -> Result<Vec<Listed>> {
        let keys = &self.keys;
        let now = super::now();
        self.store.read(|tx| {
            let (flat, header) = inherit::flatten(tx, keys, scope)?;
            let policies = policy::Policies::load(tx, keys, &header)?;
            Ok(flat
                .into_iter()
                .map(|k| {
                    let max_age = policies.get(k.record.scope_id, &k.record.idx).max_age;
                    let m = k.meta;
                    let from = (&k.from != scope).then(|| k.from.to_string());
                    Listed {
                        meta: SecretMeta {
                            key: k.name,
                            created: m.created,
                            updated: m.updated,
                            version: m.version,
                            rotated_at: m.rotated_at,
                            url: m.url,
                            max_age,
                            overdue_days: crate::rotation::overdue_days(m.updated, max_age, now),
                            empty: k.record.value.len() == crate::crypto::SEAL_OVERHEAD,
                            inherited_from: from.clone(),
                        },
                        inherited_from: from,
                        template: m.template,
                    }
                })
                .collect())
        })
    }

    /// The flattened scope's keys with their comments (note, provider URL, where an
    /// inherited key comes from); never values.
    pub fn example(&mut self, scope: &Scope) -> Result<Vec<(KeyName, Vec<String>)>> {
        let keys = &self.keys;
        self.store.read(|tx| {
            let (flat, _) = inherit::flatten(tx, keys, scope)?;
            Ok(flat
                .into_iter()
                .map(|k| {
                    let mut comments: Vec<String> = k.meta.note.into_iter().collect();
                    comments.extend(k.meta.url.map(|u| format!("issued at {u}")));
                    (k.name, comments)
                })
                .collect())
        })
    }

    /// The values `refs` name, in order, each from its flattened scope with templates
    /// expanded; `labels` say where each reference was found (`line 3`, `$DATABASE_URL`)
    /// for the error. Every reference to a missing scope or key is named in one
    /// [`Error::NotFound`] and nothing is read. Recorded as one `kind` entry per key read.
    pub fn resolve(
        &mut self,
        refs: &[(Reference, String)],
        kind: EventKind,
    ) -> Result<Vec<SecretValue>> {
        if refs.is_empty() {
            return Ok(Vec::new());
        }
        let read = |tx: &crate::store::Tx<'_>, keys: &super::keys::Keys| {
            let mut scopes: BTreeMap<&Scope, Vec<inherit::FlatKey>> = BTreeMap::new();
            let mut missing = Vec::new();
            let mut header = None;
            for (r, label) in refs {
                if !scopes.contains_key(&r.scope) {
                    match inherit::flatten(tx, keys, &r.scope) {
                        Ok((flat, h)) => {
                            header = Some(h);
                            scopes.insert(&r.scope, flat);
                        }
                        Err(Error::NotFound { .. }) => {
                            missing.push(format!("`{r}` ({label}: no scope {})", r.scope));
                            continue;
                        }
                        Err(e) => return Err(e),
                    }
                }
                let known = scopes
                    .get(&r.scope)
                    .is_some_and(|f| f.iter().any(|k| k.name == r.key));
                if !known {
                    missing.push(format!("`{r}` ({label}: no key {} in {})", r.key, r.scope));
                }
            }
            if !missing.is_empty() {
                return Err(Error::NotFound {
                    what: format!(
                        "{} {}",
                        if missing.len() == 1 {
                            "reference"
                        } else {
                            "references"
                        },
                        missing.join(", ")
                    ),
                    suggestion: None,
                });
            }
            let mut values: BTreeMap<(&Scope, &KeyName), SecretValue> = BTreeMap::new();
            for (scope, flat) in &scopes {
                let wanted: Vec<&KeyName> = refs
                    .iter()
                    .filter(|(r, _)| &r.scope == *scope)
                    .map(|(r, _)| &r.key)
                    .collect();
                let mut entries = BTreeMap::new();
                for k in flat {
                    let value = state::open_value(keys, crate::store::Table::Secrets, &k.record)?;
                    let template = k.meta.template;
                    entries.insert(k.name.clone(), Entry { value, template });
                }
                for (name, v) in template::expand_keys(&scope.to_string(), entries, &wanted)? {
                    let key = wanted.iter().find(|k| ***k == name).copied();
                    if let Some(key) = key {
                        values.insert((*scope, key), v);
                    }
                }
            }
            let out = refs
                .iter()
                .map(|(r, _)| {
                    values
                        .get(&(&r.scope, &r.key))
                        .map(|v| SecretValue::new(v.expose_secret().to_string()))
                        .ok_or_else(|| Error::integrity("a resolved reference lost its value"))
                })
                .collect::<Result<Vec<_>>>()?;
            let header =
                header.ok_or_else(|| Error::integrity("no scope was read for the references"))?;
            Ok((out, header))
        };
        let mut seen: Vec<&Reference> = refs.iter().map(|(r, _)| r).collect();
        seen.sort();
        seen.dedup();
        let events = |_: &Vec<SecretValue>| {
            seen.iter()
                .map(|r| {
                    Event::new(kind)
                        .scope(&r.scope)
                        .key(&r.key)
                        .detail("by reference")
                })
                .collect()
        };
        self.audited_read_all(read, events)
    }
}
