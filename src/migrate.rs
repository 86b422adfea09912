//! `import --from FORMAT FILE`: items of another password manager's database or export,
//! read into [`Item`]s the import core then previews and writes in one transaction.
//!
//! Each format lives in its own module under `migrate/` and turns its source into items with
//! [`key_for`], the one mapping rule (documented in the README). A source that cannot be read,
//! a wrong passphrase or key, an item that does not map: an error naming the file and the
//! item, and no items at all (nothing is imported).

use crate::error::{Error, Result};
use crate::model::KeyName;
use crate::secret::SecretValue;
use std::collections::HashMap;
use std::path::Path;

mod bitwarden;
mod dotenvx;
mod keepassxc;
mod mapping;
mod onepassword;
mod pass;
mod tool;
pub use mapping::key_for;

/// The formats `import --from` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A KeePassXC `.kdbx` database.
    Keepassxc,
    /// A `pass` password store (a directory of `.gpg` files).
    Pass,
    /// A dotenvx-encrypted `.env` with its `.env.keys` or `DOTENV_PRIVATE_KEY`.
    Dotenvx,
    /// Bitwarden's unencrypted JSON export.
    Bitwarden,
    /// 1Password's `.1pux` export (a zip holding `export.data`).
    OnePassword,
}

impl Format {
    /// Every format with its command-line name.
    pub const ALL: [(Format, &'static str); 5] = [
        (Format::Keepassxc, "keepassxc"),
        (Format::Pass, "pass"),
        (Format::Dotenvx, "dotenvx"),
        (Format::Bitwarden, "bitwarden"),
        (Format::OnePassword, "1password"),
    ];

    /// The command-line name (`keepassxc`, `pass`, `dotenvx`, `bitwarden`, `1password`).
    pub fn name(self) -> &'static str {
        Format::ALL
            .iter()
            .find(|(f, _)| *f == self)
            .map(|(_, n)| *n)
            .unwrap_or("?")
    }

    /// The format named `name`, or an error listing the names.
    pub fn parse(name: &str) -> Result<Format> {
        Format::ALL
            .iter()
            .find(|(_, n)| n.eq_ignore_ascii_case(name))
            .map(|(f, _)| *f)
            .ok_or_else(|| Error::InvalidInput {
                what: format!("unknown import format `{name}`"),
                fix: format!("use one of: {}", Format::ALL.map(|(_, n)| n).join(", ")),
            })
    }
}

/// One value read from a source, ready to become a key.
#[derive(Debug)]
pub struct Item {
    /// Where it came from, for messages: the entry's path and field, e.g. `Work/db (password)`.
    pub origin: String,
    /// The key name the mapping rule gives it ([`key_for`]), before any `--prefix`.
    pub key: String,
    /// The value.
    pub value: SecretValue,
    /// A note to keep with it (the entry's URL or notes), if any.
    pub note: Option<String>,
}

/// Asks for the source's own passphrase (or key) when the format needs one: on a terminal,
/// or from `DEVVAULT_IMPORT_PASSPHRASE` / `DEVVAULT_IMPORT_PASSPHRASE_FILE`.
pub type Passphrase<'a> = &'a mut dyn FnMut() -> Result<SecretValue>;

/// Reads every item of `path` in `format`: all of them, or an error and none.
/// A missing source is [`Error::NotFound`] (exit 4), as a missing `.env` is for `import`;
/// a directory given for a file (or a file for a pass store) is invalid input naming it.
pub fn read(format: Format, path: &Path, passphrase: Passphrase<'_>) -> Result<Vec<Item>> {
    if !path.try_exists().unwrap_or(true) {
        return Err(Error::NotFound {
            what: format!("the {} source {}", format.name(), path.display()),
            suggestion: None,
        });
    }
    let is_dir = path.is_dir();
    if is_dir != (format == Format::Pass) {
        let (is, give) = if is_dir {
            ("is a directory", "the export or database file")
        } else {
            ("is not a directory", "the store's directory")
        };
        return Err(Error::invalid(
            format!("the {} source {} {is}", format.name(), path.display()),
            format!("give {give}"),
        ));
    }
    match format {
        Format::Keepassxc => keepassxc::read(path, passphrase),
        Format::Pass => pass::read(path, passphrase),
        Format::Dotenvx => dotenvx::read(path, passphrase),
        Format::Bitwarden => bitwarden::read(path, passphrase),
        Format::OnePassword => onepassword::read(path, passphrase),
    }
}

