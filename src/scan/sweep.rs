//! Sweeping the places coding agents and shells keep what passed through them: agents'
//! transcripts and settings, shell histories (zsh's in its own "metafied" encoding), and any
//! file given. Pure: where to look (from a home directory, a working directory and the
//! environment), how to read and re-encode a file, and its redaction; reading the disk and
//! writing files back is the caller's.

use super::{Finding, Matcher};
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// How a file's bytes relate to the text that was typed or logged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// As is (JSON lines, Markdown, bash and fish histories).
    Bytes,
    /// zsh's history: a byte from 0x83 to 0xA2 (and NUL) is written as 0x83 then the byte
    /// XOR 0x20.
    ZshMetafied,
}

/// One place to sweep: a file, or a directory whose files are all swept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    /// The file or directory.
    pub path: PathBuf,
    /// What it is, for messages ("Claude Code transcripts").
    pub what: &'static str,
    /// How its files are encoded.
    pub encoding: Encoding,
}

/// The extra places to sweep with `--agents`, separated by `:` (as PATH is).
pub const AGENT_PATHS_VAR: &str = "DEVVAULT_AGENT_PATHS";

/// Where coding agents keep transcripts and settings: (path under the home directory, or
/// `./` for the working directory, what it is). Documented in the README.
pub const AGENT_PLACES: &[(&str, &str)] = &[
    ("~/.claude/projects", "Claude Code transcripts"),
    ("~/.claude.json", "Claude Code settings and history"),
    ("~/.codex/sessions", "Codex sessions"),
    ("~/.codex/history.jsonl", "Codex history"),
    ("~/.aider.chat.history.md", "Aider chat history"),
    ("./.aider.chat.history.md", "Aider chat history"),
    ("./.aider.input.history", "Aider input history"),
];

fn place(path: PathBuf, what: &'static str, encoding: Encoding) -> Place {
    Place {
        path,
        what,
        encoding,
    }
}

fn expand(pattern: &str, home: &Path, cwd: &Path) -> PathBuf {
    if let Some(rest) = pattern.strip_prefix("~/") {
        home.join(rest)
    } else if let Some(rest) = pattern.strip_prefix("./") {
        cwd.join(rest)
    } else {
        PathBuf::from(pattern)
    }
}

/// The agents' places under `home` and `cwd`, then those `DEVVAULT_AGENT_PATHS` adds.
pub fn agent_places(home: &Path, cwd: &Path, env: impl Fn(&str) -> Option<OsString>) -> Vec<Place> {
    let mut out: Vec<Place> = AGENT_PLACES
        .iter()
        .map(|(p, what)| place(expand(p, home, cwd), what, Encoding::Bytes))
        .collect();
    if let Some(extra) = env(AGENT_PATHS_VAR) {
        for p in std::env::split_paths(&extra).filter(|p| !p.as_os_str().is_empty()) {
            let p = expand(&p.to_string_lossy(), home, cwd);
            out.push(place(p, "added by DEVVAULT_AGENT_PATHS", Encoding::Bytes));
        }
    }
    out
}

/// The shell histories: bash (`HISTFILE` is rarely exported, so `~/.bash_history`), zsh
/// (`$ZDOTDIR` or home, `.zsh_history`), fish (`$XDG_DATA_HOME/fish/fish_history`).
pub fn history_places(home: &Path, env: impl Fn(&str) -> Option<OsString>) -> Vec<Place> {
    let zdot = env("ZDOTDIR").map_or_else(|| home.to_path_buf(), PathBuf::from);
    let data = env("XDG_DATA_HOME").map_or_else(|| home.join(".local/share"), PathBuf::from);
    let mut out = vec![
        place(home.join(".bash_history"), "bash history", Encoding::Bytes),
        place(
            zdot.join(".zsh_history"),
            "zsh history",
            Encoding::ZshMetafied,
        ),
        place(
            data.join("fish/fish_history"),
            "fish history",
            Encoding::Bytes,
        ),
    ];
    if zdot != home {
        let p = home.join(".zsh_history");
        out.push(place(p, "zsh history", Encoding::ZshMetafied));
    }
    out
}

