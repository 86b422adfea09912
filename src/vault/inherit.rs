//! Environments that inherit another of the same project (`devvault scope inherit app/prod
//! app/base`), and the flattened scope every consumer reads: the child's own keys, then
//! each ancestor's keys the child does not set, resolved at read time (so rotating a base
//! key is seen by every child), with the templates expanded. The links are sealed `extras`
//! records (`H`), like env allowances: no schema change, older vaults open unchanged.
//! Only this machine's `scope inherit` writes them.

use super::extras::{self, Extra};
use super::keys::Keys;
use super::trust::{encode, load_all};
use super::{Vault, edit::Edit, now, state};
use crate::audit::{Event, EventKind};
use crate::error::{Error, Result};
use crate::model::{KeyName, Scope};
use crate::secret::SecretValue;
use crate::store::{Header, Record, SealedRow, Table, Tx};
use crate::template::{self, Entry};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The most environments a chain may hold, the child included.
pub const MAX_DEPTH: usize = 8;

/// One link: `child` inherits `parent` (both `project/env`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Link {
    child: String,
    parent: String,
}

/// One key of a flattened scope, its record and the scope it comes from.
pub(super) struct FlatKey {
    pub name: KeyName,
    pub record: Record,
    /// The scope holding the key: the child itself or an ancestor.
    pub from: Scope,
    pub meta: super::codec::Meta,
}

/// Every link with its row id; a malformed record is an integrity error.
fn links(rows: Vec<(SealedRow, Extra)>) -> Result<Vec<(i64, Link)>> {
    rows.into_iter()
        .filter_map(|(r, x)| match x {
            Extra::Inherit(json) => Some(
                serde_json::from_slice(&json)
                    .map(|l| (r.id, l))
                    .map_err(|_| Error::integrity("an inheritance record is malformed")),
            ),
            _ => None,
        })
        .collect()
}

fn parent_in(links: &[(i64, Link)], child: &str) -> Option<String> {
    links
        .iter()
        .find(|(_, l)| l.child == child)
        .map(|(_, l)| l.parent.clone())
}

/// `scope` and its ancestors, nearest first.
fn chain_in(links: &[(i64, Link)], scope: &Scope) -> Result<Vec<Scope>> {
    let mut out = vec![scope.clone()];
    let mut at = scope.to_string();
    while let Some(p) = parent_in(links, &at) {
        let parent = Scope::parse_stored(&p)
            .map_err(|_| Error::integrity("an inheritance record names a malformed scope"))?;
        if out.contains(&parent) || out.len() >= MAX_DEPTH {
            return Err(Error::integrity(
                "the inheritance records form a cycle or a chain too deep",
            ));
        }
        out.push(parent);
        at = p;
    }
    Ok(out)
}

/// How many environments inherit `scope`, directly or not, along the longest line.
fn depth_below(links: &[(i64, Link)], scope: &str, seen: usize) -> usize {
    if seen > MAX_DEPTH {
        return seen;
    }
    links
        .iter()
        .filter(|(_, l)| l.parent == scope)
        .map(|(_, l)| 1 + depth_below(links, &l.child, seen + 1))
        .max()
        .unwrap_or(0)
}

/// The flattened keys of `scope` (sorted by name) and the verified header, in `tx`.
pub(super) fn flatten(tx: &Tx<'_>, keys: &Keys, scope: &Scope) -> Result<(Vec<FlatKey>, Header)> {
    let (snap, pos) = state::require(tx, keys, scope)?;
    let mut own = Some(state::records(tx, keys, Table::Secrets, &snap.scopes[pos])?);
    let chain = chain_in(&links(load_all(tx, keys)?)?, scope)?;
    let mut out: BTreeMap<KeyName, FlatKey> = BTreeMap::new();
    for (i, from) in chain.iter().enumerate() {
        let recs = match i {
            0 => own.take().unwrap_or_default(),
            _ => {
                let (snap, pos) = state::require(tx, keys, from).map_err(|e| match e {
                    Error::NotFound { .. } => missing_parent(&chain[..=i]),
                    e => e,
                })?;
                state::records(tx, keys, Table::Secrets, &snap.scopes[pos])?
            }
        };
        for r in recs {
            let (name, meta) = state::open_name_meta(keys, Table::Secrets, &r)?;
            out.entry(name.clone()).or_insert(FlatKey {
                name,
                record: r,
                from: from.clone(),
                meta,
            });
        }
    }
    Ok((out.into_values().collect(), snap.header))
}

fn missing_parent(chain: &[Scope]) -> Error {
    let names: Vec<String> = chain.iter().map(Scope::to_string).collect();
    let (child, parent) = match names.as_slice() {
        [.., c, p] => (c.clone(), p.clone()),
        _ => (String::new(), String::new()),
    };
    Error::MissingParent {
        child,
        parent,
        chain: names.join(" -> "),
    }
}

/// Opens the values of `flat` (all of them) and expands the templates.
pub(super) fn values(
    keys: &Keys,
    scope: &Scope,
    flat: &[FlatKey],
) -> Result<Vec<(KeyName, SecretValue)>> {
    let mut entries = BTreeMap::new();
    for k in flat {
        let value = state::open_value(keys, Table::Secrets, &k.record)?;
        let template = k.meta.template;
        entries.insert(k.name.clone(), Entry { value, template });
    }
    template::expand_all(&scope.to_string(), entries)
}

