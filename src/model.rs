//! Validated names and plain metadata: projects, environments, scopes (`myapp/prod`) and
//! key names. Constructors check the grammar of the command-line contract, so a value of
//! these types is always well formed. Holds no secret and does no I/O.

use crate::error::{Error, Result};
use std::fmt;

/// The environment used when a scope names only a project.
pub const DEFAULT_ENV: &str = "dev";

fn is_scope_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
}

/// The longest key name accepted from any source (bytes).
pub const MAX_KEY_NAME: usize = 256;

/// The longest project or environment name accepted from any source (bytes).
pub const MAX_SCOPE_NAME: usize = 64;

/// The start of a name too long to quote whole.
fn head(s: &str) -> String {
    let mut end = s.len().min(40);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", s[..end].escape_debug())
}

macro_rules! name_type {
    ($(#[$doc:meta])* $name:ident, $what:literal, $check:expr, $max:expr, $grammar:literal) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            /// Checks `s` against the grammar and the length limit and wraps it.
            pub fn new(s: &str) -> Result<Self> {
                if s.len() > $max {
                    return Err(Error::invalid(
                        format!(
                            "the {} name `{}` is {} bytes, longer than {}",
                            $what,
                            head(s),
                            s.len(),
                            $max
                        ),
                        format!("use a name of at most {} bytes", $max),
                    ));
                }
                Self::stored(s)
            }

            /// Checks `s` against the grammar only: for names already in a vault, which may
            /// predate the length limit (they still open; new ones are refused).
            pub fn stored(s: &str) -> Result<Self> {
                if $check(s) {
                    Ok(Self(s.to_string()))
                } else {
                    let shown = if s.len() > $max {
                        head(s)
                    } else {
                        s.escape_debug().to_string()
                    };
                    Err(Error::invalid(
                        format!("invalid {} name `{}`", $what, shown),
                        concat!("use ", $grammar),
                    ))
                }
            }

            /// The name as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self> {
                Self::new(s)
            }
        }
    };
}

name_type!(
    /// A project name: `[a-z0-9][a-z0-9._-]*`, at most 64 bytes.
    ProjectName, "project", is_scope_name, MAX_SCOPE_NAME, "lowercase letters, digits, `.`, `_` and `-`, starting with a letter or digit (e.g. `myapp`)"
);
name_type!(
    /// An environment name: `[a-z0-9][a-z0-9._-]*`, at most 64 bytes.
    EnvName, "environment", is_scope_name, MAX_SCOPE_NAME, "lowercase letters, digits, `.`, `_` and `-`, starting with a letter or digit (e.g. `prod`)"
);
name_type!(
    /// A secret's key name: `[A-Za-z_][A-Za-z0-9_.-]*`, at most 256 bytes.
    KeyName, "key", is_key_name, MAX_KEY_NAME, "letters, digits, `_`, `.` and `-`, starting with a letter or `_` (e.g. `STRIPE_KEY`)"
);

fn is_key_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
}

impl KeyName {
    /// Whether a POSIX shell can carry this name as a variable (`[A-Za-z_][A-Za-z0-9_]*`).
    pub fn is_shell_safe(&self) -> bool {
        !self.0.contains(['.', '-'])
    }
}

/// A project and one of its environments: `PROJECT[/ENV]`, ENV defaulting to `dev`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Scope {
    /// The project.
    pub project: ProjectName,
    /// The environment.
    pub env: EnvName,
}

impl Scope {
    /// Parses `project` or `project/env`.
    pub fn parse(s: &str) -> Result<Self> {
        let (p, e) = Self::split(s)?;
        Ok(Scope {
            project: ProjectName::new(p)?,
            env: EnvName::new(e)?,
        })
    }

    /// Parses a scope already in a vault: the grammar without the length limit.
    pub fn parse_stored(s: &str) -> Result<Self> {
        let (p, e) = Self::split(s)?;
        Ok(Scope {
            project: ProjectName::stored(p)?,
            env: EnvName::stored(e)?,
        })
    }

    fn split(s: &str) -> Result<(&str, &str)> {
        let (p, e) = s.split_once('/').unwrap_or((s, DEFAULT_ENV));
        if e.contains('/') {
            return Err(Error::invalid(
                format!("invalid scope `{}`", head(s)),
                "write PROJECT or PROJECT/ENV (e.g. `myapp/prod`)",
            ));
        }
        Ok((p, e))
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.project, self.env)
    }
}

impl std::str::FromStr for Scope {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

/// Whether a new project or environment name `new` looks like a typo of `existing`: at most
/// two edits apart (an insertion, deletion, substitution, or a swap of two neighbouring
/// letters each counts one: the optimal string alignment distance), and fewer edits than
/// the shorter name has letters (so `qa` is not a typo of `ci`).
pub fn is_near_name(new: &str, existing: &str) -> bool {
    if new == existing {
        return false;
    }
    let d = strsim::osa_distance(new, existing);
    d <= 2 && d < new.chars().count().min(existing.chars().count())
}

/// What a scope command acts on: one environment (`PROJECT/ENV`) or a whole project
/// (`PROJECT`, no `/`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// One environment.
    Scope(Scope),
    /// Every environment of a project.
    Project(ProjectName),
}

