//! `import --from 1password`: a 1Password Unencrypted Export (`.1pux`), a zip holding
//! `export.data`, JSON of `accounts[].vaults[].items[]` (1Password's published 1PUX format).
//!
//! Each item gives keys named by [`super::key_for`] from its vault's name and its title:
//! - its password (the login field designated `password`, or a Password item's
//!   `details.password`): `VAULT_TITLE`;
//! - its username (the login field designated `username`): `VAULT_TITLE_USERNAME`;
//! - every field of its sections holding text (`concealed`, `string`, `url`, `totp`, `phone`,
//!   an email's address, an SSH key's private key, ...): `VAULT_TITLE_LABEL`;
//! - an item with none of these (a Secure Note) gives its notes as the value of `VAULT_TITLE`;
//!   otherwise its URL and notes are the note of its keys ([`super::note`]).
//!
//! Left out: attachments and documents' files (`files/` in the zip is never read), dates,
//! addresses, references to other items, the other login fields of a web form, and trashed or
//! archived items. Bounded: a `.1pux` over [`MAX_ARCHIVE`] and an `export.data` over
//! [`MAX_DATA`] (declared or actually inflated: a zip bomb) are refused. An item giving no
//! key name: an error naming it, and no items (two on one key: [`super::entries`] refuses).
//!
//! Reads only the file it is given; never prints, never puts a value in an error.

use super::{Item, Passphrase};
use crate::error::{Error, Result};
use crate::secret::SecretValue;
use serde_json::Value;
use std::io::Read;
use std::path::Path;
use zeroize::Zeroizing;

/// The largest `.1pux` file opened (1 GiB: attachments make exports large, and the zip's
/// directory is read whole).
pub const MAX_ARCHIVE: u64 = 1 << 30;

/// The largest `export.data` inflated (64 MiB, the cap of every other input).
pub const MAX_DATA: u64 = 64 << 20;

const DATA: &str = "export.data";

/// Reads every item of the `.1pux` at `path` (it has no passphrase: the callback is unused).
pub fn read(path: &Path, passphrase: Passphrase<'_>) -> Result<Vec<Item>> {
    let _ = passphrase;
    read_limited(path, MAX_DATA)
}

/// [`read`] with `export.data` capped at `max` bytes (tests use a small cap).
fn read_limited(path: &Path, max: u64) -> Result<Vec<Item>> {
    let origin = path.display().to_string();
    let data = export_data(path, &origin, max)?;
    let export: Value = serde_json::from_slice(&data).map_err(|e| {
        not_1pux(
            &origin,
            &format!(
                "its {DATA} is not JSON (line {}, column {})",
                e.line(),
                e.column()
            ),
        )
    })?;
    let accounts = export
        .get("accounts")
        .and_then(Value::as_array)
        .ok_or_else(|| not_1pux(&origin, &format!("its {DATA} has no `accounts` list")))?;
    let mut items = Vec::new();
    for vault in accounts.iter().flat_map(|a| list(a, "vaults")) {
        let name = text_at(vault, &["attrs", "name"]);
        for entry in list(vault, "items") {
            let item = entry.get("item").unwrap_or(entry);
            if !skipped(item) {
                items.extend(item_keys(&origin, name, item)?);
            }
        }
    }
    Ok(items)
}

/// The inflated `export.data` of the zip at `path`, at most `max` bytes.
fn export_data(path: &Path, origin: &str, max: u64) -> Result<Zeroizing<Vec<u8>>> {
    let file = std::fs::File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::NotFound {
            what: format!("file {origin}"),
            suggestion: None,
        },
        _ => Error::io(format!("cannot read {origin}"), e),
    })?;
    let size = file
        .metadata()
        .map_err(|e| Error::io(format!("cannot read {origin}"), e))?
        .len();
    if size > MAX_ARCHIVE {
        return Err(Error::invalid(
            format!("{origin} is larger than {} MiB", MAX_ARCHIVE >> 20),
            "export the vaults with the secrets to import one by one, without large documents",
        ));
    }
    let zip_error =
        |e: zip::result::ZipError| not_1pux(origin, &format!("its zip cannot be read ({e})"));
    let mut archive = zip::ZipArchive::new(file).map_err(zip_error)?;
    let mut data = archive.by_name(DATA).map_err(|e| match e {
        zip::result::ZipError::FileNotFound => not_1pux(origin, &format!("it holds no {DATA}")),
        e => zip_error(e),
    })?;
    let too_large = || {
        Error::invalid(
            format!(
                "{origin}: its {DATA} inflates to more than {} MiB",
                max >> 20
            ),
            "export fewer vaults at once (a file this large is not a password export: a zip bomb?)",
        )
    };
    if data.size() > max {
        return Err(too_large());
    }
    let mut buf = Zeroizing::new(Vec::new());
    (&mut data)
        .take(max + 1)
        .read_to_end(&mut buf)
        .map_err(|e| not_1pux(origin, &format!("its {DATA} cannot be inflated ({e})")))?;
    if buf.len() as u64 > max {
        return Err(too_large());
    }
    Ok(buf)
}

