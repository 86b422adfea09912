//! Runs the [`Effect`]s `update` asks for (vault calls, the clipboard, files) and turns each
//! result into the [`Msg`]s fed back to `update`. The only part of the TUI that holds the
//! vault key or touches the outside world.

pub mod load;
mod scopes;

use super::app::{Effect, Msg, RotateHow, SaveKind};
use crate::audit::EventKind;
use crate::crypto::KdfParams;
use crate::os::clipboard::Clipboard;
use crate::vault::Outcome;
use crate::{Error, KeyName, Scope, SecretMeta, SecretValue, Vault};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// The vault (when unlocked), the clipboard (once used) and where the vault lives.
pub struct Runner {
    path: PathBuf,
    vault: Option<Vault>,
    clipboard: Option<Clipboard>,
    kdf: Option<KdfParams>,
    /// The vault's `data_version` at the last listing (another process's commit moves it).
    seen_version: Option<i64>,
    /// The scope last shown was sent with the first listing.
    told_last: bool,
}

impl Runner {
    /// A runner for the vault at `path`, already unlocked or not; `kdf` sets Argon2id for a
    /// vault created from the welcome screen (calibrated when None).
    pub fn new(path: PathBuf, vault: Option<Vault>, kdf: Option<KdfParams>) -> Runner {
        Runner {
            path,
            vault,
            clipboard: None,
            kdf,
            seen_version: None,
            told_last: false,
        }
    }

    /// Runs one effect; errors become a footer message (or an unlock error).
    pub fn run(&mut self, fx: Effect) -> Vec<Msg> {
        let unlocking = matches!(fx, Effect::Create(_) | Effect::Unlock(_));
        match self.try_run(fx) {
            Ok(msgs) => msgs,
            Err(e) if unlocking => vec![Msg::UnlockFailed(unlock_error(&e))],
            Err(e) => vec![Msg::Failed(format!("{e:#}"))],
        }
    }

    fn vault(&mut self) -> Result<&mut Vault> {
        self.vault
            .as_mut()
            .context("the vault is locked; unlock it first")
    }

    /// Runs one effect: one method per effect.
    fn try_run(&mut self, fx: Effect) -> Result<Vec<Msg>> {
        match fx {
            Effect::Create(pass) => self.create(&pass),
            Effect::Unlock(pass) => {
                self.vault = Some(crate::os::passphrase::open(&self.path)?.unlock(&pass)?);
                Ok(vec![Msg::Unlocked])
            }
            Effect::LoadAll => self.load_all(),
            Effect::LoadScopes(scopes) => Ok(vec![Msg::ScopesLoaded(load::batch(
                self.vault()?,
                &scopes,
            )?)]),
            Effect::Reveal(s, k) => {
                let vault = self.vault()?;
                let v = vault.get_for(&s, &k, EventKind::Reveal)?;
                // The note is metadata: a history that cannot be read leaves it out.
                let note = vault.history(&s, &k).ok().and_then(|versions| {
                    versions
                        .into_iter()
                        .find(|v| v.current)
                        .and_then(|v| v.note)
                });
                Ok(vec![Msg::Revealed(s, k, v), Msg::Note(note)])
            }
            Effect::FetchForEdit(s, k) => {
                let v = self.vault()?.get_for(&s, &k, EventKind::Reveal)?;
                Ok(vec![Msg::EditLoaded(s, k, v)])
            }
            Effect::Copy(s, k) => self.copy(s, k),
            Effect::ClearClipboard => self.clear_clipboard(),
            Effect::CopyName(k) => self.copy_name(k),
            Effect::Save {
                scope,
                key,
                value,
                kind,
            } => self.save(scope, key, value, kind),
            Effect::Rotate { scope, key, how } => self.rotate(scope, key, how),
            Effect::LoadHistory(s, k) => {
                let versions = self.vault()?.history(&s, &k)?;
                Ok(vec![Msg::HistoryLoaded(s, k, versions)])
            }
            Effect::RevealVersion(s, k, version) => {
                let value = self.vault()?.history_value(&s, &k, u64::from(version))?;
                Ok(vec![Msg::VersionRevealed(version, value)])
            }
            Effect::Rollback(scope, key, version) => self.rollback(scope, key, version),
            Effect::LoadAudit(days) => {
                let since = crate::vault::now() - i64::from(days) * 86_400;
                Ok(vec![Msg::AuditLoaded(self.vault()?.audit_events(since)?)])
            }
            Effect::Delete(scope, key) => self.delete(scope, key),
            Effect::Export {
                scope,
                format,
                path,
            } => Ok(vec![self.export(&scope, format, &path)?]),
            Effect::Import(scope, path) => self.import(scope, &path),
            Effect::Lock => {
                if let Some(v) = self.vault.take() {
                    let _ = crate::os::session::forget(&v.id_hex());
                }
                Ok(vec![])
            }
            Effect::CreateScope(scope) => self.create_scope(scope),
            Effect::RunScopeOp(op) => self.scope_op(op),
            Effect::ImportPreview {
                scope,
                path,
                first_run,
            } => self.import_preview(scope, path, first_run),
            Effect::ImportFile {
                scope,
                path,
                first_run,
            } => self.import_file(scope, path, first_run),
            Effect::LinkDir(dir, scope) => self.link_dir(&dir, &scope),
            Effect::DeletePlain(path) => self.delete_plain(&path),
            Effect::IgnorePlain(path) => self.ignore_plain(&path),
            Effect::LoadTrash(scope) => self.load_trash(scope),
            Effect::Reload => self.reload(),
            Effect::CheckChanged => self.check_changed(),
            Effect::RememberScope(scope) => self.remember_scope(&scope),
            Effect::AddScope(_) | Effect::AskScopeOp(_) | Effect::Quit => Ok(vec![]),
        }
    }

