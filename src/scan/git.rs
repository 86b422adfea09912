//! Scanning git history and the index with the `git` command line (no libgit2): every blob
//! reachable from any ref (`git rev-list --all --objects`), read in one `git cat-file
//! --batch`, attributed to the oldest commit that added it (`git log --raw`); and the
//! staged content for the pre-commit hook.
//!
//! A checkout is untrusted input: every `git` devvault runs comes from [`git_command`],
//! which turns off what lets a repository's own config run programs.

use super::{Finding, Matcher};
use crate::error::{Error, Result};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

/// Settings that keep a repository's `.git/config` from running programs: the filesystem
/// monitor hook, hooks, external diff and textconv drivers, signature checks, pagers.
const SAFE_CONFIG: &[&str] = &[
    "core.fsmonitor=false",
    "core.hooksPath=/dev/null",
    "core.pager=cat",
    "diff.external=",
    "log.showSignature=false",
    "core.untrackedCache=false",
];

/// `git -C dir` with [`SAFE_CONFIG`] and no pager; the caller adds the subcommand (and
/// `--no-ext-diff --no-textconv` where the subcommand takes them).
pub fn git_command(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.arg("--no-pager");
    for c in SAFE_CONFIG {
        cmd.arg("-c").arg(c);
    }
    cmd.arg("-C").arg(dir);
    cmd
}

fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>> {
    let out = git_command(dir)
        .args(args)
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| Error::io("cannot run git (is it installed?)", e))?;
    if !out.status.success() {
        return Err(Error::invalid(
            format!(
                "`git {}` failed in {}: {}",
                args.join(" "),
                dir.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            ),
            "run it inside a git repository",
        ));
    }
    Ok(out.stdout)
}

/// Reads the blobs `ids` through one `git cat-file --batch`, calling `f(id, contents)`.
fn each_blob(dir: &Path, ids: Vec<String>, mut f: impl FnMut(&str, &[u8])) -> Result<()> {
    let mut child = git_command(dir)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| Error::io("cannot run git cat-file", e))?;
    let mut stdin = child
        .stdin
        .take()
        .ok_or_else(|| Error::invalid("git", "no stdin"))?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| Error::invalid("git", "no stdout"))?;
    let feeder = std::thread::spawn(move || {
        for id in &ids {
            if writeln!(stdin, "{id}").is_err() {
                break;
            }
        }
    });
    let io = |e| Error::io("cannot read from git cat-file", e);
    let mut r = BufReader::with_capacity(1 << 20, stdout);
    let mut header = String::new();
    let mut buf = Vec::new();
    loop {
        header.clear();
        if r.read_line(&mut header).map_err(io)? == 0 {
            break;
        }
        let parts: Vec<&str> = header.split_whitespace().collect();
        let [id, kind, size] = parts[..] else {
            continue;
        };
        let size: usize = size.parse().unwrap_or(0);
        buf.resize(size + 1, 0);
        r.read_exact(&mut buf).map_err(io)?;
        if kind == "blob" {
            f(id, &buf[..size]);
        }
    }
    let _ = feeder.join();
    let _ = child.wait();
    Ok(())
}

/// Every blob of every commit reachable from any ref, with the oldest commit and path that
/// added it. `dir` is anywhere inside the repository.
pub fn scan_history(matcher: &Matcher, dir: &Path) -> Result<Vec<Finding>> {
    let objects = git(dir, &["rev-list", "--all", "--objects"])?;
    let mut paths: HashMap<String, String> = HashMap::new();
    for line in String::from_utf8_lossy(&objects).lines() {
        if let Some((id, path)) = line.split_once(' ') {
            paths
                .entry(id.to_string())
                .or_insert_with(|| path.to_string());
        }
    }
    let log = git(
        dir,
        &[
            "log",
            "--no-ext-diff",
            "--no-textconv",
            "--all",
            "--root",
            "--no-renames",
            "--raw",
            "--no-abbrev",
            "--format=C %H",
        ],
    )?;
    let mut added: HashMap<String, (String, String)> = HashMap::new();
    let mut commit = String::new();
    for line in String::from_utf8_lossy(&log).lines() {
        if let Some(c) = line.strip_prefix("C ") {
            commit = c.to_string();
        } else if let Some(raw) = line.strip_prefix(':') {
            // :old_mode new_mode old_id new_id status\tpath ; newest commit first, so the
            // last one seen is the oldest.
            let (meta, path) = raw.split_once('\t').unwrap_or((raw, ""));
            if let Some(id) = meta.split_whitespace().nth(3) {
                added.insert(id.to_string(), (commit.clone(), path.to_string()));
            }
        }
    }
    let ids: Vec<String> = paths.keys().cloned().collect();
    let mut out = Vec::new();
    each_blob(dir, ids, |id, data| {
        let (commit, path) = match added.get(id) {
            Some((c, p)) => (c.clone(), p.clone()),
            None => ("?".to_string(), paths.get(id).cloned().unwrap_or_default()),
        };
        out.extend(matcher.findings(data, &path, Some(&commit)));
    })?;
    out.sort();
    out.dedup();
    Ok(out)
}

/// The staged (index) content of every file added, copied, modified or renamed in the
/// next commit.
pub fn scan_staged(matcher: &Matcher, dir: &Path) -> Result<Vec<Finding>> {
    let names = git(
        dir,
        &[
            "diff",
            "--no-ext-diff",
            "--no-textconv",
            "--cached",
            "--name-only",
            "-z",
            "--diff-filter=ACMR",
        ],
    )?;
    let staged: Vec<String> = names
        .split(|&b| b == 0)
        .filter(|n| !n.is_empty())
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .collect();
    let index = git(dir, &["ls-files", "--stage", "-z"])?;
    let mut by_id: HashMap<String, String> = HashMap::new();
    for entry in index.split(|&b| b == 0) {
        let entry = String::from_utf8_lossy(entry);
        if let Some((meta, path)) = entry.split_once('\t')
            && staged.iter().any(|s| s == path)
            && let Some(id) = meta.split_whitespace().nth(1)
        {
            by_id.insert(id.to_string(), path.to_string());
        }
    }
    let mut out = Vec::new();
    each_blob(dir, by_id.keys().cloned().collect(), |id, data| {
        let path = by_id.get(id).cloned().unwrap_or_default();
        out.extend(matcher.findings(data, &path, None));
    })?;
    out.sort();
    Ok(out)
}
