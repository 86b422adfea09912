//! Runs the [`Effect`]s `update` asks for (vault calls, the clipboard, files) and turns each
//! result into the [`Msg`]s fed back to `update`. The only part of the TUI that holds the
//! vault key or touches the outside world.

use super::app::{Effect, Msg, RotateHow, SaveKind};
use crate::clipboard::Clipboard;
use anyhow::{Context, Result};
use devvault::audit::EventKind;
use devvault::crypto::KdfParams;
use devvault::{Error, KeyName, Scope, SecretMeta, SecretValue, Vault};
use std::path::{Path, PathBuf};

/// The vault (when unlocked), the clipboard (once used) and where the vault lives.
pub struct Runner {
    path: PathBuf,
    vault: Option<Vault>,
    clipboard: Option<Clipboard>,
    kdf: Option<KdfParams>,
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

    fn try_run(&mut self, fx: Effect) -> Result<Vec<Msg>> {
        Ok(match fx {
            Effect::Create(pass) => {
                let params = self.kdf.unwrap_or_else(|| {
                    devvault::crypto::calibrate(std::time::Duration::from_millis(500))
                });
                self.vault = Some(Vault::create(&self.path, &pass, params)?);
                vec![Msg::Created]
            }
            Effect::Unlock(pass) => {
                self.vault = Some(crate::unlock::open(&self.path)?.unlock(&pass)?);
                vec![Msg::Unlocked]
            }
            Effect::LoadAll => {
                let (listed, pending) = super::loader::first(self.vault()?)?;
                vec![Msg::Listed(listed, pending)]
            }
            Effect::LoadScopes(scopes) => {
                vec![Msg::ScopesLoaded(super::loader::batch(
                    self.vault()?,
                    &scopes,
                )?)]
            }
            Effect::Reveal(s, k) => {
                let v = self.vault()?.get_for(&s, &k, EventKind::Reveal)?;
                vec![Msg::Revealed(s, k, v)]
            }
            Effect::FetchForEdit(s, k) => {
                let v = self.vault()?.get_for(&s, &k, EventKind::Reveal)?;
                vec![Msg::EditLoaded(s, k, v)]
            }
            Effect::Copy(s, k) => {
                if self.clipboard.is_none() {
                    self.clipboard = Some(Clipboard::open()?);
                }
                // The clipboard first: no display, no value read (and no audit entry).
                let v = self.vault()?.get_for(&s, &k, EventKind::Copy)?;
                if let Some(c) = self.clipboard.as_mut() {
                    c.copy(&v)?;
                }
                vec![Msg::Copied(k)]
            }
            Effect::ClearClipboard => match self.clipboard.as_mut() {
                Some(c) => vec![Msg::ClipboardCleared(c.clear_if_ours()?)],
                None => vec![],
            },
            Effect::Save {
                scope,
                key,
                value,
                kind,
            } => self.save(scope, key, value, kind)?,
            Effect::Rotate { scope, key, how } => {
                let value = match how {
                    RotateHow::Paste(v) => v,
                    RotateHow::Generate(generator) => generator.generate(),
                };
                let vault = self.vault()?;
                let version = vault.rotate(&scope, &key, &value, None)?;
                let metas = vault.list(&scope)?;
                vec![
                    Msg::ScopeLoaded(scope, metas, Some(key.clone())),
                    Msg::Info(format!("rotated {key}: now version {version}")),
                ]
            }
            Effect::LoadHistory(s, k) => {
                let versions = self.vault()?.history(&s, &k)?;
                vec![Msg::HistoryLoaded(s, k, versions)]
            }
            Effect::RevealVersion(s, k, version) => {
                let value = self.vault()?.history_value(&s, &k, u64::from(version))?;
                vec![Msg::VersionRevealed(version, value)]
            }
            Effect::Rollback(scope, key, version) => {
                let vault = self.vault()?;
                let new = vault.rollback(&scope, &key, u64::from(version))?;
                let metas = vault.list(&scope)?;
                vec![
                    Msg::ScopeLoaded(scope, metas, Some(key.clone())),
                    Msg::Info(format!("rolled {key} back to v{version}: now v{new}")),
                ]
            }
            Effect::LoadAudit(days) => {
                let since = devvault::vault::now() - i64::from(days) * 86_400;
                vec![Msg::AuditLoaded(self.vault()?.audit_events(since)?)]
            }
            Effect::Delete(scope, key) => {
                let vault = self.vault()?;
                vault.remove(&scope, &key)?;
                let metas = list_or_empty(vault, &scope)?;
                vec![
                    Msg::ScopeLoaded(scope.clone(), metas, None),
                    Msg::Info(format!("deleted {key} from {scope} (kept in history)")),
                ]
            }
            Effect::Export {
                scope,
                format,
                path,
            } => vec![self.export(&scope, format, &path)?],
            Effect::Import(scope, path) => self.import(scope, &path)?,
            Effect::Lock => {
                if let Some(v) = self.vault.take() {
                    let _ = crate::session::forget(&v.id_hex());
                }
                vec![]
            }
            Effect::AddScope(_) | Effect::Quit => vec![],
        })
    }

