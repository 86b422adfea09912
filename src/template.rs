//! Interpolation between secrets, opt-in per key (`devvault set --template`): a template
//! value may use `${KEY}` of the same flattened scope (`postgres://${DB_USER}:${DB_PASSWORD}@db/app`).
//! `$${` writes a literal `${`. A value not marked as a template is never expanded, whatever
//! it holds. Pure: the caller passes the scope's values in; errors name keys, never values.

use crate::error::{Error, Result};
use crate::model::KeyName;
use crate::secret::SecretValue;
use std::collections::{BTreeMap, HashMap};

/// The longest value a template may expand to (bytes): nested templates could otherwise
/// double at every level.
pub const MAX_EXPANDED: usize = 16 << 20;

/// One key of a scope: its value and whether it is a template.
pub struct Entry {
    /// The stored value.
    pub value: SecretValue,
    /// Marked with `set --template`.
    pub template: bool,
}

/// Expands every template of `scope` (named in errors); other values are returned as they
/// are. Errors: a cycle (naming it), a `${KEY}` that is not in the scope, a `${` left open.
pub fn expand_all(
    scope: &str,
    entries: BTreeMap<KeyName, Entry>,
) -> Result<Vec<(KeyName, SecretValue)>> {
    let names: Vec<KeyName> = entries.keys().cloned().collect();
    let wanted: Vec<&KeyName> = names.iter().collect();
    expand_keys(scope, entries, &wanted)
}

/// [`expand_all`] for the `wanted` keys only (those in the scope), so a broken template
/// elsewhere in the scope does not stop them.
pub fn expand_keys(
    scope: &str,
    entries: BTreeMap<KeyName, Entry>,
    wanted: &[&KeyName],
) -> Result<Vec<(KeyName, SecretValue)>> {
    let mut done: BTreeMap<String, SecretValue> = BTreeMap::new();
    let names: Vec<KeyName> = wanted
        .iter()
        .filter(|k| entries.contains_key(**k))
        .map(|k| (*k).clone())
        .collect();
    let by_name: HashMap<&str, &Entry> = entries.iter().map(|(k, e)| (k.as_str(), e)).collect();
    let mut x = Expander {
        scope,
        entries: &by_name,
        done: &mut done,
        stack: Vec::new(),
    };
    for k in &names {
        x.value(k.as_str())?;
    }
    Ok(names
        .into_iter()
        .filter_map(|k| done.remove(k.as_str()).map(|v| (k, v)))
        .collect())
}

struct Expander<'a> {
    scope: &'a str,
    entries: &'a HashMap<&'a str, &'a Entry>,
    done: &'a mut BTreeMap<String, SecretValue>,
    stack: Vec<String>,
}

