//! Export formats: dotenv, shell, json, yaml, docker and k8s text for one scope's secrets.
//!
//! Pure: entries in, text out; no I/O. The text is rendered twice, once to measure it and once
//! into a buffer of exactly that size, so no reallocation leaves copies of a secret in freed
//! memory. Errors and warnings name keys, never values.

use crate::dotenv;
use crate::error::{Error, Result};
use crate::model::{KeyName, Scope};
use crate::secret::SecretValue;
use zeroize::Zeroizing;

/// The formats `devvault export` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// `KEY=value` lines read back by python-dotenv and npm dotenv.
    Dotenv,
    /// `export KEY='value'` lines for `sh` and `bash`.
    Shell,
    /// A JSON object of key -> value.
    Json,
    /// A YAML mapping of key -> value (double-quoted scalars).
    Yaml,
    /// `docker run --env-file` lines (single-line values only; every multi-line key is named).
    Docker,
    /// A Kubernetes `v1` `Secret` manifest with `stringData`.
    K8s,
}

impl ExportFormat {
    /// Every format, in the order help texts list them.
    pub const ALL: [ExportFormat; 6] = [
        ExportFormat::Dotenv,
        ExportFormat::Shell,
        ExportFormat::Json,
        ExportFormat::Yaml,
        ExportFormat::Docker,
        ExportFormat::K8s,
    ];

    /// The name used on the command line (`dotenv`, `shell`, `json`, `yaml`, `docker`, `k8s`).
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Dotenv => "dotenv",
            ExportFormat::Shell => "shell",
            ExportFormat::Json => "json",
            ExportFormat::Yaml => "yaml",
            ExportFormat::Docker => "docker",
            ExportFormat::K8s => "k8s",
        }
    }
}

impl std::str::FromStr for ExportFormat {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        ExportFormat::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                let names: Vec<_> = ExportFormat::ALL.iter().map(|f| f.name()).collect();
                Error::invalid(
                    format!("unknown export format `{}`", s.escape_debug()),
                    format!("use one of: {}", names.join(", ")),
                )
            })
    }
}

/// An export's text (zeroized on drop) and the warnings to show on stderr.
pub struct Rendered {
    /// The text to print or write.
    pub text: Zeroizing<String>,
    /// Warnings about particular keys; they name keys, never values.
    pub warnings: Vec<String>,
}

type Entries<'a> = [(&'a KeyName, &'a SecretValue)];

/// Renders `entries` (sorted here by key) in `format`. `scope` names the k8s `Secret`.
///
/// Fails, naming the key, when a value cannot be carried by the format: a key with `.` or
/// `-` or a value with NUL in `shell`; a multi-line value or NUL in `docker`.
pub fn render(
    format: ExportFormat,
    scope: &Scope,
    entries: &[(&KeyName, &SecretValue)],
) -> Result<Rendered> {
    let mut sorted = entries.to_vec();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    let mut len = 0;
    let warnings = emit(format, scope, &sorted, &mut |s| len += s.len())?;
    let mut text = Zeroizing::new(String::with_capacity(len));
    emit(format, scope, &sorted, &mut |s| text.push_str(s))?;
    debug_assert_eq!(text.len(), len);
    Ok(Rendered { text, warnings })
}

fn emit(
    format: ExportFormat,
    scope: &Scope,
    entries: &Entries<'_>,
    out: &mut dyn FnMut(&str),
) -> Result<Vec<String>> {
    match format {
        ExportFormat::Dotenv => return Ok(dotenv_lines(entries, out)),
        ExportFormat::Shell => shell(entries, out)?,
        ExportFormat::Json => json(entries, out)?,
        ExportFormat::Yaml => yaml_map(entries, "", out),
        ExportFormat::Docker => docker(entries, out)?,
        ExportFormat::K8s => k8s(scope, entries, out),
    }
    Ok(Vec::new())
}

/// One line per key, in the form most readers read exactly (`dotenv::choose`). Values every
/// reader reads exactly come first, then those some reader reads differently, those npm
/// dotenv reads differently, and last those a reader would run or stop at, so that a value
/// one reader cannot read never comes before one it can. Each key some reader does not read
/// exactly gets a warning naming those readers.
fn dotenv_lines(entries: &Entries<'_>, out: &mut dyn FnMut(&str)) -> Vec<String> {
    let mut lines: Vec<_> = entries
        .iter()
        .map(|(k, v)| (dotenv::choose(k.as_str(), v.expose_secret()), k, v))
        .collect();
    lines.sort_by_key(|(c, k, _)| (c.tier(), *k));
    let mut warnings = Vec::new();
    for (choice, k, v) in &lines {
        out(k.as_str());
        out("=");
        dotenv::write_form(choice.form, v.expose_secret(), out);
        out("\n");
        out(dotenv::after(choice.form, v.expose_secret()));
        warnings.extend(dotenv::warning(k.as_str(), choice));
    }
    warnings
}

fn shell(entries: &Entries<'_>, out: &mut dyn FnMut(&str)) -> Result<()> {
    for (k, v) in entries {
        if !k.is_shell_safe() {
            return Err(Error::invalid(
                format!("key `{k}` cannot be a shell variable name (it holds `.` or `-`)"),
                "export with --format dotenv, json or yaml, or rename the key",
            ));
        }
        if v.expose_secret().contains('\0') {
            return Err(nul_error(k, "a shell variable"));
        }
    }
    for (k, v) in entries {
        out("export ");
        out(k.as_str());
        out("='");
        let mut parts = v.expose_secret().split('\'');
        out(parts.next().unwrap_or_default());
        for part in parts {
            out("'\\''");
            out(part);
        }
        out("'\n");
    }
    Ok(())
}