/// The encoding of a file given by name: zsh's for a `*zsh_history`/`.zhistory` file.
pub fn encoding_of(path: &Path) -> Encoding {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    match name.as_deref() {
        Some(n) if n.ends_with("zsh_history") || n == ".zhistory" => Encoding::ZshMetafied,
        _ => Encoding::Bytes,
    }
}

const META: u8 = 0x83;

fn is_meta(b: u8) -> bool {
    b == 0 || (META..=0xA2).contains(&b)
}

/// zsh's history bytes as typed. A trailing lone meta byte (a truncated file) is kept.
pub fn unmetafy(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    let mut bytes = data.iter();
    while let Some(&b) = bytes.next() {
        match (b, bytes.clone().next()) {
            (META, Some(&next)) => {
                out.push(next ^ 0x20);
                bytes.next();
            }
            _ => out.push(b),
        }
    }
    out
}

/// Text as zsh writes it to its history.
pub fn metafy(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    for &b in data {
        if is_meta(b) {
            out.extend([META, b ^ 0x20]);
        } else {
            out.push(b);
        }
    }
    out
}

/// What sweeping one file found: the findings (named `path`) and the file's bytes with
/// every occurrence replaced by `[devvault:KEY]`. None when nothing was found.
pub struct Swept {
    /// Where each value was, line by line.
    pub findings: Vec<Finding>,
    /// The whole file, redacted, in its own encoding.
    pub redacted: Vec<u8>,
}

/// Sweeps `data` (the bytes of `path`, in `encoding`) with a matcher built with
/// [`super::Overlap::Longest`]. A zsh history is decoded line by line, and only the lines
/// that held a value are encoded again, so every other byte stays as it was.
pub fn sweep(matcher: &Matcher, data: &[u8], path: &str, encoding: Encoding) -> Option<Swept> {
    let finding = |(line, o, form): (usize, &super::Owner, super::Form)| Finding {
        commit: None,
        path: path.to_string(),
        line,
        key: o.key.clone(),
        scope: o.scope.clone(),
        form,
    };
    match encoding {
        Encoding::Bytes => {
            let (redacted, found) = matcher.redact(data)?;
            let findings = found.into_iter().map(finding).collect();
            Some(Swept { findings, redacted })
        }
        Encoding::ZshMetafied => {
            let mut findings = Vec::new();
            let mut redacted = Vec::with_capacity(data.len());
            for (i, line) in data.split_inclusive(|&b| b == b'\n').enumerate() {
                match matcher.redact(&unmetafy(line)) {
                    Some((text, found)) => {
                        redacted.extend(metafy(&text));
                        findings.extend(found.into_iter().map(|(_, o, f)| finding((i + 1, o, f))));
                    }
                    None => redacted.extend_from_slice(line),
                }
            }
            (!findings.is_empty()).then_some(Swept { findings, redacted })
        }
    }
}

/// The agent settings files of a repository that `doctor` reads for permissions.
pub const AGENT_SETTINGS: &[&str] = &[".claude/settings.json", ".claude/settings.local.json"];

