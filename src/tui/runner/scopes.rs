//! The runner's scope effects: make an empty scope, remove/purge/rename/copy/diff on the
//! core's scope lifecycle (as `devvault scope` does), import a `.env` after its preview
//! and check it landed, the link and the plaintext file after the first import, the trash,
//! reloading, noticing another process's change (`PRAGMA data_version`), and the scope
//! to open on next time.

use super::super::app::Msg;
use super::super::scopes::{AfterImport, ScopeOp};
use super::{Runner, load};
use crate::flows::{Input, plaintext, read_dotenv};
use crate::{Scope, Vault};
use anyhow::Result;
use std::path::{Path, PathBuf};

/// Every scope listed again (the selection is kept by name).
fn listing(vault: &mut Vault) -> Result<Msg> {
    let (listed, pending) = load::first(vault)?;
    Ok(Msg::Listed(listed, pending))
}

fn join(scopes: &[Scope]) -> String {
    scopes
        .iter()
        .map(Scope::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn keys(n: usize) -> &'static str {
    if n == 1 { "key" } else { "keys" }
}

impl Runner {
    /// The first listing also says which scope was shown last.
    pub(super) fn load_all(&mut self) -> Result<Vec<Msg>> {
        let first = !self.told_last;
        let vault = self.vault()?;
        let mut out = Vec::new();
        if first {
            out.push(Msg::LastScope(vault.last_scope().ok().flatten()));
        }
        let version = vault.data_version()?;
        out.push(listing(vault)?);
        self.told_last = true;
        self.seen_version = Some(version);
        Ok(out)
    }

    pub(super) fn create_scope(&mut self, scope: Scope) -> Result<Vec<Msg>> {
        let vault = self.vault()?;
        let created = vault.create_scope(&scope)?;
        let text = if created {
            format!("created {scope} (empty); press a to add its first key")
        } else {
            format!("{scope} exists: selected")
        };
        Ok(vec![
            listing(vault)?,
            Msg::SelectScope(scope),
            Msg::Info(text),
        ])
    }

    pub(super) fn scope_op(&mut self, op: ScopeOp) -> Result<Vec<Msg>> {
        let vault = self.vault()?;
        let (text, select) = match op {
            ScopeOp::Remove(t) => {
                let (scopes, n) = vault.remove_scope(&t, false)?;
                let text = format!(
                    "removed {n} {} from {}; they are in the trash (T)",
                    keys(n),
                    join(&scopes)
                );
                (text, scopes.into_iter().next())
            }
            ScopeOp::Purge(t) => {
                let (scopes, n) = vault.remove_scope(&t, true)?;
                let text = format!(
                    "purged {} with {n} {} and their history",
                    join(&scopes),
                    keys(n)
                );
                (text, None)
            }
            ScopeOp::Rename(a, b) => {
                let pairs = vault.rename_scope(&a, &b)?;
                (
                    format!("renamed {a} to {b}"),
                    pairs.into_iter().next().map(|p| p.1),
                )
            }
            ScopeOp::Copy(a, b) => {
                let done = vault.copy_scope(&a, &b, false)?;
                let (mut added, mut changed, mut same) = (0, 0, 0);
                for (_, _, r) in &done {
                    added += r.added.len();
                    changed += r.changed.len();
                    same += r.unchanged.len();
                }
                let text = format!(
                    "copied {a} into {b}: {added} added, {changed} changed, {same} unchanged"
                );
                (text, done.into_iter().next().map(|d| d.1))
            }
            ScopeOp::Diff(a, b) => {
                let d = vault.diff_scopes(&a, &b)?;
                return Ok(vec![Msg::DiffLoaded(a, b, d)]);
            }
        };
        let mut out = vec![listing(vault)?];
        out.extend(select.map(Msg::SelectScope));
        out.push(Msg::Info(text));
        Ok(out)
    }

    pub(super) fn import_preview(
        &mut self,
        scope: Scope,
        path: PathBuf,
        first_run: bool,
    ) -> Result<Vec<Msg>> {
        let entries = read_dotenv(Input::File(&path))?;
        let report = self.vault()?.import_preview(&scope, &entries)?;
        Ok(vec![Msg::ImportPreviewed {
            scope,
            path,
            report,
            first_run,
        }])
    }

    /// Imports, then reads the file again and checks every key holds its value.
    pub(super) fn import_file(
        &mut self,
        scope: Scope,
        path: PathBuf,
        first_run: bool,
    ) -> Result<Vec<Msg>> {
        let entries = read_dotenv(Input::File(&path))?;
        let vault = self.vault()?;
        let report = vault.import(&scope, &entries)?;
        let again = read_dotenv(Input::File(&path))?;
        let check = vault.import_preview(&scope, &again)?;
        let verified = check.added.is_empty() && check.changed.is_empty();
        let metas = vault.list(&scope)?;
        let text = format!(
            "imported {} into {scope}: {} added, {} changed, {} unchanged",
            path.display(),
            report.added.len(),
            report.changed.len(),
            report.unchanged.len()
        );
        Ok(vec![
            Msg::ScopeLoaded(scope.clone(), metas, None),
            Msg::Info(text),
            Msg::Imported(AfterImport {
                scope,
                path,
                verified,
                first_run,
            }),
        ])
    }

    pub(super) fn link_dir(&mut self, dir: &Path, scope: &Scope) -> Result<Vec<Msg>> {
        plaintext::link_dir(dir, scope)?;
        let text = format!("linked {} to {scope} (.devvault.toml)", dir.display());
        Ok(vec![Msg::Info(text)])
    }

    pub(super) fn delete_plain(&mut self, path: &Path) -> Result<Vec<Msg>> {
        plaintext::delete_plain(path)?;
        Ok(vec![Msg::Info(format!("deleted {}", path.display()))])
    }

    pub(super) fn ignore_plain(&mut self, path: &Path) -> Result<Vec<Msg>> {
        let text = if plaintext::ignore_plain(path)? {
            format!("added {} to .gitignore", path.display())
        } else {
            format!("{} was already in .gitignore", path.display())
        };
        Ok(vec![Msg::Info(text)])
    }

    pub(super) fn load_trash(&mut self, scope: Scope) -> Result<Vec<Msg>> {
        let items = self.vault()?.trash(&scope)?;
        Ok(vec![Msg::TrashLoaded(scope, items)])
    }

    pub(super) fn reload(&mut self) -> Result<Vec<Msg>> {
        let mut out = self.load_all()?;
        out.push(Msg::Info("reloaded".into()));
        Ok(out)
    }

    /// A listing when another process committed since the last look; nothing otherwise.
    pub(super) fn check_changed(&mut self) -> Result<Vec<Msg>> {
        let Some(vault) = self.vault.as_mut() else {
            return Ok(vec![]);
        };
        let now = vault.data_version()?;
        if self.seen_version.is_some_and(|v| v != now) {
            return self.load_all();
        }
        self.seen_version = Some(now);
        Ok(vec![])
    }

    /// Remembers the scope shown; a vault that cannot be written is no reason to fail.
    pub(super) fn remember_scope(&mut self, scope: &Scope) -> Result<Vec<Msg>> {
        if let Some(vault) = self.vault.as_mut() {
            let _ = vault.set_last_scope(scope);
        }
        Ok(vec![])
    }
}
