//! `devvault scan --agents / --shell-history [FILE...] [--redact]`: the vault's values in
//! the places coding agents and shells keep what passed through them (see
//! [`crate::scan::sweep`]), reported as `file:line: KEY (scope)`; `--redact` rewrites each
//! file with every occurrence replaced by `[devvault:KEY]` (atomically, keeping its mode),
//! and the report ends with the keys to rotate and where each is issued.

use crate::os::console::status;
use crate::scan::sweep::{self, Encoding, Place};
use crate::scan::{Finding, Form, Matcher};
use anyhow::{Result, bail};
use std::collections::BTreeSet;
use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// What to sweep and how.
pub struct Sweep<'a> {
    /// The agents' places.
    pub agents: bool,
    /// The shell histories.
    pub shell_history: bool,
    /// Files or directories given on the command line.
    pub paths: &'a [PathBuf],
    /// Rewrite the files.
    pub redact: bool,
    /// Values shorter than this are not searched for.
    pub min_length: usize,
    /// Also plain values.
    pub include_plain: bool,
    /// Print JSON.
    pub json: bool,
}

/// What happened to one file.
enum Outcome {
    Clean,
    Found(Vec<Finding>, Option<String>),
    Skipped(String),
}

impl Sweep<'_> {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let places = self.places()?;
        let mut files = Vec::new();
        for p in &places {
            for f in crate::scan::files_under(&p.path)? {
                files.push((f, p.encoding));
            }
        }
        let mut vault = ctx.unlock()?;
        let matcher = vault.sweep_matcher(self.min_length, self.include_plain)?;
        if matcher.short_values() > 0 {
            let n = matcher.short_values();
            status!(
                "{n} vault {} shorter than {} bytes {} not searched for (--min-length N lowers the limit).",
                if n == 1 { "value is" } else { "values are" },
                self.min_length,
                if n == 1 { "and is" } else { "and are" },
            );
        }
        let list: Vec<PathBuf> = files.iter().map(|(f, _)| f.clone()).collect();
        let encoding = |p: &Path| {
            files
                .iter()
                .find(|(f, _)| f == p)
                .map_or(Encoding::Bytes, |f| f.1)
        };
        let (outcomes, bytes) = crate::scan::each_file(&list, |path, data| {
            self.one(&matcher, path, encoding(path), data)
        });
        drop(matcher);
        let mut findings = Vec::new();
        for o in outcomes {
            match o {
                Outcome::Clean => {}
                Outcome::Skipped(why) => status!("{why}"),
                Outcome::Found(f, note) => {
                    findings.extend(f);
                    if let Some(note) = note {
                        status!("{note}");
                    }
                }
            }
        }
        findings.sort();
        if !self.json {
            status!(
                "swept {} {} ({} bytes) in {} {}.",
                list.len(),
                if list.len() == 1 { "file" } else { "files" },
                bytes,
                places.len(),
                if places.len() == 1 { "place" } else { "places" }
            );
        }
        report(&findings, self.json)?;
        if findings.is_empty() {
            return Ok(());
        }
        rotation_list(&mut vault, &findings)?;
        let n = findings.len();
        let done = if self.redact {
            "they are redacted now, but the values were exposed"
        } else {
            "`--redact` replaces them in place"
        };
        bail!(
            "{n} {} a vault value: {done}; rotate the keys listed above",
            if n == 1 { "place holds" } else { "places hold" },
        )
    }

    /// The places to sweep: the agents', the histories, then the paths given (each must exist).
    fn places(&self) -> Result<Vec<Place>> {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let cwd = std::env::current_dir()?;
        let env = |k: &str| std::env::var_os(k);
        let mut out = Vec::new();
        if self.agents || self.shell_history {
            let Some(home) = home else {
                bail!(
                    "HOME is not set: the agents' and shells' files are found from it (set HOME, or give the files to sweep)"
                )
            };
            if self.agents {
                out.extend(sweep::agent_places(&home, &cwd, env));
            }
            if self.shell_history {
                out.extend(sweep::history_places(&home, env));
            }
        }
        for p in self.paths {
            if std::fs::symlink_metadata(p).is_err() {
                bail!(crate::Error::NotFound {
                    what: format!("path {}", p.display()),
                    suggestion: None,
                });
            }
            out.push(Place {
                path: p.clone(),
                what: "given",
                encoding: sweep::encoding_of(p),
            });
        }
        Ok(out)
    }

    /// Sweeps one file and, with `--redact`, writes it back.
    fn one(
        &self,
        matcher: &Matcher,
        path: &Path,
        encoding: Encoding,
        data: std::io::Result<&[u8]>,
    ) -> Outcome {
        let data = match data {
            Ok(d) => d,
            Err(e) => return Outcome::Skipped(format!("skipped {}: {e}", path.display())),
        };
        if data[..data.len().min(crate::scan::BINARY_PROBE)].contains(&0) {
            return Outcome::Skipped(format!("skipped {}: a binary file", path.display()));
        }
        let shown = path.display().to_string();
        let Some(swept) = sweep::sweep(matcher, data, &shown, encoding) else {
            return Outcome::Clean;
        };
        let note = self
            .redact
            .then(|| match write_back(path, data, &swept.redacted) {
                Ok(()) => format!(
                    "redacted {} {} in {}",
                    swept.findings.len(),
                    if swept.findings.len() == 1 {
                        "occurrence"
                    } else {
                        "occurrences"
                    },
                    path.display()
                ),
                Err(e) => format!("not redacted {}: {e:#}", path.display()),
            });
        Outcome::Found(swept.findings, note)
    }
}

