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
    /// Files left out because git ignores them.
    pub ignored: usize,
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
    scan_tree(matcher, root, true)
}

/// The files among `files` that git ignores (none outside a repository).
fn git_ignored(root: &Path, files: &[PathBuf]) -> std::collections::HashSet<PathBuf> {
    use std::io::Write;
    let dir = if root.is_dir() {
        root
    } else {
        root.parent().unwrap_or(Path::new("."))
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let abs: Vec<PathBuf> = files
        .iter()
        .filter_map(|f| std::path::absolute(f).ok())
        .collect();
    let child = super::git_command(dir)
        .args(["check-ignore", "--stdin", "-z"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn();
    let Ok(mut child) = child else {
        return Default::default();
    };
    if let Some(mut stdin) = child.stdin.take() {
        let feed = std::thread::spawn(move || {
            for p in &abs {
                let _ = stdin.write_all(p.as_os_str().as_encoded_bytes());
                let _ = stdin.write_all(b"\0");
            }
        });
        let out = child.wait_with_output();
        let _ = feed.join();
        if let Ok(out) = out {
            return out
                .stdout
                .split(|&b| b == 0)
                .filter(|p| !p.is_empty())
                .map(|p| PathBuf::from(String::from_utf8_lossy(p).into_owned()))
                .collect();
        }
    }
    Default::default()
}

/// Scans `root`, leaving out the files git ignores unless `include_ignored`; how many
/// were left out is `Walked::ignored`.
pub fn scan_tree(matcher: &Matcher, root: &Path, include_ignored: bool) -> Result<Walked> {
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
    let mut ignored = 0;
    if !include_ignored {
        let skip = git_ignored(root, &files);
        let before = files.len();
        files.retain(|f| std::path::absolute(f).map_or(true, |a| !skip.contains(&a)));
        ignored = before - files.len();
    }
    let (per_file, bytes) = each_file(&files, |path, data| {
        // An unreadable file (gone, no permission) is skipped, not fatal.
        data.map(|d| matcher.findings(d, &shown(path), None))
            .unwrap_or_default()
    });
    let mut findings: Vec<Finding> = per_file.into_iter().flatten().collect();
    findings.sort();
    Ok(Walked {
        findings,
        files: files.len(),
        bytes,
        ignored,
    })
}

/// Calls `f` on each file with its contents (or the error reading it), one thread per core
/// (at most 8); the answers in no particular order, and the bytes read. Each thread reads
/// into one buffer it reuses (no fresh pages to fault in and zero for every file).
pub fn each_file<T: Send>(
    files: &[PathBuf],
    f: impl Fn(&Path, std::io::Result<&[u8]>) -> T + Sync,
) -> (Vec<T>, u64) {
    let next = AtomicUsize::new(0);
    let bytes = AtomicUsize::new(0);
    let found = Mutex::new(Vec::new());
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let mut local = Vec::new();
                let mut buf = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = files.get(i) else { break };
                    let data = read_into(path, &mut buf);
                    if let Ok(d) = &data {
                        bytes.fetch_add(d.len(), Ordering::Relaxed);
                    }
                    local.push(f(path, data));
                }
                if let Ok(mut all) = found.lock() {
                    all.append(&mut local);
                }
            });
        }
    });
    let out = found.into_inner().unwrap_or_default();
    (out, bytes.into_inner() as u64)
}

/// The whole of `path` in `buf` (its old contents replaced).
fn read_into<'b>(path: &Path, buf: &'b mut Vec<u8>) -> std::io::Result<&'b [u8]> {
    use std::io::Read;
    buf.clear();
    let mut file = std::fs::File::open(path)?;
    let size = file.metadata().map_or(0, |m| m.len());
    buf.reserve(usize::try_from(size).unwrap_or(0));
    file.read_to_end(buf)?;
    Ok(buf)
}

/// The regular files under `root` (itself when it is a file), `.git` left out, links not
/// followed. A missing `root` gives none.
pub fn files_under(root: &Path) -> Result<Vec<PathBuf>> {
    let Ok(meta) = std::fs::symlink_metadata(root) else {
        return Ok(Vec::new());
    };
    let mut files = Vec::new();
    if meta.is_dir() {
        collect(root, &mut files)?;
    } else if meta.is_file() {
        files.push(root.to_path_buf());
    }
    Ok(files)
}
