//! The secrets table's columns: widths shared from the terminal's width (KEY takes what the
//! fixed columns leave), names cut with `…` where they do not fit, and the DUE column's text
//! for every key (`in 78d`, or `30d over` once overdue). Pure helpers for the view.

use crate::SecretMeta;

/// Fixed widths: VALUE (masked), AGE, VER, DUE.
const VALUE_W: u16 = 8;
const AGE_W: u16 = 4;
const VER_W: u16 = 4;
const DUE_W: u16 = 9;

/// Column widths for a table `inner` columns wide (inside its border), one column of
/// spacing between columns: [SCOPE,] KEY, VALUE, AGE, VER, DUE.
pub fn widths(inner: u16, filtering: bool) -> Vec<u16> {
    let cols: u16 = if filtering { 6 } else { 5 };
    let fixed = VALUE_W + AGE_W + VER_W + DUE_W + (cols - 1);
    let rest = inner.saturating_sub(fixed).max(4);
    let mut out = Vec::with_capacity(6);
    if filtering {
        let scope = rest * 2 / 5;
        out.push(scope);
        out.push(rest - scope);
    } else {
        out.push(rest);
    }
    out.extend([VALUE_W, AGE_W, VER_W, DUE_W]);
    out
}

/// `text` cut to `width` columns, ending in `…` when it was cut.
pub fn fit(text: &str, width: u16) -> String {
    let width = usize::from(width);
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// The DUE column: days until the value is due for rotation (`in 78d`), or how long ago it
/// was due (`30d over`, true: draw as a warning).
pub fn due(meta: &SecretMeta, now: i64) -> (String, bool) {
    if let Some(days) = meta.overdue_days {
        return (format!("{}d over", days.max(1)), true);
    }
    let max_age = i64::try_from(meta.max_age).unwrap_or(i64::MAX);
    let left = meta
        .updated
        .saturating_add(max_age)
        .saturating_sub(now)
        .max(0);
    let days = left / 86_400;
    let text = match days {
        0 => "today".to_string(),
        1..=999 => format!("in {days}d"),
        _ => format!("in {}y", days / 365),
    };
    (text, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_fill_the_table_and_names_end_in_an_ellipsis() {
        for inner in [42u16, 60, 78, 140] {
            for filtering in [false, true] {
                let w = widths(inner, filtering);
                let total: u16 = w.iter().sum::<u16>() + w.len() as u16 - 1;
                assert_eq!(total, inner, "{inner} {filtering}: {w:?}");
            }
        }
        assert_eq!(fit("AWS_SECRET_ACCESS_KEY", 10), "AWS_SECRE…");
        assert_eq!(fit("SHORT", 10), "SHORT");
    }
}
