//! Where things go on the main screen, for a terminal of a given size. A leaf both the view
//! (`ui`) and `update` (mouse clicks, page sizes) use, so the model never imports the view.

use ratatui::layout::{Constraint, Layout, Rect};

/// Where each part of the main screen goes.
#[derive(Debug, Clone, Copy)]
pub struct Areas {
    /// The top line.
    pub header: Rect,
    /// Projects and environments.
    pub scopes: Rect,
    /// The secrets table (with its border and header row).
    pub table: Rect,
    /// The bottom line.
    pub footer: Rect,
}

/// The main screen's layout for a terminal of `size` (shared with `update` for clicks).
/// While filtering on a narrow terminal the table takes the whole width: its hits span
/// every project and need the room for their scope column.
pub fn main(size: (u16, u16), filtering: bool) -> Areas {
    let area = Rect::new(0, 0, size.0, size.1);
    let [header, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(area);
    let left = match (filtering, size.0) {
        (true, 0..100) => 0,
        _ => (size.0 / 4).clamp(16, 30),
    };
    let [scopes, table] =
        Layout::horizontal([Constraint::Length(left), Constraint::Min(20)]).areas(body);
    Areas {
        header,
        scopes,
        table,
        footer,
    }
}

/// How many secrets the table shows at once.
pub fn table_body_height(size: (u16, u16)) -> usize {
    main(size, false).table.height.saturating_sub(3) as usize
}

/// The first tree row drawn so that the selected scope (tree row `sel`) is visible.
pub fn tree_offset(sel: usize, area: Rect) -> usize {
    let height = area.height.saturating_sub(2) as usize;
    // Keep the project name above the first environment in view when possible.
    (sel + 1).saturating_sub(height)
}

/// The detail pane of a revealed value: between the header and the footer, at most 100
/// columns wide (centred).
pub fn detail(size: (u16, u16)) -> Rect {
    let w = size.0.min(100);
    Rect::new((size.0 - w) / 2, 1, w, size.1.saturating_sub(2))
}

/// Lines of the detail pane above the value (version, age, rotation, note, URL, a rule).
pub const DETAIL_HEAD: u16 = 6;

/// Where the value goes in the detail pane: inside the border, below the facts, above the
/// hint line.
pub fn detail_value(size: (u16, u16)) -> Rect {
    let pane = detail(size);
    let inner = Rect::new(
        pane.x + 1,
        pane.y + 1,
        pane.width.saturating_sub(2),
        pane.height.saturating_sub(2),
    );
    Rect::new(
        inner.x,
        inner.y + DETAIL_HEAD.min(inner.height),
        inner.width,
        inner.height.saturating_sub(DETAIL_HEAD + 1),
    )
}

/// How many lines `text` takes wrapped at `width` columns (long words broken).
pub fn wrapped_lines(text: &str, width: u16) -> usize {
    let width = usize::from(width.max(1));
    text.split('\n')
        .map(|line| line.chars().count().div_ceil(width).max(1))
        .sum()
}

/// The smallest terminal the TUI draws into (columns, rows); below it a notice says so.
pub const MIN: (u16, u16) = (60, 15);
