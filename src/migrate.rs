//! `import --from FORMAT FILE`: items of another password manager's database or export,
//! read into [`Item`]s the import core then previews and writes in one transaction.
//!
//! Each format lives in its own module under `migrate/` and turns its source into items with
//! [`key_for`], the one mapping rule (documented in the README). A source that cannot be read,
//! a wrong passphrase or key, an item that does not map: an error naming the file and the
//! item, and no items at all (nothing is imported).

use crate::error::{Error, Result};
use crate::secret::SecretValue;
use std::path::Path;

mod dotenvx;
mod mapping;
mod onepassword;
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
pub fn read(format: Format, path: &Path, passphrase: Passphrase<'_>) -> Result<Vec<Item>> {
    match format {
        Format::Dotenvx => return dotenvx::read(path, passphrase),
        Format::OnePassword => return onepassword::read(path, passphrase),
        _ => {}
    }
    Err(Error::InvalidInput {
        what: format!("import --from {} is not built yet", format.name()),
        fix: "export the entries as a .env file and run `devvault import FILE`".into(),
    })
}
