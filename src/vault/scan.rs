//! The leak scanner's automaton built from every value of the vault (see [`crate::scan`]).
//! Values are decrypted, handed to the automaton and zeroized; the read is audited.

use super::{Vault, audit, state};
use crate::audit::{Event, EventKind};
use crate::error::Result;
use crate::scan::{Matcher, Overlap, Owner};
use crate::store::Table;

impl Vault {
    /// One automaton over every current value of every scope (values shorter than
    /// `min_len` bytes left out); recorded in the audit log as a scan.
    pub fn scan_matcher(&mut self, min_len: usize) -> Result<Matcher> {
        self.scan_matcher_with(min_len, true, &[])
    }

    /// [`Vault::scan_matcher`] leaving out plain values ([`crate::scan::filter::is_plain`])
    /// unless `include_plain`, and the keys named in `skip_keys`.
    pub fn scan_matcher_with(
        &mut self,
        min_len: usize,
        include_plain: bool,
        skip_keys: &[String],
    ) -> Result<Matcher> {
        self.matcher(min_len, include_plain, skip_keys, Overlap::All)
    }

    /// The automaton of a sweep (`scan --agents`, `--shell-history`): leftmost-longest
    /// matches, the ones a redaction replaces ([`Matcher::redact`]).
    pub fn sweep_matcher(&mut self, min_len: usize, include_plain: bool) -> Result<Matcher> {
        self.matcher(min_len, include_plain, &[], Overlap::Longest)
    }

    fn matcher(
        &mut self,
        min_len: usize,
        include_plain: bool,
        skip_keys: &[String],
        overlap: Overlap,
    ) -> Result<Matcher> {
        let marked = self.not_secret_keys()?;
        let keys = &self.keys;
        self.store.write_relaxed(|tx| {
            let mut snap = state::snapshot_all(tx, keys)?;
            let mut values = Vec::new();
            for (scope, row) in snap.names(keys)? {
                for r in state::records(tx, keys, Table::Secrets, row)? {
                    let key = state::open_name(keys, Table::Secrets, &r)?.to_string();
                    let scope_name = scope.to_string();
                    if skip_keys.contains(&key)
                        || marked.iter().any(|m| m.key == key && m.scope == scope_name)
                    {
                        continue;
                    }
                    let value = state::open_value(keys, Table::Secrets, &r)?;
                    if !include_plain && crate::scan::filter::is_plain(value.expose_secret()) {
                        continue;
                    }
                    let owner = Owner {
                        key,
                        scope: scope.to_string(),
                    };
                    values.push((owner, value));
                }
            }
            let matcher = Matcher::with_overlap(
                values.iter().map(|(o, v)| (o.clone(), v.expose_secret())),
                min_len,
                overlap,
            )?;
            let detail = format!("{} values searched for", matcher.values());
            let event = Event::new(EventKind::Scan).detail(detail);
            audit::record(tx, keys, &mut snap.header, &event)?;
            Ok(matcher)
        })
    }
}
