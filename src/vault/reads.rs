//! Reads whose audit entry cannot be written: a read-only vault (a read-only mount, a
//! backup directory) or a full disk. The value is still returned, unless the vault's
//! `strict-audit` setting says otherwise; the front end is warned (a callback: the core
//! prints nothing) and the read is counted in a small file the front end chose, so that
//! the next open that can write records "N reads not audited" in the chain.

use super::keys::Keys;
use super::{Vault, audit, state};
use crate::audit::{Event, EventKind};
use crate::error::{Error, Result};
use crate::store::{Header, Tx};
use std::path::{Path, PathBuf};

/// Called with the warning of a read that was not audited.
pub type Warn = Box<dyn FnMut(&str) + Send>;

/// Where unaudited reads are counted and who is told; nothing is counted until a front end
/// sets it ([`Vault::on_unaudited_read`]).
#[derive(Default)]
pub(super) struct ReadAudit {
    count_file: Option<PathBuf>,
    warn: Option<Warn>,
}

impl Vault {
    /// Reads with `read` and records `event` of its result in the same transaction; when the
    /// entry cannot be written for lack of storage, reads again without it (see the module).
    pub(super) fn audited_read<T>(
        &mut self,
        read: impl Fn(&Tx<'_>, &Keys) -> Result<(T, Header)>,
        event: impl Fn(&T) -> Event,
    ) -> Result<T> {
        self.audited_read_all(read, |out| vec![event(out)])
    }

    /// [`Self::audited_read`] recording several entries (e.g. one per scope read).
    pub(super) fn audited_read_all<T>(
        &mut self,
        read: impl Fn(&Tx<'_>, &Keys) -> Result<(T, Header)>,
        events: impl Fn(&T) -> Vec<Event>,
    ) -> Result<T> {
        let keys = &self.keys;
        let attempt = self.store.write_relaxed(|tx| {
            let (out, mut header) = read(tx, keys)?;
            for event in events(&out) {
                audit::record(tx, keys, &mut header, &event)?;
            }
            Ok(out)
        });
        match attempt {
            Err(Error::Storage { what, fix, path }) => {
                let why = match path {
                    Some(p) => format!("{p}: {what}"),
                    None => what,
                };
                self.unaudited(&why, &fix, read)
            }
            // The entry may or may not be there: counted as missed, which over-reports a
            // read rather than hide one.
            Err(Error::Unsettled { what, .. }) => {
                let why = format!("{what}, so its audit entry may be lost");
                self.unaudited(&why, "check the disk (`dmesg`)", read)
            }
            r => r,
        }
    }

    fn unaudited<T>(
        &mut self,
        why: &str,
        fix: &str,
        read: impl Fn(&Tx<'_>, &Keys) -> Result<(T, Header)>,
    ) -> Result<T> {
        if self.strict_audit()? {
            return Err(Error::Storage {
                what: format!("this read cannot be recorded in the audit log ({why})"),
                fix: format!(
                    "the vault's strict-audit setting refuses reads that cannot be audited: {fix}, or turn the setting off (`devvault audit strict off`)"
                ),
                path: None,
            });
        }
        let keys = &self.keys;
        let (out, _) = self.store.read(|tx| read(tx, keys))?;
        let counted = match &self.reads.count_file {
            Some(f) => bump(f)
                .map(|()| "counted, and recorded in the audit log at the next write".to_string())
                .unwrap_or_else(|e| format!("it could not be counted either: {e}")),
            None => "it is not counted".to_string(),
        };
        if let Some(warn) = &mut self.reads.warn {
            warn(&format!("this read was not audited: {why}; {counted}"));
        }
        Ok(out)
    }

    /// Counts this vault's unaudited reads under `dir` (one small file per vault) and calls
    /// `warn` for each; records reads counted earlier, now that the vault may be writable.
    pub fn on_unaudited_read(&mut self, dir: &Path, warn: Warn) -> Result<()> {
        let hex: String = self.vault_id.iter().map(|b| format!("{b:02x}")).collect();
        let file = dir.join(hex);
        self.reads = ReadAudit {
            count_file: Some(file.clone()),
            warn: Some(warn),
        };
        let missed = std::fs::read_to_string(&file)
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok())
            .unwrap_or(0);
        if missed == 0 || self.store.readonly().is_some() {
            return Ok(());
        }
        let event = Event::new(EventKind::Unaudited).detail(format!(
            "{missed} read{} not audited (the vault could not be written)",
            if missed == 1 { "" } else { "s" }
        ));
        match self.audit_record(&event) {
            Ok(_) => {
                let _ = std::fs::remove_file(&file);
                Ok(())
            }
            Err(e) if e.is_storage() => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Whether reads that cannot be audited are refused (`strict-audit`, off by default).
    pub fn strict_audit(&mut self) -> Result<bool> {
        let keys = &self.keys;
        self.store.read(|tx| {
            let h = state::header(tx, keys)?;
            super::extras::strict_audit(tx, keys, &h)
        })
    }
}

/// Adds one to the count in `file` (created 0600 with its directory, replaced atomically).
fn bump(file: &Path) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    let n = std::fs::read_to_string(file)
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .unwrap_or(0);
    let dir = file.parent().unwrap_or(Path::new("."));
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    let tmp = file.with_extension("tmp");
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)?;
    writeln!(f, "{}", n + 1)?;
    f.sync_all()?;
    std::fs::rename(&tmp, file)
}
