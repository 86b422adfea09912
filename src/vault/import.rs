//! `import`: many keys set in one transaction (all land or none), with an optional note
//! per key, and the preview of what an import would do (`import --dry-run`), which writes
//! nothing.

use super::edit::{self, Edit, Outcome};
use super::{Vault, now, state};
use crate::audit::{Event, EventKind};
use crate::error::Result;
use crate::model::{ImportReport, KeyName, Scope};
use crate::secret::SecretValue;
use crate::store::Table;

impl Vault {
    /// Sets many keys in one transaction: all of them land, or none.
    pub fn import(
        &mut self,
        scope: &Scope,
        entries: &[(KeyName, SecretValue)],
    ) -> Result<ImportReport> {
        self.import_refs(scope, entries.iter().map(|(k, v)| (k, v, None)).collect())
    }

    /// What [`Vault::import`] would do, without writing anything (`import --dry-run`).
    pub fn import_preview(
        &mut self,
        scope: &Scope,
        entries: &[(KeyName, SecretValue)],
    ) -> Result<ImportReport> {
        let keys = &self.keys;
        self.store.read(|tx| {
            let (snap, found) = state::locate(tx, keys, scope)?;
            let current: std::collections::HashMap<KeyName, SecretValue> = match found {
                Some(pos) => state::records(tx, keys, Table::Secrets, &snap.scopes[pos])?
                    .iter()
                    .map(|r| {
                        Ok((
                            state::open_name(keys, Table::Secrets, r)?,
                            state::open_value(keys, Table::Secrets, r)?,
                        ))
                    })
                    .collect::<Result<_>>()?,
                None => Default::default(),
            };
            let mut report = ImportReport::default();
            for (key, value) in entries {
                let list = match current.get(key) {
                    None => &mut report.added,
                    Some(v) if v.expose_secret() == value.expose_secret() => &mut report.unchanged,
                    Some(_) => &mut report.changed,
                };
                list.push(key.to_string());
            }
            Ok(report)
        })
    }

    /// Sets many keys with a note each (a comment above the key in the imported file), in
    /// one transaction like [`Vault::import`]; the note is kept with a new or changed value.
    pub fn import_noted(
        &mut self,
        scope: &Scope,
        entries: &[(KeyName, SecretValue, Option<String>)],
    ) -> Result<ImportReport> {
        let refs = entries
            .iter()
            .map(|(k, v, n)| (k, v, n.as_deref()))
            .collect();
        self.import_refs(scope, refs)
    }

    fn import_refs(
        &mut self,
        scope: &Scope,
        entries: Vec<(&KeyName, &SecretValue, Option<&str>)>,
    ) -> Result<ImportReport> {
        let keys = &self.keys;
        self.store.write(|tx| {
            let mut edit = Edit::begin(tx, keys, scope, true, now())?;
            let mut report = ImportReport::default();
            for (key, value, note) in entries {
                let origin = edit::Origin {
                    note: note.map(str::to_string),
                    ..edit::Origin::of(crate::rotation::Change::Import)
                };
                let list = match edit.put(key, value, &origin)?.0 {
                    Outcome::Added => &mut report.added,
                    Outcome::Changed => &mut report.changed,
                    Outcome::Unchanged => &mut report.unchanged,
                };
                list.push(key.to_string());
            }
            let detail = format!(
                "{} added, {} changed, {} unchanged",
                report.added.len(),
                report.changed.len(),
                report.unchanged.len()
            );
            edit.record(&Event::new(EventKind::Import).scope(scope).detail(detail))?;
            edit.finish()?;
            Ok(report)
        })
    }
}