fn nul_error(key: &KeyName, what: &str) -> Error {
    Error::invalid(
        format!("the value of `{key}` holds a NUL byte, which {what} cannot carry"),
        "export with --format json or yaml",
    )
}

/// Lets serde_json write through `out`; serde_json writes whole UTF-8 pieces.
struct Utf8Sink<'a>(&'a mut dyn FnMut(&str));

impl std::io::Write for Utf8Sink<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let s = std::str::from_utf8(buf).map_err(std::io::Error::other)?;
        (self.0)(s);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn json(entries: &Entries<'_>, out: &mut dyn FnMut(&str)) -> Result<()> {
    use serde::ser::{SerializeMap, Serializer};
    let fail = |e: serde_json::Error| Error::io("rendering JSON", std::io::Error::other(e));
    let mut ser = serde_json::Serializer::pretty(Utf8Sink(out));
    let mut map = ser.serialize_map(Some(entries.len())).map_err(fail)?;
    for (k, v) in entries {
        map.serialize_entry(k.as_str(), v.expose_secret())
            .map_err(fail)?;
    }
    map.end().map_err(fail)?;
    out("\n");
    Ok(())
}

/// `"KEY": "value"` lines with `indent` before each, or `{}` when there is none.
fn yaml_map(entries: &Entries<'_>, indent: &str, out: &mut dyn FnMut(&str)) {
    if entries.is_empty() {
        out("{}\n");
    }
    for (k, v) in entries {
        out(indent);
        yaml_quoted(k.as_str(), out);
        out(": ");
        yaml_quoted(v.expose_secret(), out);
        out("\n");
    }
}

/// A YAML double-quoted scalar. Escapes `"`, `\`, every C0/C1 control and DEL, and the
/// characters YAML readers treat as line breaks or drop (U+0085, U+2028, U+2029, U+FEFF),
/// plus U+FFFE/U+FFFF, which PyYAML refuses raw.
fn yaml_quoted(s: &str, out: &mut dyn FnMut(&str)) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out("\"");
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let mut buf = [0u8; 6];
        let esc: &str = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\0' => "\\0",
            '\x07' => "\\a",
            '\x08' => "\\b",
            '\t' => "\\t",
            '\n' => "\\n",
            '\x0b' => "\\v",
            '\x0c' => "\\f",
            '\r' => "\\r",
            '\x1b' => "\\e",
            '\u{85}' => "\\N",
            '\u{2028}' => "\\L",
            '\u{2029}' => "\\P",
            '\u{feff}' => "\\uFEFF",
            '\u{fffe}' => "\\uFFFE",
            '\u{ffff}' => "\\uFFFF",
            '\0'..='\x1f' | '\x7f'..='\u{9f}' => {
                let b = c as usize;
                buf[..2].copy_from_slice(b"\\x");
                buf[2] = HEX[b >> 4];
                buf[3] = HEX[b & 15];
                std::str::from_utf8(&buf[..4]).unwrap_or_default()
            }
            _ => continue,
        };
        out(&s[start..i]);
        out(esc);
        start = i + c.len_utf8();
    }
    out(&s[start..]);
    out("\"");
}

fn docker(entries: &Entries<'_>, out: &mut dyn FnMut(&str)) -> Result<()> {
    let multi = keys_where(entries, |v| v.contains(['\n', '\r']));
    if !multi.is_empty() {
        let (what, spans) = if !multi.contains(", ") {
            ("value", "spans")
        } else {
            ("values", "span")
        };
        return Err(Error::invalid(
            format!(
                "the {what} of {multi} {spans} several lines, which `docker --env-file` cannot carry"
            ),
            "export with --format dotenv, json or k8s (or --exclude those keys)",
        ));
    }
    for (k, v) in entries {
        if v.expose_secret().contains('\0') {
            return Err(nul_error(k, "a container's environment"));
        }
    }
    for (k, v) in entries {
        out(k.as_str());
        out("=");
        out(v.expose_secret());
        out("\n");
    }
    Ok(())
}

/// The keys whose values match, as `` `A`, `B` `` (empty when none do).
fn keys_where(entries: &Entries<'_>, f: impl Fn(&str) -> bool) -> String {
    let keys: Vec<String> = entries
        .iter()
        .filter(|(_, v)| f(v.expose_secret()))
        .map(|(k, _)| format!("`{k}`"))
        .collect();
    keys.join(", ")
}

fn k8s(scope: &Scope, entries: &Entries<'_>, out: &mut dyn FnMut(&str)) {
    out("apiVersion: v1\nkind: Secret\nmetadata:\n  name: ");
    out(&k8s_name(scope));
    out("\n  labels:\n    app.kubernetes.io/managed-by: devvault\ntype: Opaque\nstringData:");
    out(if entries.is_empty() { " " } else { "\n" });
    yaml_map(entries, "  ", out);
}

/// `project-env` as a DNS-1123 subdomain: `_` -> `-`, each dot-separated label trimmed of
/// `-` at its ends, empty labels dropped, at most 253 characters.
fn k8s_name(scope: &Scope) -> String {
    let raw = format!("{}-{}", scope.project, scope.env).replace('_', "-");
    let labels: Vec<&str> = raw
        .split('.')
        .map(|l| l.trim_matches('-'))
        .filter(|l| !l.is_empty())
        .collect();
    let mut name = labels.join(".");
    name.truncate(253);
    name.trim_end_matches(['-', '.']).to_string()
}

#[cfg(test)]
mod tests;
