//! The one duration grammar of every flag that takes a length of time (`unlock --for`,
//! `get --clear-after`, `policy --max-age`, `audit --since`, `--lock-after`): a whole
//! number and a unit, `s`, `m` (minutes), `h`, `d`, `w`, `mo` (months of 30 days) or `y`
//! (years of 365 days), e.g. `30s`, `15m`, `8h`, `90d`, `12w`, `6mo`, `1y`. Pure.

use crate::error::{Error, Result};

/// The units, as error messages list them.
pub const UNITS: &str = "s (seconds), m (minutes), h (hours), d (days), w (weeks), mo (months of 30 days), y (years of 365 days)";

const UNIT_SECS: [(&str, u64); 7] = [
    ("s", 1),
    ("m", 60),
    ("h", 3600),
    ("d", 86_400),
    ("w", 7 * 86_400),
    ("mo", 30 * 86_400),
    ("y", 365 * 86_400),
];

fn bad(s: &str, why: &str) -> Error {
    Error::invalid(
        format!("invalid duration `{}`{why}", s.escape_debug()),
        format!(
            "write a whole number and a unit, e.g. `30s`, `15m`, `8h`, `30d`, `12w`, `6mo` or `1y`; the units are {UNITS}"
        ),
    )
}

/// Parses a duration into seconds.
pub fn parse(s: &str) -> Result<u64> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    if num.is_empty() {
        return Err(bad(s, ""));
    }
    if unit.is_empty() {
        return Err(bad(s, ": it has no unit"));
    }
    let per = UNIT_SECS
        .iter()
        .find(|(u, _)| *u == unit)
        .map(|(_, secs)| *secs)
        .ok_or_else(|| bad(s, ": unknown unit"))?;
    let n: u64 = num.parse().map_err(|_| bad(s, ": too long"))?;
    n.checked_mul(per).ok_or_else(|| bad(s, ": too long"))
}

/// Parses a duration and checks it lies within `min..=max` seconds (named in the error as
/// `range`, e.g. "1 day and 10 years").
pub fn parse_within(s: &str, min: u64, max: u64, range: &str) -> Result<u64> {
    let secs = parse(s)?;
    if !(min..=max).contains(&secs) {
        return Err(bad(s, &format!(": choose between {range}")));
    }
    Ok(secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_unit() {
        assert_eq!(parse("30s").unwrap(), 30);
        assert_eq!(parse("15m").unwrap(), 900);
        assert_eq!(parse("8h").unwrap(), 8 * 3600);
        assert_eq!(parse("2d").unwrap(), 2 * 86_400);
        assert_eq!(parse("12w").unwrap(), 84 * 86_400);
        assert_eq!(parse("6mo").unwrap(), 180 * 86_400);
        assert_eq!(parse(" 1y ").unwrap(), 365 * 86_400);
    }

    #[test]
    fn errors_quote_the_input_and_list_the_units() {
        for bad in [
            "",
            "m",
            "30",
            "30x",
            "-3d",
            "3.5w",
            "30 d",
            "1e3d",
            "30dd",
            "99999999999999999999d",
        ] {
            let msg = parse(bad).unwrap_err().to_string();
            assert!(msg.contains(&format!("`{bad}`")), "{msg}");
            assert!(msg.contains("mo (months of 30 days)"), "{msg}");
        }
        let msg = parse_within("5m", 86_400, 10 * 365 * 86_400, "1 day and 10 years")
            .unwrap_err()
            .to_string();
        assert!(msg.contains("1 day and 10 years"), "{msg}");
    }
}