/// Replaces `path` with `redacted` (same mode), unless it changed since it was read as
/// `before` (an agent still writing to it): then it is left alone, and the message says to
/// run again.
fn write_back(path: &Path, before: &[u8], redacted: &[u8]) -> Result<()> {
    let meta = std::fs::symlink_metadata(path)?;
    let now = std::fs::read(path)?;
    if now != before {
        bail!("it changed while it was swept (still being written?); run the sweep again");
    }
    let mode = meta.permissions().mode() & 0o7777;
    crate::os::private_file::replace(path, redacted, mode)?;
    // `replace` writes a new file: keep the owner when we may (running as root for a user).
    let _ = std::os::unix::fs::chown(path, Some(meta.uid()), Some(meta.gid()));
    Ok(())
}

/// Prints, after the findings, each key found with where it is issued (its provider URL).
fn rotation_list(vault: &mut crate::Vault, findings: &[Finding]) -> Result<()> {
    let keys: BTreeSet<(&str, &str)> = findings
        .iter()
        .map(|f| (f.scope.as_str(), f.key.as_str()))
        .collect();
    status!("keys to rotate ({}):", keys.len());
    for (scope, key) in keys {
        let url = scope
            .parse::<crate::Scope>()
            .ok()
            .and_then(|s| vault.list(&s).ok())
            .and_then(|l| l.into_iter().find(|m| m.key.as_str() == key))
            .and_then(|m| m.url);
        match url {
            Some(url) => status!("  {key} ({scope}): issued at {}", crate::text::escape(&url)),
            None => status!(
                "  {key} ({scope}): no provider URL recorded (`devvault rotate {scope} {key} --url URL` records one)"
            ),
        }
    }
    Ok(())
}

/// The findings as `path:line: KEY (scope) [form]` lines (`commit:path:line` for history), or JSON:
/// `scan`'s report and the sweep's.
pub(super) fn report(findings: &[Finding], json: bool) -> Result<()> {
    if json {
        return super::output::json(&findings);
    }
    let mut out = crate::os::console::stdout();
    for f in findings {
        let form = match f.form {
            Form::Raw => "",
            Form::Base64 => " [base64]",
            Form::UrlEncoded => " [url-encoded]",
            Form::JsonEscaped => " [json-escaped]",
        };
        let place = match &f.commit {
            Some(c) => format!("{c}:{}:{}", f.path, f.line),
            None => format!("{}:{}", f.path, f.line),
        };
        writeln!(out, "{place}: {} ({}){form}", f.key, f.scope)?;
    }
    out.flush()?;
    Ok(())
}
