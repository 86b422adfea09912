//! Drawing the scope views: a question with its answers (wrapped, never cut), the trash of
//! a scope (removed keys with their last version), and two environments compared by key
//! name. Reads the model only.

use super::super::app::App;
use super::super::offer::Offer;
use super::super::scopes::{DiffView, TrashView};
use super::super::theme::Theme;
use super::devvault_age;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

/// A bordered box of `w` x `h` centred in `area`; returns its inside.
fn boxed(area: Rect, w: u16, h: u16, title: &str, theme: Theme, buf: &mut Buffer) -> Rect {
    let (w, h) = (w.min(area.width), h.min(area.height));
    let rect = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    Clear.render(rect, buf);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border_focused())
        .title(Span::styled(format!(" {title} "), theme.title()));
    let inner = block.inner(rect);
    block.render(rect, buf);
    inner
}

/// How many rows `text` takes wrapped at `width` columns (words kept whole).
fn wrapped_rows(text: &str, width: u16) -> u16 {
    let width = usize::from(width.max(1));
    let (mut rows, mut col) = (1u16, 0usize);
    for word in text.split(' ') {
        let w = word.chars().count();
        if col > 0 && col + 1 + w > width {
            rows += 1;
            col = 0;
        }
        col += if col > 0 { 1 + w } else { w };
        while col > width {
            rows += 1;
            col -= width;
        }
    }
    rows
}

/// A question: its text wrapped, then `y yes  n no`.
pub fn offer(o: &Offer, area: Rect, buf: &mut Buffer, theme: Theme) {
    let w = area.width.saturating_sub(4).clamp(20, 76);
    let rows = wrapped_rows(&o.text, w - 2);
    let inner = boxed(area, w, rows + 4, "Confirm", theme, buf);
    let [text, keys] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    Paragraph::new(o.text.clone())
        .wrap(Wrap { trim: true })
        .render(text, buf);
    Line::from(vec![
        Span::styled("y", theme.key()),
        Span::raw(" yes   "),
        Span::styled("n", theme.key()),
        Span::raw(" no"),
    ])
    .render(keys, buf);
}

/// Most of the screen for a list, with a hint line at the bottom; returns the list area.
fn list_frame(area: Rect, title: &str, hint: &str, theme: Theme, buf: &mut Buffer) -> Rect {
    let w = area.width.saturating_sub(4).max(20);
    let h = area.height.saturating_sub(4).max(5);
    let inner = boxed(area, w, h, title, theme, buf);
    let [list, hint_area] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    Line::styled(hint.to_string(), theme.dim()).render(hint_area, buf);
    list
}

/// The selected row's marker (the selection shows without colour too).
fn mark(selected: bool) -> &'static str {
    if selected { "› " } else { "  " }
}

/// Rows `first..` that fit, `sel` visible.
fn first_row(sel: usize, height: u16) -> usize {
    (sel + 1).saturating_sub(usize::from(height.max(1)))
}

/// A scope's removed keys, restorable.
pub fn trash(app: &App, t: &TrashView, area: Rect, buf: &mut Buffer, theme: Theme) {
    let title = format!("Trash of {}", t.scope);
    let hint = "⏎/b restore · ↑↓ move · Esc close";
    let list = list_frame(area, &title, hint, theme, buf);
    let first = first_row(t.sel, list.height);
    for (row, (i, item)) in t
        .items
        .iter()
        .enumerate()
        .skip(first)
        .take(usize::from(list.height))
        .enumerate()
    {
        let age = devvault_age(app.unix_now - item.updated);
        let text = format!("{}{}  v{}  {age}", mark(i == t.sel), item.key, item.version);
        let style = if i == t.sel {
            theme.selected()
        } else {
            ratatui::style::Style::new()
        };
        let at = Rect::new(list.x, list.y + row as u16, list.width, 1);
        Line::styled(text, style).render(at, buf);
    }
}

/// Two environments by key name: `<` only in the first, `>` only in the second, `~`
/// different values, `=` the same.
pub fn diff(d: &DiffView, area: Rect, buf: &mut Buffer, theme: Theme) {
    let title = format!("{} vs {}", d.a, d.b);
    let hint = "< only left  > only right  ~ differs  = same";
    let list = list_frame(area, &title, hint, theme, buf);
    if d.rows.is_empty() {
        Line::styled("both are empty", theme.dim()).render(list, buf);
        return;
    }
    let first = first_row(d.sel, list.height);
    for (row, (i, (mark, key))) in d
        .rows
        .iter()
        .enumerate()
        .skip(first)
        .take(usize::from(list.height))
        .enumerate()
    {
        let style = if i == d.sel {
            theme.selected()
        } else {
            ratatui::style::Style::new()
        };
        let at = Rect::new(list.x, list.y + row as u16, list.width, 1);
        let text = format!("{}{mark} {key}", self::mark(i == d.sel));
        Line::styled(text, style).render(at, buf);
    }
}