/// The inheritance links as they are, read before a rename changes any row (reading
/// checks the header against the rows).
pub(super) struct Links(Vec<(i64, Link)>);

/// [`Links`] now, in `tx`.
pub(super) fn links_now(tx: &Tx<'_>, keys: &Keys) -> Result<Links> {
    Ok(Links(links(load_all(tx, keys)?)?))
}

/// Moves the inheritance links of renamed scopes along (`scope mv`), in the rename's
/// transaction: `pairs` are (old, new) names; each changed link is re-sealed and audited.
pub(super) fn follow_renames(
    tx: &Tx<'_>,
    keys: &Keys,
    h: &mut Header,
    before: Links,
    pairs: &[(Scope, Scope)],
) -> Result<()> {
    let renamed = |s: &str| {
        pairs
            .iter()
            .find(|(old, _)| old.to_string() == s)
            .map(|(_, new)| new.to_string())
    };
    for (id, link) in before.0 {
        let (child, parent) = (renamed(&link.child), renamed(&link.parent));
        if child.is_none() && parent.is_none() {
            continue;
        }
        let moved = Link {
            child: child.unwrap_or(link.child),
            parent: parent.unwrap_or(link.parent),
        };
        let scope = Scope::parse_stored(&moved.child)
            .map_err(|_| Error::integrity("an inheritance record names a malformed scope"))?;
        let event = Event::new(EventKind::Policy)
            .scope(&scope)
            .detail(format!("inherits {}", moved.parent));
        extras::change(tx, keys, h, &[id], Some(&encode(b'H', &moved)?), &event)?;
    }
    Ok(())
}

impl Vault {
    /// The environment `scope` inherits, if any.
    pub fn parent_of(&mut self, scope: &Scope) -> Result<Option<Scope>> {
        let keys = &self.keys;
        self.store.read(|tx| {
            let links = links(load_all(tx, keys)?)?;
            Ok(chain_in(&links, scope)?.into_iter().nth(1))
        })
    }

    /// Makes `child` inherit `parent` (replacing a parent it had), or with `None` inherit
    /// nothing. Both in one project; the parent must exist, the child is created empty if
    /// needed; a cycle or a chain deeper than [`MAX_DEPTH`] is refused. Audited.
    pub fn set_parent(&mut self, child: &Scope, parent: Option<&Scope>) -> Result<()> {
        if let Some(p) = parent {
            check_pair(child, p)?;
        }
        let keys = &self.keys;
        let want = child.to_string();
        self.store.write(|tx| {
            let found = links(load_all(tx, keys)?)?;
            let old: Vec<i64> = found
                .iter()
                .filter(|(_, l)| l.child == want)
                .map(|(id, _)| *id)
                .collect();
            let plain = match parent {
                None if old.is_empty() => {
                    return Err(Error::NotFound {
                        what: format!("an environment that {want} inherits (nothing to remove)"),
                        suggestion: None,
                    });
                }
                None => None,
                Some(p) => {
                    state::require(tx, keys, p)?;
                    check_shape(&found, child, p)?;
                    if state::locate(tx, keys, child)?.1.is_none() {
                        Edit::begin(tx, keys, child, true, now())?.finish()?;
                    }
                    let link = Link {
                        child: want.clone(),
                        parent: p.to_string(),
                    };
                    Some(encode(b'H', &link)?)
                }
            };
            let detail = match parent {
                Some(p) => format!("inherits {p}"),
                None => "inherits nothing".to_string(),
            };
            let event = Event::new(EventKind::Policy).scope(child).detail(detail);
            let mut h = state::header(tx, keys)?;
            extras::change(tx, keys, &mut h, &old, plain.as_deref(), &event)
        })
    }
}

/// One project, two different environments.
fn check_pair(child: &Scope, parent: &Scope) -> Result<()> {
    if child.project != parent.project {
        return Err(Error::invalid(
            format!(
                "{child} cannot inherit {parent}: an environment inherits only from its own project"
            ),
            format!(
                "inherit an environment of {} (e.g. {}/base), or copy the keys with `devvault scope cp {parent} {child}`",
                child.project, child.project
            ),
        ));
    }
    if child == parent {
        return Err(Error::invalid(
            format!("{child} cannot inherit itself"),
            "name another environment of the project as the parent",
        ));
    }
    Ok(())
}

/// Refuses a cycle (naming it) and a chain deeper than [`MAX_DEPTH`].
fn check_shape(links: &[(i64, Link)], child: &Scope, parent: &Scope) -> Result<()> {
    let others: Vec<(i64, Link)> = links
        .iter()
        .filter(|(_, l)| l.child != child.to_string())
        .cloned()
        .collect();
    let up = chain_in(&others, parent)?;
    if let Some(at) = up.iter().position(|s| s == child) {
        let mut names = vec![child.to_string()];
        names.extend(up[..=at].iter().map(Scope::to_string));
        return Err(Error::invalid(
            format!(
                "{child} cannot inherit {parent}: that would make a cycle ({})",
                names.join(" -> ")
            ),
            format!("remove a link first, e.g. `devvault scope inherit {parent} --rm`"),
        ));
    }
    let depth = up.len() + 1 + depth_below(&others, &child.to_string(), 0);
    if depth > MAX_DEPTH {
        return Err(Error::invalid(
            format!(
                "{child} cannot inherit {parent}: the chain would hold {depth} environments, more than {MAX_DEPTH}"
            ),
            "inherit an environment nearer the top of the chain",
        ));
    }
    Ok(())
}