/// The entries of an agent settings file (Claude Code's `permissions.allow`) that let the
/// agent read `.env` files: a rule naming `.env`, or a bare `Read` / `Read(*)` /
/// `Read(**)` that allows every file. An unreadable file gives none.
pub fn allows_reading_env(settings: &str) -> Vec<String> {
    let Ok(json) = serde_json::from_str::<serde_json::Value>(settings) else {
        return Vec::new();
    };
    let allow = json
        .pointer("/permissions/allow")
        .and_then(|a| a.as_array())
        .cloned()
        .unwrap_or_default();
    allow
        .iter()
        .filter_map(|r| r.as_str())
        .filter(|r| {
            let every = ["Read", "Read(*)", "Read(**)", "Read(**/*)", "Read(./**)"];
            every.contains(r) || r.contains(".env")
        })
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::{Form, Overlap, Owner};

    fn matcher(values: &[(&str, &str)]) -> Matcher {
        let owners = values.iter().map(|(k, v)| {
            let o = Owner {
                key: k.to_string(),
                scope: "app/dev".into(),
            };
            (o, *v)
        });
        Matcher::with_overlap(owners, 8, Overlap::Longest).unwrap()
    }

    #[test]
    fn metafy_round_trips_every_byte() {
        let all: Vec<u8> = (0..=255u8).collect();
        let enc = metafy(&all);
        assert_eq!(unmetafy(&enc), all);
        assert!(enc.contains(&META));
        assert_eq!(metafy(b"plain ascii"), b"plain ascii");
    }

    #[test]
    fn zsh_lines_without_a_value_keep_their_bytes() {
        let m = matcher(&[("TOKEN", "sk_live_é\u{83}secret")]);
        let typed = "export T=sk_live_é\u{83}secret\n".as_bytes();
        // A non-canonical line (a lone meta byte at its end) that must stay untouched.
        let mut file = b": 1700000000:0;ls \x83\n".to_vec();
        file.extend(b": 1700000001:0;");
        file.extend(metafy(typed));
        let s = sweep(&m, &file, "h", Encoding::ZshMetafied).unwrap();
        assert_eq!(s.findings.len(), 1);
        assert_eq!(s.findings[0].line, 2);
        assert!(s.redacted.starts_with(b": 1700000000:0;ls \x83\n"));
        assert_eq!(
            unmetafy(&s.redacted[file.iter().position(|&b| b == b'\n').unwrap() + 1..]),
            b": 1700000001:0;export T=[devvault:TOKEN]\n"
        );
    }

    #[test]
    fn the_longest_value_wins_and_json_stays_valid() {
        let m = matcher(&[("SHORT", "abcdefgh"), ("LONG", "abcdefgh-ijkl\"m")]);
        let line = format!(
            "{}\n",
            serde_json::json!({"text": "use abcdefgh-ijkl\"m and abcdefgh"})
        );
        let s = sweep(&m, line.as_bytes(), "t.jsonl", Encoding::Bytes).unwrap();
        let back: serde_json::Value = serde_json::from_slice(&s.redacted).unwrap();
        assert_eq!(back["text"], "use [devvault:LONG] and [devvault:SHORT]");
        let forms: Vec<Form> = s.findings.iter().map(|f| f.form).collect();
        assert_eq!(forms, [Form::JsonEscaped, Form::Raw]);
    }

    #[test]
    fn places_follow_the_environment() {
        let home = Path::new("/h");
        let env = |k: &str| match k {
            "ZDOTDIR" => Some(OsString::from("/z")),
            AGENT_PATHS_VAR => Some(OsString::from("/x/a.log::~/b")),
            _ => None,
        };
        let h = history_places(home, env);
        assert!(h.iter().any(|p| p.path == Path::new("/z/.zsh_history")));
        assert!(
            h.iter()
                .any(|p| p.path == Path::new("/h/.local/share/fish/fish_history"))
        );
        let a = agent_places(home, Path::new("/w"), env);
        assert!(a.iter().any(|p| p.path == Path::new("/h/.claude/projects")));
        assert!(
            a.iter()
                .any(|p| p.path == Path::new("/w/.aider.chat.history.md"))
        );
        assert!(a.iter().any(|p| p.path == Path::new("/x/a.log")));
        assert!(a.iter().any(|p| p.path == Path::new("/h/b")));
    }

    #[test]
    fn settings_that_allow_reading_env() {
        let s = r#"{"permissions":{"allow":["Bash(npm test)","Read(./.env)","Read"],"deny":["Read(.env.prod)"]}}"#;
        assert_eq!(allows_reading_env(s), ["Read(./.env)", "Read"]);
        assert!(allows_reading_env(r#"{"permissions":{"deny":["Read(.env)"]}}"#).is_empty());
        assert!(allows_reading_env("not json").is_empty());
    }
}