/// One imported key: its name, value and note.
pub type Entry = (KeyName, SecretValue, Option<String>);

/// The keys `items` become with `prefix` in front of each name: every name checked against
/// the key grammar, no two items on one key, and every note made one that passes the rules
/// of local text ([`safe_note`]; [`note_warnings`] names the items whose note it changed).
/// Any failure names the item (both items for a collision) and returns no entries.
pub fn entries(items: Vec<Item>, prefix: &str) -> Result<Vec<Entry>> {
    let mut seen: HashMap<String, String> = HashMap::new();
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let name = format!("{prefix}{}", item.key);
        let key = KeyName::new(&name).map_err(|e| {
            Error::invalid(
                format!(
                    "item `{}` maps to a key devvault cannot take ({e})",
                    item.origin
                ),
                "rename the item in its source, or pick another --prefix",
            )
        })?;
        if let Some(first) = seen.insert(name.clone(), item.origin.clone()) {
            return Err(Error::invalid(
                format!(
                    "items `{first}` and `{}` both map to the key {name}; nothing was imported",
                    item.origin
                ),
                "rename one of them in the source (the mapping rule is in the README)",
            ));
        }
        let note = item.note.as_deref().map(safe_note);
        out.push((key, item.value, note));
    }
    Ok(out)
}

/// The note kept with an item: the non-empty `(label, text)` parts as `label: text`, joined
/// with `; `, line breaks and tabs turned into ` / ` and spaces (a note is one line), cut to
/// [`crate::text::MAX_TEXT`] bytes. None when every part is empty.
pub fn note(parts: &[(&str, &str)]) -> Option<String> {
    let mut out = Vec::new();
    for (label, text) in parts {
        let lines: Vec<&str> = text
            .lines()
            .map(str::trim_end)
            .filter(|l| !l.trim().is_empty())
            .collect();
        if lines.is_empty() {
            continue;
        }
        let text = lines.join(" / ").replace('\t', " ");
        out.push(if label.is_empty() {
            text
        } else {
            format!("{label}: {text}")
        });
    }
    let mut note = out.join("; ");
    if note.len() > crate::text::MAX_TEXT {
        let mut end = crate::text::MAX_TEXT - '…'.len_utf8();
        while !note.is_char_boundary(end) {
            end -= 1;
        }
        note.truncate(end);
        note.push('…');
    }
    Some(note).filter(|n| !n.is_empty())
}

/// One warning per item whose note holds a control or invisible character (a terminal
/// escape, a bidi control, ...): [`entries`] keeps such a note escaped to visible text. The
/// same for every format, so one odd note never fails a whole import.
pub fn note_warnings(items: &[Item]) -> Vec<String> {
    items
        .iter()
        .filter(|i| i.note.as_deref().is_some_and(|n| safe_note(n) != n))
        .map(|i| {
            format!(
                "warning: the note of item `{}` held control or invisible characters; they are kept escaped (\\u{{..}})",
                i.origin
            )
        })
        .collect()
}

/// `note` as kept: as it is when [`crate::text::check`] passes it, else escaped to visible
/// characters and cut to at most [`crate::text::MAX_TEXT`] bytes.
pub fn safe_note(note: &str) -> String {
    if crate::text::check("note", note).is_ok() {
        return note.to_string();
    }
    let mut max = crate::text::MAX_TEXT / 2;
    loop {
        let shown = crate::text::shown(note, max);
        if shown.len() <= crate::text::MAX_TEXT || max == 0 {
            return shown;
        }
        max /= 2;
    }
}

/// An item named `origin` for the key the parts give, or an error naming it when they give
/// none.
pub fn item(
    origin: String,
    parts: &[&str],
    value: SecretValue,
    note: Option<String>,
) -> Result<Item> {
    let origin = crate::text::escape(&origin);
    let key = key_for(parts).ok_or_else(|| {
        Error::invalid(
            format!("item `{origin}` has no letter or digit to make a key name from; nothing was imported"),
            "rename it in its source, or delete it there",
        )
    })?;
    Ok(Item {
        origin,
        key,
        value,
        note,
    })
}

#[cfg(test)]
mod tests;
