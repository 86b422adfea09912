//! Small shared pieces of terminal output: dates, ages and JSON printing.

use anyhow::Result;
use std::io::Write;

/// `YYYY-MM-DD HH:MM` (UTC) for Unix seconds.
pub fn date(secs: i64) -> String {
    match jiff::Timestamp::from_second(secs) {
        Ok(t) => t.strftime("%Y-%m-%d %H:%M").to_string(),
        Err(_) => format!("@{secs}"),
    }
}

/// A short age: `42s`, `5m`, `3h`, `12d`.
pub fn age(secs: i64, now: i64) -> String {
    let s = (now - secs).max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        3600..86_400 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86_400),
    }
}

/// A duration in its largest whole unit: `90s` -> `90s`, `900` -> `15m`.
pub fn duration(secs: u64) -> String {
    match secs {
        s if s % 86_400 == 0 => format!("{}d", s / 86_400),
        s if s % 3600 == 0 => format!("{}h", s / 3600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

/// Prints a value as pretty JSON on stdout, as the command's product.
pub fn json(value: &impl serde::Serialize) -> Result<()> {
    let mut text = serde_json::to_vec_pretty(value)?;
    text.push(b'\n');
    crate::os::console::product(&text)
}

/// Prints a value as pretty JSON on stdout, as the report of a change (best effort).
pub fn json_report(value: &impl serde::Serialize) -> Result<()> {
    let mut text = serde_json::to_vec_pretty(value)?;
    text.push(b'\n');
    let _ = crate::os::console::report_stdout().write_all(&text);
    Ok(())
}

/// The widest a padded column gets; longer cells are printed whole, unpadded. (A width
/// above 65,535 makes `format!` panic: an old vault's 70,000-byte name did.)
pub const MAX_WIDTH: usize = 256;

/// The width of a text column: its longest cell, at least `header` wide, at most
/// [`MAX_WIDTH`].
pub fn width(cells: impl Iterator<Item = usize>, header: usize) -> usize {
    cells.max().unwrap_or(0).max(header).min(MAX_WIDTH)
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_and_ages() {
        assert_eq!(super::date(0), "1970-01-01 00:00");
        assert_eq!(super::date(951_868_800), "2000-03-01 00:00");
        assert_eq!(super::date(1_709_211_900), "2024-02-29 13:05");
        assert_eq!(super::age(0, 59), "59s");
        assert_eq!(super::age(0, 3 * 86_400 + 5), "3d");
        let w = super::width([70_000].into_iter(), 3);
        assert_eq!(w, super::MAX_WIDTH);
        let _ = format!("{:w$}|", "x".repeat(70_000));
    }
}
