//! The schema a `.env.example` carries in its comments: the comment line right above a key,
//! in the form `# required, format: url, owner: alice, max-age: 90d` (each part optional, in
//! any order; `optional` instead of `required`), gives the key's rules; other comment lines
//! stay free text. A key without `optional` is required. Pure: parsing, checking values
//! against the rules, and writing a rule line back.

use crate::dotenv;
use crate::error::{Error, Result};
use crate::model::KeyName;
use base64::Engine;

/// The format a value must have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Format {
    /// `scheme://rest`.
    Url,
    /// An integer, optionally signed.
    Int,
    /// 1 to 65535.
    Port,
    /// `local@domain.tld`.
    Email,
    /// `8-4-4-4-12` hexadecimal digits.
    Uuid,
    /// Standard or URL-safe base64, padded or not.
    Base64,
    /// A PEM block: `-----BEGIN X-----` ... `-----END X-----`.
    Pem,
    /// A regular expression the value must match (searched: anchor it with `^...$`).
    Regex(String),
}

impl Format {
    fn parse(text: &str) -> Option<Format> {
        Some(match text {
            "url" => Format::Url,
            "int" => Format::Int,
            "port" => Format::Port,
            "email" => Format::Email,
            "uuid" => Format::Uuid,
            "base64" => Format::Base64,
            "pem" => Format::Pem,
            _ => Format::Regex(text.strip_prefix("regex:")?.to_string()),
        })
    }

    /// The format as written in a rule line.
    pub fn name(&self) -> String {
        match self {
            Format::Url => "url".into(),
            Format::Int => "int".into(),
            Format::Port => "port".into(),
            Format::Email => "email".into(),
            Format::Uuid => "uuid".into(),
            Format::Base64 => "base64".into(),
            Format::Pem => "pem".into(),
            Format::Regex(r) => format!("regex:{r}"),
        }
    }

    /// Whether `value` has this format.
    pub fn accepts(&self, value: &str) -> bool {
        match self {
            Format::Url => value.split_once("://").is_some_and(|(scheme, rest)| {
                !rest.is_empty()
                    && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                    && scheme
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
                    && !value.chars().any(char::is_whitespace)
            }),
            Format::Int => {
                let digits = value.strip_prefix(['-', '+']).unwrap_or(value);
                !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
            }
            Format::Port => value.parse::<u16>().is_ok_and(|p| p > 0) && !value.starts_with('+'),
            Format::Email => value.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains('@')
                    && !value.chars().any(char::is_whitespace)
            }),
            Format::Uuid => {
                let parts: Vec<&str> = value.split('-').collect();
                parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
                    && parts
                        .iter()
                        .all(|p| p.chars().all(|c| c.is_ascii_hexdigit()))
            }
            Format::Base64 => {
                use base64::engine::general_purpose::{
                    STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD,
                };
                !value.is_empty()
                    && [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
                        .iter()
                        .any(|e| e.decode(value).is_ok())
            }
            Format::Pem => pem_label(value).is_some_and(|label| {
                value
                    .trim_end()
                    .ends_with(&format!("-----END {label}-----"))
            }),
            Format::Regex(r) => regex::Regex::new(r).is_ok_and(|re| re.is_match(value)),
        }
    }
}

fn pem_label(value: &str) -> Option<&str> {
    let rest = value.trim_start().strip_prefix("-----BEGIN ")?;
    let (label, _) = rest.split_once("-----")?;
    Some(label)
}

/// The rules of one key.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rule {
    /// `optional` was written (a key is required otherwise).
    pub optional: bool,
    /// `format: ...`.
    pub format: Option<Format>,
    /// `owner: NAME`, a trusted teammate's name.
    pub owner: Option<String>,
    /// `max-age: 90d`, in seconds.
    pub max_age: Option<u64>,
    /// The text of `max-age` as written (`90d`).
    pub max_age_text: Option<String>,
}

impl Rule {
    /// The rule line (without `# `): `required, format: url, owner: alice, max-age: 90d`,
    /// escaped ([`crate::text::escape`]).
    pub fn line(&self) -> String {
        let mut parts = vec![
            if self.optional {
                "optional"
            } else {
                "required"
            }
            .to_string(),
        ];
        if let Some(o) = &self.owner {
            parts.push(format!("owner: {o}"));
        }
        if let Some(a) = &self.max_age_text {
            parts.push(format!("max-age: {a}"));
        }
        // Last: a regex may hold commas.
        if let Some(f) = &self.format {
            parts.push(format!("format: {}", f.name()));
        }
        // The owner and a regex come from a checkout: no control character goes on as it
        // is (a terminal escape, or a line end a `.env` reader would act on). A regex
        // keeps its meaning: `\u{1b}` is the regex for that character.
        crate::text::escape(&parts.join(", "))
    }
}

/// One key of the schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The key.
    pub key: KeyName,
    /// Its rules (all defaults when the key has no rule line).
    pub rule: Rule,
    /// Whether a rule line was written above it.
    pub ruled: bool,
    /// The free-text comment lines above it (not the rule line).
    pub comments: Vec<String>,
}

const WORDS: [&str; 5] = ["required", "optional", "format:", "owner:", "max-age:"];

