//! The Linux keychain store: the Secret Service over the session D-Bus (blocking API, a
//! `Plain` session on the per-user local bus), with the item layout the `keyring` crate uses.

use super::{SERVICE, ambiguous, locked, not_ours, one_line, store_name};
use anyhow::{Result, anyhow};
use secret_service::blocking::{Item, SecretService};
use secret_service::{EncryptionType, Error};
use std::collections::HashMap;
use zeroize::{Zeroize, Zeroizing};

const CONTENT_TYPE: &str = "application/octet-stream";

/// A connection and a `Plain` session to the Secret Service of the session bus.
pub(super) fn connect() -> Result<SecretService<'static>> {
    SecretService::connect(EncryptionType::Plain).map_err(|e| {
        anyhow!(
            "cannot reach the {}: {}",
            store_name(),
            one_line(&e.to_string())
        )
    })
}

/// A Secret Service error in words a user can act on, on one line.
fn describe(e: Error) -> anyhow::Error {
    let detail = one_line(&e.to_string());
    match e {
        Error::Locked | Error::NoResult | Error::Prompt => locked(&detail),
        _ => anyhow!("the {} failed: {detail}", store_name()),
    }
}

fn attributes(user: &str) -> HashMap<&str, &str> {
    HashMap::from([("service", SERVICE), ("username", user)])
}

/// The one item of `user` (unlocked, which may prompt), if there is one.
fn find<'a>(ss: &'a SecretService<'a>, user: &str) -> Result<Option<Item<'a>>> {
    let found = ss.search_items(attributes(user)).map_err(describe)?;
    if !found.locked.is_empty() {
        let locked: Vec<&Item> = found.locked.iter().collect();
        ss.unlock_all(&locked).map_err(describe)?;
    }
    let mut items = found.unlocked.into_iter().chain(found.locked);
    match (items.next(), items.next()) {
        (None, _) => Ok(None),
        (Some(item), None) => Ok(Some(item)),
        (Some(_), Some(_)) => Err(ambiguous(user)),
    }
}

pub(super) fn get(user: &str) -> Result<Option<Zeroizing<String>>> {
    let ss = connect()?;
    let Some(item) = find(&ss, user)? else {
        return Ok(None);
    };
    let bytes = item.get_secret().map_err(describe)?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Some(Zeroizing::new(text))),
        Err(e) => {
            e.into_bytes().zeroize();
            Err(not_ours(user))
        }
    }
}

pub(super) fn set(user: &str, payload: &str) -> Result<()> {
    let ss = connect()?;
    if let Some(item) = find(&ss, user)? {
        return item
            .set_secret(payload.as_bytes(), CONTENT_TYPE)
            .map_err(describe);
    }
    let collection = ss.get_default_collection().map_err(describe)?;
    if collection.is_locked().map_err(describe)? {
        collection.unlock().map_err(describe)?;
    }
    let label = format!("keyring:{user}@{SERVICE}");
    collection
        .create_item(
            &label,
            attributes(user),
            payload.as_bytes(),
            true,
            CONTENT_TYPE,
        )
        .map_err(describe)?;
    Ok(())
}

pub(super) fn remove(user: &str) -> Result<bool> {
    let ss = connect()?;
    match find(&ss, user)? {
        Some(item) => item.delete().map_err(describe).map(|()| true),
        None => Ok(false),
    }
}
