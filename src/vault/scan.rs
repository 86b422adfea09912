//! The leak scanner's automaton built from every value of the vault (see [`crate::scan`]).
//! Values are decrypted, handed to the automaton and zeroized; the read is audited.

use super::{Vault, audit, state};
use crate::audit::{Event, EventKind};
use crate::error::Result;
use crate::scan::{Matcher, Owner};
use crate::store::Table;

impl Vault {
    /// One automaton over every current value of every scope (values shorter than
    /// `min_len` bytes left out); recorded in the audit log as a scan.
    pub fn scan_matcher(&mut self, min_len: usize) -> Result<Matcher> {
        let keys = &self.keys;
        self.store.write_relaxed(|tx| {
            let mut snap = state::snapshot_all(tx, keys)?;
            let mut values = Vec::new();
            for (scope, row) in snap.names(keys)? {
                for r in state::records(tx, keys, Table::Secrets, row)? {
                    let owner = Owner {
                        key: state::open_name(keys, Table::Secrets, &r)?.to_string(),
                        scope: scope.to_string(),
                    };
                    values.push((owner, state::open_value(keys, Table::Secrets, &r)?));
                }
            }
            let matcher = Matcher::new(
                values.iter().map(|(o, v)| (o.clone(), v.expose_secret())),
                min_len,
            )?;
            let detail = format!("{} values searched for", matcher.values());
            let event = Event::new(EventKind::Scan).detail(detail);
            audit::record(tx, keys, &mut snap.header, &event)?;
            Ok(matcher)
        })
    }
}
