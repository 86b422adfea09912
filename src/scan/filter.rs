//! What the leak scanner leaves alone, so that people keep it turned on:
//! - plain values: only letters and single spaces, at most [`PLAIN_MAX`] characters
//!   (`development`, `Acme Billing`, `true`): they read as words, not secrets, and match
//!   ordinary prose; `--include-plain` searches them too;
//! - keys and paths listed in a repository's `.devvault-scan-ignore` (`key NODE_ENV`,
//!   `path docs/`, `#` comments);
//! - a line holding the inline comment `devvault:allow`.
//!
//! Pure: the caller reads the ignore file.

/// The longest value that can count as plain.
pub const PLAIN_MAX: usize = 16;

/// The inline marker that allows a line.
pub const ALLOW_MARK: &[u8] = b"devvault:allow";

/// The per-repository ignore file's name.
pub const IGNORE_FILE: &str = ".devvault-scan-ignore";

/// Whether `value` is plainly not a secret (see the module docs).
pub fn is_plain(value: &str) -> bool {
    !value.is_empty()
        && value.chars().count() <= PLAIN_MAX
        && value.chars().all(|c| c.is_alphabetic() || c == ' ')
        && !value.starts_with(' ')
        && !value.ends_with(' ')
        && !value.contains("  ")
}

/// The parsed ignore file: key names and path prefixes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ignore {
    /// Keys whose values are not searched for.
    pub keys: Vec<String>,
    /// Path prefixes (relative to the repository) not reported.
    pub paths: Vec<String>,
}

impl Ignore {
    /// Parses `key NAME` and `path PREFIX` lines; other lines are ignored.
    pub fn parse(text: &str) -> Ignore {
        let mut out = Ignore::default();
        for line in text.lines().map(str::trim) {
            if let Some(k) = line.strip_prefix("key ") {
                out.keys.push(k.trim().to_string());
            } else if let Some(p) = line.strip_prefix("path ") {
                out.paths
                    .push(p.trim().trim_start_matches("./").to_string());
            }
        }
        out
    }

    /// Whether findings in `path` (as reported, relative) are ignored.
    pub fn skips_path(&self, path: &str) -> bool {
        let path = path.trim_start_matches("./");
        self.paths.iter().any(|p| path.starts_with(p.as_str()))
    }
}

/// Whether 1-based `line` of `data` carries the allow marker.
pub fn line_allowed(data: &[u8], line: usize) -> bool {
    data.split(|&b| b == b'\n')
        .nth(line.saturating_sub(1))
        .is_some_and(|l| l.windows(ALLOW_MARK.len()).any(|w| w == ALLOW_MARK))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_values_are_words() {
        for v in ["development", "Acme Billing", "true", "production"] {
            assert!(is_plain(v), "{v}");
        }
        for v in [
            "sk_live_abc",
            "hunter2",
            "postgres://x",
            "correcthorsebatterystaple",
            "a  b",
            "",
        ] {
            assert!(!is_plain(v), "{v}");
        }
    }

    #[test]
    fn ignore_file_and_allow_comment() {
        let i = Ignore::parse("# comment\nkey NODE_ENV\npath docs/\n");
        assert_eq!(i.keys, ["NODE_ENV"]);
        assert!(i.skips_path("docs/guide.md") && !i.skips_path("src/x"));
        assert!(line_allowed(b"a\nx = 1 # devvault:allow\n", 2));
        assert!(!line_allowed(b"a\nx = 1\n", 2));
    }
}