    fn save(
        &mut self,
        scope: Scope,
        key: KeyName,
        value: SecretValue,
        kind: SaveKind,
    ) -> Result<Vec<Msg>> {
        let vault = self.vault()?;
        if kind == SaveKind::Add && vault.get(&scope, &key).is_ok() {
            anyhow::bail!("{key} already exists in {scope}; select it and press e to edit");
        }
        let outcome = vault.set(&scope, &key, &value)?;
        let metas = vault.list(&scope)?;
        let text = match outcome {
            devvault::vault::Outcome::Added => format!("added {key} to {scope}"),
            devvault::vault::Outcome::Changed => format!("saved {key}"),
            devvault::vault::Outcome::Unchanged => format!("{key} is unchanged"),
        };
        Ok(vec![
            Msg::ScopeLoaded(scope, metas, Some(key)),
            Msg::Info(text),
        ])
    }

    fn export(
        &mut self,
        scope: &Scope,
        format: devvault::ExportFormat,
        path: &Path,
    ) -> Result<Msg> {
        let entries = self.vault()?.export_for(scope, EventKind::Export)?;
        let refs: Vec<_> = entries.iter().map(|(k, v)| (k, v)).collect();
        let rendered = devvault::format::render(format, scope, &refs)?;
        crate::private_file::write_private(path, rendered.text.as_bytes())?;
        // Recorded (sealed) so that `devvault doctor` can list copies left on disk.
        self.vault()?.record_export(path, scope)?;
        let mut text = format!("wrote {} keys to {} (0600)", entries.len(), path.display());
        if let Some(w) = rendered.warnings.first() {
            text.push_str(&format!("; warning: {w}"));
        }
        if crate::private_file::is_tracked_risk(path) {
            return Ok(Msg::Failed(format!(
                "{text}; it is NOT git-ignored: add it to .gitignore"
            )));
        }
        Ok(Msg::Info(text))
    }

    fn import(&mut self, scope: Scope, path: &Path) -> Result<Vec<Msg>> {
        let bytes = zeroize::Zeroizing::new(
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?,
        );
        let origin = path.display().to_string();
        let text = std::str::from_utf8(&bytes)
            .map_err(|e| anyhow::anyhow!("{origin}: not UTF-8 text (byte {})", e.valid_up_to()))?;
        let entries: Vec<(KeyName, SecretValue)> = devvault::dotenv::parse(text, &origin)?
            .into_iter()
            .map(|e| (e.key, e.value))
            .collect();
        let vault = self.vault()?;
        let report = vault.import(&scope, &entries)?;
        let metas = vault.list(&scope)?;
        Ok(vec![
            Msg::ScopeLoaded(scope.clone(), metas, None),
            Msg::Info(format!(
                "imported {origin} into {scope}: {} added, {} changed",
                report.added.len(),
                report.changed.len()
            )),
        ])
    }
}

fn list_or_empty(vault: &mut Vault, scope: &Scope) -> Result<Vec<SecretMeta>> {
    super::loader::list_or_empty(vault, scope)
}

fn unlock_error(e: &anyhow::Error) -> String {
    match e.downcast_ref::<Error>() {
        Some(Error::WrongPassphrase { .. }) => "wrong passphrase; try again".into(),
        _ => format!("{e:#}"),
    }
}