impl Target {
    /// Parses `PROJECT` (the whole project) or `PROJECT/ENV`.
    pub fn parse(s: &str) -> Result<Self> {
        if s.contains('/') {
            Ok(Target::Scope(Scope::parse(s)?))
        } else {
            Ok(Target::Project(ProjectName::new(s)?))
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Scope(s) => write!(f, "{s}"),
            Target::Project(p) => write!(f, "{p}"),
        }
    }
}

/// Two scopes compared by key name and value (`scope diff`); values are never returned.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ScopeDiff {
    /// Keys only in the first.
    pub only_in_a: Vec<String>,
    /// Keys only in the second.
    pub only_in_b: Vec<String>,
    /// Keys in both with different values.
    pub different: Vec<String>,
    /// Keys in both with the same value.
    pub same: Vec<String>,
}

/// What is known about a secret besides its value. Times are Unix seconds.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SecretMeta {
    /// The key name.
    pub key: KeyName,
    /// When the key was first set.
    pub created: i64,
    /// When the value last changed.
    pub updated: i64,
    /// 1 for the first value, +1 for every change.
    pub version: u32,
    /// When the key was last changed by `rotate`.
    pub rotated_at: Option<i64>,
    /// Where the key is issued and revoked (set with `rotate --url`).
    pub url: Option<String>,
    /// The maximum age in force (seconds): the key's policy, its scope's, or 90 days.
    pub max_age: u64,
    /// Whole days past the maximum age, or `None` when the value is not yet due.
    pub overdue_days: Option<u64>,
    /// The value is the empty string (seen from the sealed value's size, so a listing
    /// can say so without opening it).
    #[serde(skip)]
    pub empty: bool,
    /// The ancestor scope the key is inherited from (`scope inherit`), `None` when the
    /// listed scope sets it itself. In JSON as [`crate::vault::Listed`]'s field.
    #[serde(skip)]
    pub inherited_from: Option<String>,
}

impl serde::Serialize for KeyName {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// A project with its environments, as listed by `projects`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ProjectSummary {
    /// The project name.
    pub project: String,
    /// Its environments, sorted, with how many keys each holds.
    pub environments: Vec<EnvSummary>,
}

/// One environment of a project.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct EnvSummary {
    /// The environment name.
    pub name: String,
    /// How many keys it holds.
    pub keys: usize,
}

/// What an import did, per key name.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    /// Keys that did not exist before.
    pub added: Vec<String>,
    /// Keys whose value changed.
    pub changed: Vec<String>,
    /// Keys whose value was already the same.
    pub unchanged: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_defaults_to_dev() {
        let s = Scope::parse("myapp").unwrap();
        assert_eq!(s.to_string(), "myapp/dev");
        assert_eq!(Scope::parse("myapp/prod").unwrap().env.as_str(), "prod");
    }

    #[test]
    fn bad_names_are_quoted_in_the_error() {
        let e = Scope::parse("MyApp").unwrap_err().to_string();
        assert!(e.contains("`MyApp`"), "{e}");
        assert!(Scope::parse("a/b/c").is_err());
        assert!(Scope::parse("/prod").is_err());
        let e = KeyName::new("1BAD").unwrap_err().to_string();
        assert!(
            e.contains("`1BAD`") && e.contains("starting with a letter"),
            "{e}"
        );
        assert!(KeyName::new("a.b-c_D9").is_ok());
        assert!(KeyName::new("").is_err());
        assert!(KeyName::new("A B").is_err());
    }

    #[test]
    fn near_names_are_typos() {
        assert!(is_near_name("prdo", "prod"));
        assert!(is_near_name("rpeo", "repo"));
        assert!(is_near_name("stagign", "staging"));
        assert!(is_near_name("prd", "prod"));
        assert!(!is_near_name("prod", "prod"));
        assert!(!is_near_name("qa", "ci"));
        assert!(!is_near_name("staging", "prod"));
        assert!(!is_near_name("billing", "shop"));
    }

    #[test]
    fn targets() {
        assert_eq!(
            Target::parse("app").unwrap(),
            Target::Project(ProjectName::new("app").unwrap())
        );
        assert!(matches!(
            Target::parse("app/prod").unwrap(),
            Target::Scope(_)
        ));
        assert!(Target::parse("App").is_err());
    }

    #[test]
    fn names_have_length_limits_that_stored_names_skip() {
        let long = "K".repeat(70_000);
        let e = KeyName::new(&long).unwrap_err().to_string();
        assert!(e.contains("70000 bytes") && e.len() < 300, "{e}");
        assert!(KeyName::new(&"K".repeat(MAX_KEY_NAME)).is_ok());
        assert!(KeyName::new(&"K".repeat(MAX_KEY_NAME + 1)).is_err());
        assert!(KeyName::stored(&long).is_ok());
        let p = "p".repeat(MAX_SCOPE_NAME + 1);
        assert!(Scope::parse(&format!("{p}/dev")).is_err());
        assert!(Scope::parse(&format!("app/{p}")).is_err());
        assert!(Scope::parse(&"p".repeat(MAX_SCOPE_NAME)).is_ok());
        assert!(Scope::parse_stored(&format!("{p}/{p}")).is_ok());
        assert!(Scope::parse_stored("a/b/c").is_err());
    }

    #[test]
    fn shell_safety() {
        assert!(KeyName::new("A_B").unwrap().is_shell_safe());
        assert!(!KeyName::new("a.b").unwrap().is_shell_safe());
        assert!(!KeyName::new("a-b").unwrap().is_shell_safe());
    }
}
