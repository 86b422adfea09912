//! References to one secret, `devvault://PROJECT/ENV/KEY` (`devvault://PROJECT/KEY` means
//! the `dev` environment), and the text templates of `devvault inject` that enclose them in
//! `{{ ... }}` (1Password's `op inject` syntax with devvault's scheme). Pure: parsing and
//! splitting only; the vault resolves them. Never holds a value.

use crate::error::{Error, Result};
use crate::model::{DEFAULT_ENV, EnvName, KeyName, ProjectName, Scope};
use std::fmt;

/// The scheme every reference starts with.
pub const SCHEME: &str = "devvault://";

/// One secret named by project, environment and key.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Reference {
    /// Where the key lives.
    pub scope: Scope,
    /// The key.
    pub key: KeyName,
}

impl Reference {
    /// Whether `s` claims to be a reference (starts with the scheme); it may still be malformed.
    pub fn looks_like(s: &str) -> bool {
        s.starts_with(SCHEME)
    }

    /// Parses `devvault://PROJECT/ENV/KEY` or `devvault://PROJECT/KEY`.
    pub fn parse(s: &str) -> Result<Self> {
        let bad = |why: &str| {
            Error::invalid(
                format!("invalid reference `{}`: {why}", s.escape_debug()),
                "write devvault://PROJECT/ENV/KEY (or devvault://PROJECT/KEY for the dev environment), e.g. devvault://myapp/prod/DATABASE_URL",
            )
        };
        let rest = s
            .strip_prefix(SCHEME)
            .ok_or_else(|| bad("it does not start with devvault://"))?;
        let parts: Vec<&str> = rest.split('/').collect();
        let (project, env, key) = match parts.as_slice() {
            [p, k] => (*p, DEFAULT_ENV, *k),
            [p, e, k] => (*p, *e, *k),
            _ => return Err(bad("it needs a project, an optional environment and a key")),
        };
        let project = ProjectName::new(project).map_err(|e| bad(&e.to_string()))?;
        let env = EnvName::new(env).map_err(|e| bad(&e.to_string()))?;
        let key = KeyName::new(key).map_err(|e| bad(&e.to_string()))?;
        Ok(Reference {
            scope: Scope { project, env },
            key,
        })
    }

    /// The reference to `key` of `scope`, always with its environment.
    pub fn of(scope: &Scope, key: &KeyName) -> Self {
        Reference {
            scope: scope.clone(),
            key: key.clone(),
        }
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{SCHEME}{}/{}/{}",
            self.scope.project, self.scope.env, self.key
        )
    }
}

/// A piece of an `inject` template: text kept as it is, or a reference to fill in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Text copied unchanged.
    Text(&'a str),
    /// `{{ devvault://... }}`, with the 1-based line it starts on.
    Ref(Reference, usize),
}

/// Splits an `inject` template. `{{ devvault://... }}` (spaces inside the braces optional)
/// is a reference; other `{{ ... }}` (another tool's template syntax) stay text. A `{{`
/// with no `}}` on its line, or an enclosed reference that does not parse, is an error
/// naming the line.
pub fn split_template(text: &str) -> Result<Vec<Piece<'_>>> {
    let mut out = Vec::new();
    let mut rest = text;
    let mut line = 1;
    while let Some(open) = rest.find("{{") {
        let (before, after) = rest.split_at(open);
        line += before.matches('\n').count();
        let inner = &after[2..];
        let end_of_line = inner.find('\n').unwrap_or(inner.len());
        let Some(close) = inner[..end_of_line].find("}}") else {
            return Err(Error::invalid(
                format!("line {line} of the template opens `{{{{` with no `}}}}` on that line"),
                "close it (`{{ devvault://PROJECT/ENV/KEY }}`), or break the braces apart if they are not a reference",
            ));
        };
        let body = inner[..close].trim_matches(' ');
        if Reference::looks_like(body) {
            let r = Reference::parse(body).map_err(|e| match e {
                Error::InvalidInput { what, fix } => Error::InvalidInput {
                    what: format!("line {line} of the template: {what}"),
                    fix,
                },
                e => e,
            })?;
            out.push(Piece::Text(before));
            out.push(Piece::Ref(r, line));
        } else {
            out.push(Piece::Text(&rest[..open + 2 + close + 2]));
        }
        rest = &inner[close + 2..];
    }
    out.push(Piece::Text(rest));
    out.retain(|p| !matches!(p, Piece::Text("")));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_with_and_without_the_environment() {
        let r = Reference::parse("devvault://app/prod/DATABASE_URL").unwrap();
        assert_eq!(r.scope.to_string(), "app/prod");
        assert_eq!(r.key.as_str(), "DATABASE_URL");
        let d = Reference::parse("devvault://app/API_KEY").unwrap();
        assert_eq!(d.scope.to_string(), "app/dev");
        assert_eq!(d.to_string(), "devvault://app/dev/API_KEY");
        assert_eq!(Reference::parse(&r.to_string()).unwrap(), r);
    }

    #[test]
    fn malformed_references_name_the_input_and_the_fix() {
        for bad in [
            "devvault://",
            "devvault://app",
            "devvault://app/prod/K/extra",
            "devvault://App/K",
            "devvault://app//K",
            "devvault://app/prod/1KEY",
            "op://app/prod/K",
        ] {
            let e = Reference::parse(bad).unwrap_err().to_string();
            assert!(e.contains("invalid reference"), "{bad}: {e}");
            assert!(e.contains("devvault://PROJECT/ENV/KEY"), "{bad}: {e}");
        }
    }

    #[test]
    fn a_template_splits_into_text_and_references() {
        let t = "a: {{ devvault://app/prod/K }}\nb: {{devvault://app/J}} {{ .Values.x }}\n";
        let pieces = split_template(t).unwrap();
        assert_eq!(
            pieces,
            vec![
                Piece::Text("a: "),
                Piece::Ref(Reference::parse("devvault://app/prod/K").unwrap(), 1),
                Piece::Text("\nb: "),
                Piece::Ref(Reference::parse("devvault://app/dev/J").unwrap(), 2),
                Piece::Text(" {{ .Values.x }}"),
                Piece::Text("\n"),
            ]
        );
    }

    #[test]
    fn an_unclosed_brace_or_a_bad_reference_names_the_line() {
        let e = split_template("ok\nx {{ devvault://app/K\n}}")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 2"), "{e}");
        let e = split_template("\n\n{{ devvault://app/a/b/c }}")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("line 3") && e.contains("invalid reference"),
            "{e}"
        );
        assert_eq!(split_template("no braces").unwrap().len(), 1);
    }
}