/// Parses a comment (without `#`) as a rule line. `Ok(None)` for free text: a line is a rule
/// line when every comma-separated part starts with `required`, `optional`, `format:`,
/// `owner:` or `max-age:` (a `format: regex:` part takes the rest of the line, commas
/// included). A rule line with a bad value is an error saying which part.
pub fn parse_rule(comment: &str) -> std::result::Result<Option<Rule>, String> {
    let mut parts: Vec<String> = Vec::new();
    let mut rest = comment.trim();
    while !rest.is_empty() {
        let is_regex = rest.trim_start().starts_with("format:")
            && rest.trim_start()["format:".len()..]
                .trim_start()
                .starts_with("regex:");
        let (part, next) = if is_regex {
            (rest, "")
        } else {
            rest.split_once(',').unwrap_or((rest, ""))
        };
        parts.push(part.trim().to_string());
        rest = next.trim();
    }
    let lower = |p: &str| p.to_ascii_lowercase();
    if parts.is_empty()
        || !parts
            .iter()
            .all(|p| WORDS.iter().any(|w| lower(p).starts_with(w)))
    {
        return Ok(None);
    }
    let mut rule = Rule::default();
    for part in &parts {
        let (word, value) = part
            .split_once(':')
            .map_or((part.as_str(), ""), |(w, v)| (w, v.trim()));
        match lower(word).trim() {
            "required" if value.is_empty() => rule.optional = false,
            "optional" if value.is_empty() => rule.optional = true,
            "format" => {
                let f = Format::parse(value).ok_or_else(|| {
                    format!("unknown format `{value}` (use url, int, port, email, uuid, base64, pem or regex:EXPRESSION)")
                })?;
                if let Format::Regex(r) = &f {
                    regex::Regex::new(r).map_err(|e| format!("invalid regex `{r}`: {e}"))?;
                }
                rule.format = Some(f);
            }
            "owner" if !value.is_empty() => rule.owner = Some(value.to_string()),
            "max-age" => {
                let secs =
                    crate::duration::parse_within(value, 30, 366 * 86_400, "30 seconds and 1 year")
                        .map_err(|e| format!("max-age: {e}"))?;
                rule.max_age = Some(secs);
                rule.max_age_text = Some(value.to_string());
            }
            _ => return Err(format!("cannot read `{part}`")),
        }
    }
    Ok(Some(rule))
}

/// The schema of a `.env.example` named `name`: its keys in order, each with the rule line
/// right above it. A rule line that cannot be read is an error naming `name:line`.
pub fn parse(text: &str, name: &str) -> Result<Vec<Entry>> {
    let mut out = Vec::new();
    for e in dotenv::parse(text, name)? {
        let mut comments = dotenv::comments_above(text, e.line);
        let (rule, ruled) = match comments.last().map(|c| parse_rule(c)) {
            Some(Ok(Some(rule))) => {
                comments.pop();
                (rule, true)
            }
            Some(Err(why)) => {
                return Err(Error::invalid(
                    format!("{name}:{}", e.line - 1),
                    format!(
                        "{why} (a rule line reads `# required, format: url, owner: alice, max-age: 90d`)"
                    ),
                ));
            }
            _ => (Rule::default(), false),
        };
        out.push(Entry {
            key: e.key,
            rule,
            ruled,
            comments,
        });
    }
    Ok(out)
}

/// What is wrong with one key; never its value.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "problem", rename_all = "kebab-case")]
pub enum Problem {
    /// A required key is not set.
    Missing {
        /// The key.
        key: String,
    },
    /// A value does not have the key's format.
    Format {
        /// The key.
        key: String,
        /// The format it should have.
        format: String,
    },
    /// A value is older than the key's maximum age.
    Stale {
        /// The key.
        key: String,
        /// Its age in days.
        age_days: u64,
        /// The maximum age, as written.
        max_age: String,
    },
    /// A key the schema does not list.
    Unknown {
        /// The key.
        key: String,
    },
}

impl Problem {
    /// One line for a person.
    pub fn line(&self) -> String {
        match self {
            Problem::Missing { key } => format!("{key}: missing (required)"),
            Problem::Format { key, format } => format!("{key}: not in the format {format}"),
            Problem::Stale {
                key,
                age_days,
                max_age,
            } => format!("{key}: {age_days} days old, older than max-age {max_age}: rotate it"),
            Problem::Unknown { key } => {
                format!("{key}: not in the schema (add it to .env.example, or remove it)")
            }
        }
    }
}

/// One key as it is: its value (None when not set) and when it was last set (Unix seconds;
/// None when unknown, e.g. in the process environment).
pub struct Present<'a> {
    /// The key.
    pub key: &'a str,
    /// Its value.
    pub value: Option<&'a str>,
    /// When it was last set.
    pub updated: Option<i64>,
}

/// The problems of `present` against `schema` at time `now`; keys the schema does not list
/// are problems only when `unknown_extra` (a scope: yes; a process environment: no).
pub fn check(schema: &[Entry], present: &[Present], now: i64, unknown_extra: bool) -> Vec<Problem> {
    let mut out = Vec::new();
    for e in schema {
        let key = e.key.as_str();
        let Some(p) = present.iter().find(|p| p.key == key && p.value.is_some()) else {
            if !e.rule.optional {
                out.push(Problem::Missing { key: key.into() });
            }
            continue;
        };
        if let (Some(f), Some(v)) = (&e.rule.format, p.value)
            && !f.accepts(v)
        {
            out.push(Problem::Format {
                key: key.into(),
                format: f.name(),
            });
        }
        if let (Some(max), Some(updated)) = (e.rule.max_age, p.updated) {
            let age = u64::try_from(now.saturating_sub(updated)).unwrap_or(0);
            if age > max {
                out.push(Problem::Stale {
                    key: key.into(),
                    age_days: age / 86_400,
                    max_age: e.rule.max_age_text.clone().unwrap_or_default(),
                });
            }
        }
    }
    if unknown_extra {
        for p in present {
            if p.value.is_some() && !schema.iter().any(|e| e.key.as_str() == p.key) {
                out.push(Problem::Unknown { key: p.key.into() });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
