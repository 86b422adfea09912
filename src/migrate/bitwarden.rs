//! Bitwarden: the unencrypted JSON export (`bw export --format json`, or the web vault's
//! "File > Export vault > .json"). An item's main value (a login's password, a secure note's
//! text, a card's number, an SSH key's private key) becomes `FOLDER_NAME`, each custom field
//! with a value `FOLDER_NAME_FIELD`; user name, URIs and notes of a login become the note.
//! An encrypted export is refused, naming the fix. Writes nothing.

use super::{Item, Passphrase};
use crate::error::{Error, Result};
use crate::secret::SecretValue;
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;
use zeroize::Zeroizing;

/// The most bytes read from an export (64 MiB), as for every other input.
const MAX_FILE: u64 = 64 << 20;

#[derive(Deserialize)]
struct Export {
    #[serde(default)]
    encrypted: bool,
    #[serde(default)]
    folders: Vec<Folder>,
    #[serde(default)]
    items: Vec<BwItem>,
}

#[derive(Deserialize)]
struct Folder {
    id: String,
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BwItem {
    #[serde(default)]
    folder_id: Option<String>,
    #[serde(default)]
    name: String,
    #[serde(default)]
    notes: Option<String>,
    #[serde(rename = "type", default)]
    kind: u8,
    #[serde(default)]
    deleted_date: Option<String>,
    #[serde(default)]
    login: Option<Login>,
    #[serde(default)]
    card: Option<Card>,
    #[serde(default)]
    ssh_key: Option<SshKey>,
    #[serde(default)]
    fields: Option<Vec<Field>>,
}

#[derive(Deserialize)]
struct Login {
    username: Option<String>,
    password: Option<String>,
    uris: Option<Vec<Uri>>,
}

#[derive(Deserialize)]
struct Uri {
    uri: Option<String>,
}

#[derive(Deserialize)]
struct Card {
    number: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SshKey {
    private_key: Option<String>,
}

#[derive(Deserialize)]
struct Field {
    name: Option<String>,
    value: Option<String>,
}

/// Reads every item of the export at `path` (no passphrase: it is unencrypted).
pub fn read(path: &Path, _passphrase: Passphrase<'_>) -> Result<Vec<Item>> {
    let shown = path.display().to_string();
    let size = std::fs::metadata(path)
        .map_err(|e| Error::io(format!("cannot read the Bitwarden export {shown}"), e))?
        .len();
    if size > MAX_FILE {
        return Err(Error::invalid(
            format!(
                "{shown} is {size} bytes, more than a Bitwarden export devvault reads (64 MiB)"
            ),
            "split the export, or check that it is the right file",
        ));
    }
    let bytes = Zeroizing::new(
        std::fs::read(path)
            .map_err(|e| Error::io(format!("cannot read the Bitwarden export {shown}"), e))?,
    );
    // Only where: serde's words can quote the value it did not expect (a password).
    let export: Export = serde_json::from_slice(&bytes).map_err(|e| {
        Error::invalid(
            format!(
                "{shown} is not a Bitwarden JSON export (line {}, column {})",
                e.line(),
                e.column()
            ),
            "export the vault as .json (not .csv) from Bitwarden, or check the file",
        )
    })?;
    if export.encrypted {
        return Err(Error::invalid(
            format!("{shown} is an encrypted Bitwarden export"),
            "export the vault again choosing the unencrypted .json format (`bw export --format \
             json`), import it, then delete that file",
        ));
    }
    items(export)
}

/// The items of an unencrypted export.
fn items(export: Export) -> Result<Vec<Item>> {
    let folders: HashMap<String, String> =
        export.folders.into_iter().map(|f| (f.id, f.name)).collect();
    let mut out = Vec::new();
    for item in export
        .items
        .into_iter()
        .filter(|i| i.deleted_date.is_none())
    {
        let folder = item
            .folder_id
            .as_ref()
            .and_then(|id| folders.get(id))
            .map_or("", String::as_str);
        entry(folder, item, &mut out)?;
    }
    Ok(out)
}

/// One item's main value and custom fields.
fn entry(folder: &str, item: BwItem, out: &mut Vec<Item>) -> Result<()> {
    let name = if folder.is_empty() {
        item.name.clone()
    } else {
        format!("{folder}/{}", item.name)
    };
    let notes = item.notes.unwrap_or_default();
    let (main, note) = match (item.kind, item.login) {
        (1, Some(login)) => {
            let uris: Vec<String> = login
                .uris
                .unwrap_or_default()
                .into_iter()
                .filter_map(|u| u.uri)
                .collect();
            let note = super::note(&[
                ("user", login.username.as_deref().unwrap_or("")),
                ("url", &uris.join(" ")),
                ("", &notes),
            ]);
            (login.password, note)
        }
        (2, _) => (Some(notes), None),
        (3, _) => (
            item.card.and_then(|c| c.number),
            super::note(&[("", &notes)]),
        ),
        (5, _) => (
            item.ssh_key.and_then(|k| k.private_key),
            super::note(&[("", &notes)]),
        ),
        _ => (None, super::note(&[("", &notes)])),
    };
    let parts = [folder, item.name.as_str()];
    if let Some(value) = main.filter(|v| !v.is_empty()) {
        out.push(super::item(
            name.clone(),
            &parts,
            SecretValue::new(value),
            note.clone(),
        )?);
    }
    for field in item.fields.unwrap_or_default() {
        let (Some(field_name), Some(value)) = (field.name, field.value) else {
            continue;
        };
        if value.is_empty() {
            continue;
        }
        out.push(super::item(
            format!("{name} ({field_name})"),
            &[folder, item.name.as_str(), field_name.as_str()],
            SecretValue::new(value),
            note.clone(),
        )?);
    }
    Ok(())
}