    fn create(&mut self, pass: &crate::Passphrase) -> Result<Vec<Msg>> {
        let params = self
            .kdf
            .unwrap_or_else(|| crate::crypto::calibrate(std::time::Duration::from_millis(500)));
        self.vault = Some(Vault::create(&self.path, pass, params)?);
        Ok(vec![Msg::Created])
    }

    fn copy(&mut self, s: Scope, k: KeyName) -> Result<Vec<Msg>> {
        if self.clipboard.is_none() {
            self.clipboard = Some(Clipboard::open()?);
        }
        // The clipboard first: no display, no value read (and no audit entry).
        let v = self.vault()?.get_for(&s, &k, EventKind::Copy)?;
        if let Some(c) = self.clipboard.as_mut() {
            c.copy(&v)?;
        }
        Ok(vec![Msg::Copied(k)])
    }

    fn copy_name(&mut self, k: KeyName) -> Result<Vec<Msg>> {
        if self.clipboard.is_none() {
            self.clipboard = Some(Clipboard::open()?);
        }
        if let Some(c) = self.clipboard.as_mut() {
            c.copy(&SecretValue::from(k.as_str()))?;
        }
        Ok(vec![Msg::NameCopied(k)])
    }

    fn clear_clipboard(&mut self) -> Result<Vec<Msg>> {
        Ok(match self.clipboard.as_mut() {
            Some(c) => vec![Msg::ClipboardCleared(c.clear_if_ours()?)],
            None => vec![],
        })
    }

    fn rotate(&mut self, scope: Scope, key: KeyName, how: RotateHow) -> Result<Vec<Msg>> {
        let value = match how {
            RotateHow::Paste(v) => v,
            RotateHow::Generate(generator) => generator.generate()?,
        };
        let vault = self.vault()?;
        let version = vault.rotate(&scope, &key, &value, None)?;
        let metas = load::flat(vault, &scope)?;
        Ok(vec![
            Msg::ScopeLoaded(scope, metas, Some(key.clone())),
            Msg::Info(format!("rotated {key}: now version {version}")),
        ])
    }

    fn rollback(&mut self, scope: Scope, key: KeyName, version: u32) -> Result<Vec<Msg>> {
        let vault = self.vault()?;
        let new = vault.rollback(&scope, &key, u64::from(version))?;
        let metas = load::flat(vault, &scope)?;
        Ok(vec![
            Msg::ScopeLoaded(scope, metas, Some(key.clone())),
            Msg::Info(format!("rolled {key} back to v{version}: now v{new}")),
        ])
    }

    fn delete(&mut self, scope: Scope, key: KeyName) -> Result<Vec<Msg>> {
        let vault = self.vault()?;
        vault.remove(&scope, &key)?;
        let metas = list_or_empty(vault, &scope)?;
        Ok(vec![
            Msg::ScopeLoaded(scope.clone(), metas, None),
            Msg::Info(format!("deleted {key} from {scope} (kept in history)")),
        ])
    }

    fn save(
        &mut self,
        scope: Scope,
        key: KeyName,
        value: SecretValue,
        kind: SaveKind,
    ) -> Result<Vec<Msg>> {
        let vault = self.vault()?;
        let outcome = match kind {
            SaveKind::Add => vault.add(&scope, &key, &value).map(|()| Outcome::Added)?,
            _ => vault.set(&scope, &key, &value)?,
        };
        let metas = load::flat(vault, &scope)?;
        let text = match outcome {
            Outcome::Added => format!("added {key} to {scope}"),
            Outcome::Changed => format!("saved {key}"),
            Outcome::Unchanged => format!("{key} is unchanged"),
        };
        Ok(vec![
            Msg::ScopeLoaded(scope, metas, Some(key)),
            Msg::Info(text),
        ])
    }

    fn export(&mut self, scope: &Scope, format: crate::ExportFormat, path: &Path) -> Result<Msg> {
        let done = crate::flows::export_to_file(self.vault()?, scope, format, path)?;
        let mut text = format!("wrote {} keys to {} (0600)", done.count, path.display());
        if let Some(w) = done.warnings.first() {
            text.push_str(&format!("; warning: {w}"));
        }
        if done.not_ignored {
            return Ok(Msg::Failed(format!(
                "{text}; it is NOT git-ignored: add it to .gitignore"
            )));
        }
        Ok(Msg::Info(text))
    }

    fn import(&mut self, scope: Scope, path: &Path) -> Result<Vec<Msg>> {
        let entries = crate::flows::read_dotenv(crate::flows::Input::File(path))?;
        let vault = self.vault()?;
        let report = vault.import(&scope, &entries)?;
        let metas = load::flat(vault, &scope)?;
        Ok(vec![
            Msg::ScopeLoaded(scope.clone(), metas, None),
            Msg::Info(format!(
                "imported {} into {scope}: {} added, {} changed",
                path.display(),
                report.added.len(),
                report.changed.len()
            )),
        ])
    }
}

fn list_or_empty(vault: &mut Vault, scope: &Scope) -> Result<Vec<SecretMeta>> {
    load::list_or_empty(vault, scope)
}

fn unlock_error(e: &anyhow::Error) -> String {
    match e.downcast_ref::<Error>() {
        Some(Error::WrongPassphrase { .. }) => "wrong passphrase; try again".into(),
        _ => format!("{e:#}"),
    }
}
