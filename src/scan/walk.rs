//! Scanning the files under a path: every regular file except `.git` internals and binaries
//! (not text in UTF-8, UTF-16 or UTF-32: see `decode.rs`); symlinks are not followed. Files are read by one
//! thread per core (std threads, no async runtime).

use super::{Finding, Matcher};
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// What a directory scan looked at.
#[derive(Debug, Default)]
pub struct Walked {
    /// Every finding, sorted by path and line.
    pub findings: Vec<Finding>,
    /// Files read.
    pub files: usize,
    /// Bytes read.
    pub bytes: u64,
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Error::io(format!("cannot read {}", dir.display()), e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(format!("cannot read {}", dir.display()), e))?;
        let Ok(ft) = entry.file_type() else { continue };
        if ft.is_dir() {
            if entry.file_name() != ".git" {
                collect(&entry.path(), out)?;
            }
        } else if ft.is_file() {
            out.push(entry.path());
        }
    }
    Ok(())
}

/// The name shown for `p`: without a leading `./`.
fn shown(p: &Path) -> String {
    let s = p.display().to_string();
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

/// Scans `root` (a file or a directory). A missing path is [`Error::NotFound`].
pub fn scan_path(matcher: &Matcher, root: &Path) -> Result<Walked> {
    let meta = std::fs::metadata(root).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::NotFound {
            what: format!("path {}", root.display()),
            suggestion: None,
        },
        _ => Error::io(format!("cannot read {}", root.display()), e),
    })?;
    let mut files = Vec::new();
    if meta.is_dir() {
        collect(root, &mut files)?;
    } else {
        files.push(root.to_path_buf());
    }
    let next = AtomicUsize::new(0);
    let bytes = AtomicUsize::new(0);
    let found = Mutex::new(Vec::new());
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let mut local = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = files.get(i) else { break };
                    // An unreadable file (gone, no permission) is skipped, not fatal.
                    let Ok(data) = std::fs::read(path) else {
                        continue;
                    };
                    bytes.fetch_add(data.len(), Ordering::Relaxed);
                    local.extend(matcher.findings(&data, &shown(path), None));
                }
                if let Ok(mut f) = found.lock() {
                    f.append(&mut local);
                }
            });
        }
    });
    let mut findings = found.into_inner().unwrap_or_default();
    findings.sort();
    Ok(Walked {
        findings,
        files: files.len(),
        bytes: bytes.into_inner() as u64,
    })
}
