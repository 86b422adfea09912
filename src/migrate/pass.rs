//! pass: a password store directory (the `PASSWORD_STORE_DIR` layout, a `.gpg-id` at its
//! top), each `.gpg` file decrypted with `gpg --decrypt --batch`. The first line is the
//! value, the rest the note; the path below the store (without `.gpg`) is the key's name.
//! The GPG key's passphrase, when it has one, is asked once and given on gpg's stdin
//! (`--pinentry-mode loopback`); hidden files and directories (`.git`) are skipped.

use super::tool;
use super::{Item, Passphrase};
use crate::error::{Error, Result};
use crate::secret::SecretValue;
use std::path::{Path, PathBuf};
use std::process::Command;
use zeroize::Zeroizing;

const INSTALL: &str = "apt-get install gnupg";

/// Reads every entry of the store at `dir`.
pub fn read(dir: &Path, passphrase: Passphrase<'_>) -> Result<Vec<Item>> {
    if !dir.join(".gpg-id").is_file() {
        return Err(Error::invalid(
            format!("{} is not a pass store (no .gpg-id in it)", dir.display()),
            "give the store's directory: $PASSWORD_STORE_DIR, by default ~/.password-store",
        ));
    }
    let mut files = Vec::new();
    walk(dir, &mut files)?;
    files.sort();
    let mut gpg = Gpg {
        passphrase,
        asked: None,
    };
    let mut out = Vec::with_capacity(files.len());
    for file in files {
        out.extend(entry(dir, &file, &mut gpg)?);
    }
    Ok(out)
}

/// Every `.gpg` file below `dir`, hidden names and symbolic links left out.
fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    let list = std::fs::read_dir(dir)
        .map_err(|e| Error::io(format!("cannot list {}", dir.display()), e))?;
    for e in list {
        let e = e.map_err(|e| Error::io(format!("cannot list {}", dir.display()), e))?;
        if e.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let kind = e
            .file_type()
            .map_err(|err| Error::io(format!("cannot read {}", e.path().display()), err))?;
        let path = e.path();
        if kind.is_dir() {
            walk(&path, files)?;
        } else if kind.is_file() && path.extension().is_some_and(|x| x == "gpg") {
            files.push(path);
        }
    }
    Ok(())
}

/// One file's item: `Work/db.gpg` -> `WORK_DB`, its first line the value (none when that
/// line is empty).
fn entry(store: &Path, file: &Path, gpg: &mut Gpg<'_>) -> Result<Option<Item>> {
    let name = file
        .strip_prefix(store)
        .unwrap_or(file)
        .with_extension("")
        .to_string_lossy()
        .into_owned();
    let plain = gpg.decrypt(file)?;
    let text = std::str::from_utf8(&plain).map_err(|_| {
        Error::invalid(
            format!("the entry `{name}` of the pass store is not UTF-8 text"),
            "import it by hand with `devvault set`, or delete it from the store",
        )
    })?;
    let (first, rest) = text.split_once('\n').unwrap_or((text, ""));
    let value = first.strip_suffix('\r').unwrap_or(first);
    if value.is_empty() {
        return Ok(None);
    }
    let parts: Vec<&str> = name.split('/').collect();
    super::item(
        name.clone(),
        &parts,
        SecretValue::new(value.to_string()),
        super::note(&[("", rest)]),
    )
    .map(Some)
}

/// gpg, with the key's passphrase once it was asked for.
struct Gpg<'p> {
    passphrase: Passphrase<'p>,
    asked: Option<SecretValue>,
}

impl Gpg<'_> {
    /// The plaintext of `file`: without a passphrase first (an unprotected key, or one the
    /// agent holds), then with one asked when gpg had the key but could not use it.
    fn decrypt(&mut self, file: &Path) -> Result<Zeroizing<Vec<u8>>> {
        let out = self.run(file)?;
        if out.ok {
            return Ok(out.stdout);
        }
        let had_key = out.stderr.contains("[GNUPG:] KEY_CONSIDERED");
        if !had_key || self.asked.is_some() {
            return Err(failure(file, &out, self.asked.is_some() && had_key));
        }
        self.asked = Some((self.passphrase)()?);
        let out = self.run(file)?;
        if out.ok {
            return Ok(out.stdout);
        }
        Err(failure(
            file,
            &out,
            out.stderr.contains("[GNUPG:] KEY_CONSIDERED"),
        ))
    }

    fn run(&self, file: &Path) -> Result<tool::Output> {
        let mut cmd = Command::new("gpg");
        cmd.args(["--batch", "--quiet", "--no-tty", "--status-fd", "2"]);
        let stdin = match &self.asked {
            Some(p) => {
                cmd.args(["--pinentry-mode", "loopback", "--passphrase-fd", "0"]);
                Zeroizing::new(format!("{}\n", p.expose_secret()).into_bytes())
            }
            None => {
                cmd.args(["--pinentry-mode", "error"]);
                Zeroizing::new(Vec::new())
            }
        };
        cmd.arg("--decrypt").arg(file).env("LC_ALL", "C.UTF-8");
        tool::run(cmd, &stdin, INSTALL)
    }
}

/// The error for a file gpg could not decrypt: a wrong passphrase (exit 3) or gpg's words.
fn failure(file: &Path, out: &tool::Output, wrong_passphrase: bool) -> Error {
    if wrong_passphrase {
        return Error::SourceLocked {
            file: file.display().to_string(),
            fix: "the GPG key's passphrase did not open it; give it in \
                  DEVVAULT_IMPORT_PASSPHRASE_FILE or DEVVAULT_IMPORT_PASSPHRASE, or type it"
                .into(),
        };
    }
    Error::invalid(
        format!(
            "gpg cannot decrypt {}: {}; nothing was imported",
            file.display(),
            out.said(|l| l.starts_with("gpg:"))
        ),
        "import the store's secret key (`gpg --import`), or remove that file from the store",
    )
}