/// The error for a file that is not a readable `.1pux`.
fn not_1pux(origin: &str, why: &str) -> Error {
    Error::invalid(
        format!("{origin} is not a 1Password export: {why}"),
        "export from the 1Password app as \"1PUX\" (File > Export), and give that .1pux file",
    )
}

/// The array at `key` of `v`, or none.
fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// The text at `path` under `v`, or "".
fn text_at<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    path.iter()
        .try_fold(v, |v, k| v.get(k))
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// Trashed and archived items are not imported; an attachment entry has no item.
fn skipped(item: &Value) -> bool {
    item.get("trashed").and_then(Value::as_bool) == Some(true)
        || text_at(item, &["state"]) == "archived"
        || (item.get("overview").is_none() && item.get("details").is_none())
}

/// The keys one item gives (see the module's docs).
fn item_keys(origin: &str, vault: &str, item: &Value) -> Result<Vec<Item>> {
    let title = text_at(item, &["overview", "title"]);
    let url = match text_at(item, &["overview", "url"]) {
        "" => item
            .get("overview")
            .map_or(&[][..], |o| list(o, "urls"))
            .iter()
            .map(|u| text_at(u, &["url"]))
            .find(|u| !u.is_empty())
            .unwrap_or(""),
        url => url,
    };
    let notes = text_at(item, &["details", "notesPlain"]);
    let mut fields = item_fields(item);
    let note = if fields.is_empty() && !notes.is_empty() {
        fields.push((None, notes.to_string()));
        note_of(&[("url", url)])
    } else {
        note_of(&[("url", url), ("", notes)])
    };
    fields
        .into_iter()
        .map(|(label, value)| {
            let label = label.unwrap_or_default();
            let from = match label.as_str() {
                "" => format!("{vault}/{title}"),
                l => format!("{vault}/{title} ({l})"),
            };
            super::item(
                from,
                &[vault, title, &label],
                SecretValue::new(value),
                note.clone(),
            )
            .map_err(|e| in_file(e, origin))
        })
        .collect()
}

/// `e` with the export's name in front of what it says.
fn in_file(e: Error, origin: &str) -> Error {
    match e {
        Error::InvalidInput { what, fix } => Error::InvalidInput {
            what: format!("{origin}: {what}"),
            fix,
        },
        e => e,
    }
}

/// The (field label, value) pairs of an item: the password (no label), the username, and
/// every section field holding text; empty values left out.
fn item_fields(item: &Value) -> Vec<(Option<String>, String)> {
    let details = item.get("details").unwrap_or(&Value::Null);
    let login = |designation: &str| {
        list(details, "loginFields")
            .iter()
            .filter(|f| text_at(f, &["designation"]) == designation)
            .map(|f| text_at(f, &["value"]))
            .find(|v| !v.is_empty())
    };
    let mut out = Vec::new();
    let password = login("password").or(Some(text_at(details, &["password"])));
    if let Some(p) = password.filter(|p| !p.is_empty()) {
        out.push((None, p.to_string()));
    }
    if let Some(u) = login("username") {
        out.push((Some("username".to_string()), u.to_string()));
    }
    for field in list(details, "sections")
        .iter()
        .flat_map(|s| list(s, "fields"))
    {
        let Some(value) = field.get("value").and_then(field_text) else {
            continue;
        };
        let label = match text_at(field, &["title"]) {
            "" => text_at(field, &["id"]),
            t => t,
        };
        out.push((Some(label.to_string()), value.to_string()));
    }
    out
}

/// The text of a section field's value (`{"concealed": "..."}`, `{"string": "..."}`, ...);
/// None for dates, addresses, references and empty values.
fn field_text(value: &Value) -> Option<&str> {
    let (kind, inner) = value.as_object()?.iter().next()?;
    let text = match (kind.as_str(), inner) {
        ("reference" | "address" | "date" | "monthYear", _) => None,
        ("email", Value::Object(_)) => inner.get("email_address").and_then(Value::as_str),
        ("sshKey", Value::Object(_)) => inner
            .get("metadata")
            .and_then(|m| m.get("privateKey"))
            .or_else(|| inner.get("privateKey"))
            .and_then(Value::as_str),
        (_, Value::String(s)) => Some(s.as_str()),
        _ => None,
    };
    text.filter(|t| !t.is_empty())
}

/// [`super::note`] of `parts` (a control character in it is escaped, with a warning, by
/// [`super::entries`]).
fn note_of(parts: &[(&str, &str)]) -> Option<String> {
    super::note(parts)
}

#[cfg(test)]
mod tests;
