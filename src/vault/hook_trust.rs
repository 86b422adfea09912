//! Which link files the shell hook may load, as `direnv allow` does for `.envrc`: sealed
//! `extras` records (`H`) of a link file's absolute path and the digest of what the hook
//! reads there (see [`crate::hook::digest`]), written only by `devvault allow` on this
//! machine. A file changed since no longer matches; `devvault deny` removes the record.

use super::extras::{self, Extra};
use super::trust::{encode, load_all};
use super::{Vault, state};
use crate::audit::{Event, EventKind};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// What `devvault allow` recorded for one link file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Allowed {
    /// The link file's absolute path, as bytes.
    path: Vec<u8>,
    /// The digest of the link file (and its local file) when it was allowed.
    digest: String,
}

/// Whether the hook may load a link file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HookTrust {
    /// Allowed with exactly this content.
    Allowed,
    /// Allowed once, changed since.
    Changed,
    /// Never allowed (or denied).
    Unknown,
}

/// Every hook record with its row id; a malformed one is an integrity error.
fn records(rows: Vec<(crate::store::SealedRow, Extra)>) -> Result<Vec<(i64, Allowed)>> {
    rows.into_iter()
        .filter_map(|(r, x)| match x {
            Extra::HookTrust(json) => Some(
                serde_json::from_slice(&json)
                    .map(|a| (r.id, a))
                    .map_err(|_| Error::integrity("a shell hook record is malformed")),
            ),
            _ => None,
        })
        .collect()
}

impl Vault {
    /// Whether the shell hook may load the link file at `path` whose content has `digest`.
    pub fn hook_trust(&mut self, path: &Path, digest: &str) -> Result<HookTrust> {
        let keys = &self.keys;
        let want = path.as_os_str().as_bytes();
        self.store.read(|tx| {
            let found = records(load_all(tx, keys)?)?
                .into_iter()
                .find(|(_, a)| a.path == want);
            Ok(match found {
                Some((_, a)) if a.digest == digest => HookTrust::Allowed,
                Some(_) => HookTrust::Changed,
                None => HookTrust::Unknown,
            })
        })
    }

    /// Lets the shell hook load the link file at `path` while its content has `digest`
    /// (replacing an earlier record for it); `None` removes the record (`deny`). Audited.
    /// Returns whether a record was there before.
    pub fn hook_allow(&mut self, path: &Path, digest: Option<&str>) -> Result<bool> {
        let keys = &self.keys;
        let want = path.as_os_str().as_bytes().to_vec();
        self.store.write(|tx| {
            let mut h = state::header(tx, keys)?;
            let old: Vec<i64> = records(extras::load(tx, keys, &h)?)?
                .into_iter()
                .filter(|(_, a)| a.path == want)
                .map(|(id, _)| id)
                .collect();
            if digest.is_none() && old.is_empty() {
                return Ok(false);
            }
            let word = if digest.is_some() {
                "allowed"
            } else {
                "denied"
            };
            let event = Event::new(EventKind::Hook).detail(format!(
                "{} {word} for the shell hook",
                crate::text::Escaped::message(&path.display().to_string())
            ));
            let plain = match digest {
                Some(d) => Some(encode(
                    b'L',
                    &Allowed {
                        path: want.clone(),
                        digest: d.to_string(),
                    },
                )?),
                None => None,
            };
            extras::change(tx, keys, &mut h, &old, plain.as_deref(), &event)?;
            Ok(!old.is_empty())
        })
    }
}
