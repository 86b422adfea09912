//! Placeholder until the dotenvx reader (helper wt-23d) is merged: this file is replaced by theirs.

use super::{Format, Item, Passphrase};
use crate::error::{Error, Result};
use std::path::Path;

/// Not built yet: an error saying so.
pub fn read(path: &Path, passphrase: Passphrase<'_>) -> Result<Vec<Item>> {
    let _ = (path, passphrase);
    Err(Error::InvalidInput {
        what: format!("import --from {} is not built yet", Format::Dotenvx.name()),
        fix: "export the entries as a .env file and run `devvault import FILE`".into(),
    })
}
