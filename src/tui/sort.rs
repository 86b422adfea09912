//! The order of a scope's keys in the table: by name (the catalog's own order, free), by
//! age (oldest value first) or by rotation due (soonest first). A non-name order is computed
//! once per scope listing and kept in a [`Cache`] until the scope, its keys or the order
//! change. Reads the catalog only; no I/O.

use super::catalog::Catalog;
use std::cell::RefCell;
use std::ops::Range;

/// How the table orders a scope's keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortBy {
    /// By key name.
    Name,
    /// Oldest value first.
    Age,
    /// Soonest rotation due first (overdue keys on top).
    Due,
}

impl SortBy {
    /// The next order (`s` cycles name, age, due).
    pub fn next(self) -> SortBy {
        match self {
            SortBy::Name => SortBy::Age,
            SortBy::Age => SortBy::Due,
            SortBy::Due => SortBy::Name,
        }
    }

    /// How the table title and messages name it.
    pub fn label(self) -> &'static str {
        match self {
            SortBy::Name => "name",
            SortBy::Age => "age",
            SortBy::Due => "rotation due",
        }
    }
}

/// What a sorted order was computed for.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Key {
    generation: u64,
    range: Range<usize>,
    by: SortBy,
}

/// The last sorted order: catalog indexes of one scope's keys.
#[derive(Debug, Default)]
pub struct Cache(RefCell<Option<(Key, Vec<usize>)>>);

impl Cache {
    /// The catalog index of row `row` of `range` (one scope's keys) ordered `by`.
    pub fn row(&self, catalog: &Catalog, range: Range<usize>, by: SortBy, row: usize) -> usize {
        if by == SortBy::Name {
            return range.start + row;
        }
        let key = Key {
            generation: catalog.generation,
            range: range.clone(),
            by,
        };
        let mut cache = self.0.borrow_mut();
        if cache.as_ref().is_none_or(|(k, _)| *k != key) {
            *cache = Some((key, order(catalog, range.clone(), by)));
        }
        cache
            .as_ref()
            .and_then(|(_, order)| order.get(row).copied())
            .unwrap_or(range.start + row)
    }

    /// Forgets the order (after a scope's keys changed in place).
    pub fn clear(&self) {
        self.0.borrow_mut().take();
    }
}

/// The catalog indexes of `range` ordered `by`; ties keep the name order.
pub fn order(catalog: &Catalog, range: Range<usize>, by: SortBy) -> Vec<usize> {
    let mut idx: Vec<usize> = range.collect();
    let meta = |i: usize| &catalog.secrets[i].meta;
    match by {
        SortBy::Name => {}
        SortBy::Age => idx.sort_by_key(|&i| meta(i).updated),
        SortBy::Due => idx.sort_by_key(|&i| {
            let m = meta(i);
            m.updated
                .saturating_add(i64::try_from(m.max_age).unwrap_or(i64::MAX))
        }),
    }
    idx
}