impl Expander<'_> {
    /// The expanded value of `key` (which is in the scope), memoised.
    fn value(&mut self, key: &str) -> Result<()> {
        if self.done.contains_key(key) {
            return Ok(());
        }
        let Some(&entry) = self.entries.get(key) else {
            return Err(self.unknown(key));
        };
        if !entry.template {
            let v = SecretValue::new(entry.value.expose_secret().to_string());
            self.done.insert(key.to_string(), v);
            return Ok(());
        }
        if let Some(at) = self.stack.iter().position(|k| k == key) {
            let mut chain = self.stack[at..].to_vec();
            chain.push(key.to_string());
            return Err(Error::invalid(
                format!(
                    "the templates of {} form a cycle: {}",
                    self.scope,
                    chain.join(" -> ")
                ),
                format!(
                    "make one of them a plain value (`devvault set {} {}` without --template) or stop it using the next",
                    self.scope, chain[0]
                ),
            ));
        }
        self.stack.push(key.to_string());
        let out = self.render(key, entry.value.expose_secret())?;
        self.stack.pop();
        self.done.insert(key.to_string(), SecretValue::new(out));
        Ok(())
    }

    fn render(&mut self, key: &str, text: &str) -> Result<String> {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(at) = rest.find('$') {
            out.push_str(&rest[..at]);
            let tail = &rest[at..];
            if let Some(after) = tail.strip_prefix("$${") {
                out.push_str("${");
                rest = after;
            } else if let Some(after) = tail.strip_prefix("${") {
                let Some(end) = after.find('}') else {
                    return Err(Error::invalid(
                        format!(
                            "the template `{key}` of {} opens `${{` with no `}}`",
                            self.scope
                        ),
                        "close it (`${KEY}`), or write `$${` for a literal `${`",
                    ));
                };
                let name = &after[..end];
                self.value(name)?;
                if let Some(v) = self.done.get(name) {
                    out.push_str(v.expose_secret());
                }
                rest = &after[end + 1..];
            } else {
                out.push('$');
                rest = &tail[1..];
            }
            if out.len() > MAX_EXPANDED {
                return Err(Error::invalid(
                    format!(
                        "the template `{key}` of {} expands to more than {} MiB",
                        self.scope,
                        MAX_EXPANDED >> 20
                    ),
                    "use fewer nested templates",
                ));
            }
        }
        out.push_str(rest);
        Ok(out)
    }

    fn unknown(&self, key: &str) -> Error {
        let mut chain = self.stack.clone();
        chain.push(format!("${{{key}}}"));
        let what = format!(
            "`{key}`, used by the template chain {} in {},",
            chain.join(" -> "),
            self.scope
        );
        Error::NotFound {
            what: format!(
                "{what} (set it there or in a scope {} inherits, or edit the template)",
                self.scope
            ),
            suggestion: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(items: &[(&str, &str, bool)]) -> BTreeMap<KeyName, Entry> {
        items
            .iter()
            .map(|(k, v, t)| {
                (
                    KeyName::new(k).unwrap(),
                    Entry {
                        value: SecretValue::new(v.to_string()),
                        template: *t,
                    },
                )
            })
            .collect()
    }

    fn get(out: &[(KeyName, SecretValue)], k: &str) -> String {
        out.iter()
            .find(|(n, _)| n.as_str() == k)
            .unwrap()
            .1
            .expose_secret()
            .to_string()
    }

    #[test]
    fn templates_expand_nested_and_plain_values_keep_their_bytes() {
        let out = expand_all(
            "app/dev",
            scope(&[
                ("URL", "postgres://${USER}:${PASS}@db/app $${X} $5", true),
                ("USER", "u-${HOST}", true),
                ("HOST", "h", false),
                ("PASS", "p${NOT}", false),
            ]),
        )
        .unwrap();
        assert_eq!(get(&out, "URL"), "postgres://u-h:p${NOT}@db/app ${X} $5");
        assert_eq!(get(&out, "PASS"), "p${NOT}");
        assert_eq!(out.len(), 4);
    }

    #[test]
    fn a_cycle_names_the_chain() {
        let e = expand_all(
            "app/dev",
            scope(&[
                ("A", "${B}", true),
                ("B", "x${C}", true),
                ("C", "${A}", true),
            ]),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("A -> B -> C -> A"), "{e}");
        let e = expand_all("app/dev", scope(&[("A", "${A}", true)]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("A -> A"), "{e}");
    }

    #[test]
    fn an_unknown_key_or_an_open_brace_names_the_chain() {
        let e = expand_all(
            "app/dev",
            scope(&[("A", "${B}", true), ("B", "${MISSING}", true)]),
        )
        .unwrap_err();
        assert!(matches!(e, Error::NotFound { .. }));
        assert!(e.to_string().contains("A -> B -> ${MISSING}"), "{e}");
        let e = expand_all("app/dev", scope(&[("A", "x${B", true)]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("`A`") && e.contains("no `}`"), "{e}");
    }

    #[test]
    fn doubling_templates_stop_at_the_cap() {
        let mut items: Vec<(String, String, bool)> = vec![("K0".into(), "x".repeat(1024), false)];
        for i in 1..20 {
            items.push((
                format!("K{i}"),
                format!("${{K{}}}${{K{}}}", i - 1, i - 1),
                true,
            ));
        }
        let refs: Vec<(&str, &str, bool)> = items
            .iter()
            .map(|(k, v, t)| (k.as_str(), v.as_str(), *t))
            .collect();
        let e = expand_all("app/dev", scope(&refs)).unwrap_err().to_string();
        assert!(e.contains("expands to more than"), "{e}");
    }
}
