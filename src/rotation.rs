//! Rotation, history and policy types, and the pure parser of maximum ages (`30d`, `12w`,
//! `6m`). What [`crate::Vault`] returns from `history`, `stale` and `policy`; no I/O and no
//! secret value here (values of old versions come only from `Vault::history_value`).

use crate::error::Result;
use crate::model::{KeyName, Scope};
use serde::{Deserialize, Serialize};

/// Seconds in a day.
pub const DAY: u64 = 86_400;
/// The maximum age of a secret when neither its key nor its scope has a policy: 90 days.
pub const DEFAULT_MAX_AGE: u64 = 90 * DAY;
/// The longest maximum age accepted: 10 years.
const MAX_MAX_AGE: u64 = 3650 * DAY;

/// What made a version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// `set` (also every version written before versions recorded their origin).
    Set,
    /// `import`.
    Import,
    /// `rotate`.
    Rotate,
    /// `rollback` to an earlier version.
    Rollback,
    /// `pull` from a team remote (a rotation pulled keeps `rotate`).
    Pull,
}

impl Change {
    /// The command's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Set => "set",
            Change::Import => "import",
            Change::Rotate => "rotate",
            Change::Rollback => "rollback",
            Change::Pull => "pull",
        }
    }
}

/// One version of a key, without its value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VersionInfo {
    /// 1 for the first value, +1 for every change.
    pub version: u32,
    /// When this value was set (Unix seconds).
    pub created: i64,
    /// What made it.
    pub change: Change,
    /// For a rollback: the version whose value it restored.
    pub restored_from: Option<u32>,
    /// The note given with `rotate --note`.
    pub note: Option<String>,
    /// Whether this is the key's current value.
    pub current: bool,
    /// When `rm` removed the key while this was its value.
    pub removed_at: Option<i64>,
}

/// Options of a rotation: a note for this version and the provider URL of the key (where
/// the old value is revoked), kept for later versions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rotation {
    /// Why or how it was rotated, e.g. "revoked old key in the Stripe dashboard".
    pub note: Option<String>,
    /// Where the key is issued and revoked; `None` keeps the current one.
    pub url: Option<String>,
}

/// Where the maximum age in force comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PolicySource {
    /// A policy set on the key.
    Key,
    /// A policy set on the scope.
    Scope,
    /// [`DEFAULT_MAX_AGE`].
    Default,
}

/// The maximum age in force for a scope or key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Policy {
    /// Seconds a value may live before it is due for rotation.
    pub max_age: u64,
    /// Where that comes from.
    pub source: PolicySource,
}

/// A secret past its maximum age.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StaleSecret {
    /// Its scope.
    pub scope: Scope,
    /// Its key.
    pub key: KeyName,
    /// When its value last changed.
    pub updated: i64,
    /// Seconds since then.
    pub age: u64,
    /// The maximum age in force.
    pub max_age: u64,
    /// Whole days past the maximum age.
    pub overdue_days: u64,
}

impl Serialize for Scope {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Whole days past `max_age` for a value set at `updated`, or `None` when not yet due.
pub fn overdue_days(updated: i64, max_age: u64, now: i64) -> Option<u64> {
    let age = now.saturating_sub(updated).max(0) as u64;
    (age > max_age).then(|| (age - max_age) / DAY)
}

/// Parses a maximum age in the one duration grammar ([`crate::duration`]): e.g. `30d`,
/// `12w`, `6mo` or `1y`, from one day to ten years. Stored as seconds, so a policy set
/// before this grammar keeps its meaning.
pub fn parse_max_age(s: &str) -> Result<u64> {
    crate::duration::parse_within(s, DAY, MAX_MAX_AGE, "1 day and 10 years")
}

/// A maximum age in whole days (`30d`), or weeks when it is a whole number of them (`12w`).
pub fn format_max_age(secs: u64) -> String {
    match secs / DAY {
        _ if !secs.is_multiple_of(DAY) => format!("{secs}s"),
        d if d.is_multiple_of(7) => format!("{}w", d / 7),
        d => format!("{d}d"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    #[test]
    fn max_ages_parse_in_days_weeks_and_months() {
        assert_eq!(parse_max_age("30d").unwrap(), 30 * DAY);
        assert_eq!(parse_max_age("12w").unwrap(), 84 * DAY);
        assert_eq!(parse_max_age("6mo").unwrap(), 180 * DAY);
        assert_eq!(parse_max_age(" 1d ").unwrap(), DAY);
        assert_eq!(parse_max_age("120mo").unwrap(), 3600 * DAY);
        assert!(
            parse_max_age("15m").is_err(),
            "15m is 15 minutes, below a day"
        );
    }

    #[test]
    fn garbage_max_ages_are_named_with_the_accepted_forms() {
        for bad in [
            "",
            "d",
            "30",
            "30x",
            "-3d",
            "3.5w",
            "30 d",
            "0d",
            "122mo",
            "99999999999999999999d",
            "1e3d",
            "30dd",
        ] {
            let e = parse_max_age(bad).unwrap_err();
            let msg = e.to_string();
            assert!(matches!(e, Error::InvalidInput { .. }), "{bad}");
            assert!(msg.contains(&format!("`{bad}`")), "{msg}");
            assert!(msg.contains("`6mo`"), "{msg}");
        }
    }

    #[test]
    fn max_ages_print_in_days_or_weeks() {
        assert_eq!(format_max_age(DEFAULT_MAX_AGE), "90d");
        assert_eq!(format_max_age(14 * DAY), "2w");
        assert_eq!(format_max_age(parse_max_age("6mo").unwrap()), "180d");
        assert_eq!(format_max_age(parse_max_age("12w").unwrap()), "12w");
        assert_eq!(format_max_age(90), "90s");
    }

    #[test]
    fn overdue_counts_whole_days_past_the_maximum() {
        assert_eq!(overdue_days(0, 30 * DAY, (30 * DAY) as i64), None);
        assert_eq!(overdue_days(0, 30 * DAY, (30 * DAY + 1) as i64), Some(0));
        assert_eq!(overdue_days(0, 30 * DAY, (42 * DAY + 5) as i64), Some(12));
        assert_eq!(overdue_days(100, 30 * DAY, 0), None);
    }
}
