//! Flows both front ends run the same way, so the command line and the terminal UI cannot
//! drift apart: reading an input file or stdin under one size cap, importing a `.env` file,
//! and exporting a scope to a private file that is recorded for `devvault doctor` and
//! checked against git. Front-end side (it reads files and runs `git`); it calls only the
//! [`Vault`] API.

use crate::audit::EventKind;
use crate::os::private_file;
use crate::{Error, ExportFormat, KeyName, Scope, SecretValue, Vault};
use anyhow::{Context, Result, bail};
use std::io::Read;
use std::path::Path;
use zeroize::Zeroizing;

pub mod plaintext;

/// The most `set`, `rotate`, `import` and `receive` read at once (64 MiB): beyond it they
/// stop with an error before holding several copies of the input in memory.
pub const MAX_INPUT: u64 = 64 << 20;

/// Where an input comes from.
#[derive(Clone, Copy, Debug)]
pub enum Input<'a> {
    /// Standard input.
    Stdin,
    /// A file.
    File(&'a Path),
}

impl<'a> Input<'a> {
    /// `-` is stdin; anything else a file.
    pub fn from_arg(arg: &'a str) -> Input<'a> {
        match arg {
            "-" => Input::Stdin,
            _ => Input::File(Path::new(arg)),
        }
    }

    /// How messages name it: the path, or `<stdin>`.
    pub fn name(&self) -> String {
        match self {
            Input::Stdin => "<stdin>".into(),
            Input::File(p) => p.display().to_string(),
        }
    }

    /// Its bytes, at most [`MAX_INPUT`]; a missing file is [`Error::NotFound`] (exit 4).
    pub fn read(&self) -> Result<Zeroizing<Vec<u8>>> {
        match self {
            Input::Stdin => read_capped(std::io::stdin().lock(), "stdin"),
            Input::File(path) => {
                let name = path.display().to_string();
                let f = std::fs::File::open(path).map_err(|e| match e.kind() {
                    std::io::ErrorKind::NotFound => anyhow::Error::new(Error::NotFound {
                        what: format!("file {name}"),
                        suggestion: None,
                    }),
                    _ => anyhow::Error::new(e).context(format!("cannot read {name}")),
                })?;
                if f.metadata().is_ok_and(|m| m.len() > MAX_INPUT) {
                    bail!(too_large(&name));
                }
                read_capped(f, &name)
            }
        }
    }
}

/// Reads `reader` to its end, refusing more than [`MAX_INPUT`] bytes with an error naming
/// `what` (never its content).
pub fn read_capped(reader: impl Read, what: &str) -> Result<Zeroizing<Vec<u8>>> {
    let mut buf = Zeroizing::new(Vec::with_capacity(4096));
    reader
        .take(MAX_INPUT + 1)
        .read_to_end(&mut buf)
        .with_context(|| format!("cannot read {what}"))?;
    if buf.len() as u64 > MAX_INPUT {
        bail!(too_large(what));
    }
    Ok(buf)
}

/// The error for an input over [`MAX_INPUT`].
pub fn too_large(what: &str) -> String {
    format!(
        "{what} is larger than {} MiB, the most devvault reads at once; split it, or keep a large file outside the vault and store its key",
        MAX_INPUT >> 20
    )
}

/// The keys and values of a `.env` input (`file:line: what is wrong` on a bad line).
pub fn read_dotenv(input: Input<'_>) -> Result<Vec<(KeyName, SecretValue)>> {
    let bytes = input.read()?;
    let origin = input.name();
    let text = std::str::from_utf8(&bytes)
        .map_err(|e| anyhow::anyhow!("{origin}: not UTF-8 text (byte {})", e.valid_up_to()))?;
    Ok(crate::dotenv::parse(text, &origin)?
        .into_iter()
        .map(|e| (e.key, e.value))
        .collect())
}

/// What [`export_to_file`] wrote.
#[derive(Debug)]
pub struct Exported {
    /// How many keys.
    pub count: usize,
    /// The format's warnings (key names and readers, never values).
    pub warnings: Vec<String>,
    /// The file sits in a git work tree and git does not ignore it.
    pub not_ignored: bool,
}

/// Renders `scope` in `format` and writes it to `path` (0600, atomic rename), recorded
/// (sealed) so that `devvault doctor` can list copies left on disk.
pub fn export_to_file(
    vault: &mut Vault,
    scope: &Scope,
    format: ExportFormat,
    path: &Path,
) -> Result<Exported> {
    let entries = vault.export_for(scope, EventKind::Export)?;
    let refs: Vec<_> = entries.iter().map(|(k, v)| (k, v)).collect();
    let rendered = crate::format::render(format, scope, &refs)?;
    write_recorded(vault, scope, path, rendered.text.as_bytes())?;
    Ok(Exported {
        count: entries.len(),
        warnings: rendered.warnings,
        not_ignored: private_file::is_tracked_risk(path),
    })
}

/// Writes a plaintext export of `scope` to `path`, recorded in the vault before the file
/// takes its name, so that `devvault doctor` can list every copy left on disk: the bytes go
/// to a synced 0600 temporary file, the record commits, then the rename and the directory's
/// fsync; when recording fails the temporary file is removed. Every error names `path`.
pub fn write_recorded(vault: &mut Vault, scope: &Scope, path: &Path, bytes: &[u8]) -> Result<()> {
    let staged = private_file::stage(path, bytes)?;
    if let Err(e) = vault.record_export(path, scope) {
        drop(staged);
        let e = match e {
            Error::Unsettled { what, .. } => Error::Unsettled {
                what,
                check: Some("check with `devvault doctor`".into()),
            },
            e => e,
        };
        return Err(anyhow::Error::new(e).context(format!(
            "{} was not written: the export could not be recorded",
            path.display()
        )));
    }
    staged.commit()
}
