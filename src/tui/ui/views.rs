//! Drawing the list views over the main screen: a key's history (versions newest first,
//! with what made each, its note, and a revealed old value) and the audit log.

use super::super::app::App;
use super::super::lists::{AuditView, HistoryView};
use super::super::theme::Theme;
use super::devvault_age;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, Borders, Cell, Clear, Paragraph, Row, StatefulWidget, Table, TableState, Widget,
};

/// Most of the screen, leaving the header and footer visible.
fn frame(area: Rect) -> Rect {
    let w = area.width.saturating_sub(4).max(20).min(area.width);
    let h = area.height.saturating_sub(4).max(5).min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + 2.min(area.height - h),
        w,
        h,
    )
}

fn block(title: String, theme: Theme) -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border_focused())
        .title(Span::styled(title, theme.title()))
}

/// The rows that fit, scrolled so `sel` is visible.
fn window(sel: usize, len: usize, height: usize) -> std::ops::Range<usize> {
    let first = (sel + 1).saturating_sub(height.max(1));
    first..(first + height).min(len)
}

/// A key's versions.
pub fn history(app: &App, h: &HistoryView, area: Rect, buf: &mut Buffer, theme: Theme) {
    let area = frame(area);
    Clear.render(area, buf);
    let title = format!(" History of {} in {} ", h.key, h.scope);
    let b = block(title, theme);
    let inner = b.inner(area);
    b.render(area, buf);
    let [table_area, value_area, hint_area] = ratatui::layout::Layout::vertical([
        Constraint::Min(2),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    let shown = window(
        h.sel,
        h.versions.len(),
        table_area.height.saturating_sub(1) as usize,
    );
    let rows: Vec<Row> = h.versions[shown.clone()]
        .iter()
        .map(|v| {
            let mut what = v.change.as_str().to_string();
            if let Some(from) = v.restored_from {
                what.push_str(&format!(" of v{from}"));
            }
            if v.removed_at.is_some() {
                what.push_str(", removed");
            }
            let mark = if v.current { "●" } else { " " };
            Row::new(vec![
                Cell::from(format!("{mark} v{}", v.version)),
                Cell::from(Span::styled(
                    devvault_age(app.unix_now - v.created),
                    theme.dim(),
                )),
                Cell::from(what),
                Cell::from(v.note.clone().unwrap_or_default()),
            ])
        })
        .collect();
    let widths = [
        Constraint::Length(7),
        Constraint::Length(5),
        Constraint::Length(22),
        Constraint::Fill(1),
    ];
    let table = Table::new(rows, widths)
        .header(Row::new(["VERSION", "AGE", "MADE BY", "NOTE"]).style(theme.header()))
        .row_highlight_style(theme.selected());
    let mut state = TableState::default().with_selected(Some(h.sel - shown.start));
    StatefulWidget::render(table, table_area, buf, &mut state);
    let value = match &h.revealed {
        Some((v, value)) => Line::from(vec![
            Span::raw(format!("v{v}: ")),
            Span::styled(value.expose_secret().replace('\n', "⏎"), theme.revealed()),
        ]),
        None => {
            // Where the key is issued and revoked (`rotate --url`), if known.
            let url = app
                .catalog
                .find_scope(&h.scope)
                .and_then(|pos| app.catalog.find_secret(pos, h.key.as_str()))
                .and_then(|i| app.catalog.secrets[i].meta.url.clone());
            match url {
                Some(url) => Line::from(vec![
                    Span::styled("revoke old values at ", theme.dim()),
                    Span::styled(url, theme.key()),
                ]),
                None => Line::styled("values stay hidden until you press Enter", theme.dim()),
            }
        }
    };
    Paragraph::new(value).render(value_area, buf);
    Line::styled(
        "↑↓ move · Enter reveal · b roll back to it · Esc close",
        theme.dim(),
    )
    .render(hint_area, buf);
}

/// The audit log.
pub fn audit(app: &App, v: &AuditView, area: Rect, buf: &mut Buffer, theme: Theme) {
    let area = frame(area);
    Clear.render(area, buf);
    let title = format!(
        " Audit log · last {} days · {} events ",
        v.days,
        v.events.len()
    );
    let b = block(title, theme);
    let inner = b.inner(area);
    b.render(area, buf);
    if v.events.is_empty() {
        Paragraph::new(Line::styled("nothing recorded in this period", theme.dim()))
            .render(inner, buf);
        return;
    }
    let shown = window(
        v.sel,
        v.events.len(),
        inner.height.saturating_sub(1) as usize,
    );
    let what = |e: &crate::audit::AuditEvent| match (&e.scope, &e.key) {
        (Some(s), Some(k)) => format!("{s} {k}"),
        (Some(s), None) => s.clone(),
        _ => String::new(),
    };
    // WHAT takes what its longest shown entry needs (up to half the room); DETAIL the rest.
    let room = inner.width.saturating_sub(6 + 5 + 14 + 4);
    let what_w = v.events[shown.clone()]
        .iter()
        .map(|e| what(e).chars().count() as u16)
        .max()
        .unwrap_or(4)
        .clamp(4, (room / 2).max(4));
    let rows: Vec<Row> = v.events[shown.clone()]
        .iter()
        .map(|e| {
            let what = super::table::fit(&what(e), what_w);
            Row::new(vec![
                Cell::from(format!("#{}", e.seq)),
                Cell::from(Span::styled(devvault_age(app.unix_now - e.at), theme.dim())),
                Cell::from(e.kind.as_str()),
                Cell::from(what),
                Cell::from(Span::styled(
                    match (&e.detail, e.unverified) {
                        (Some(d), true) => format!("{d} (unverified)"),
                        (None, true) => "(unverified)".to_string(),
                        (d, false) => d.clone().unwrap_or_default(),
                    },
                    theme.dim(),
                )),
            ])
        })
        .collect();
    let widths = [
        Constraint::Length(6),
        Constraint::Length(5),
        Constraint::Length(14),
        Constraint::Length(what_w),
        Constraint::Fill(1),
    ];
    let table = Table::new(rows, widths)
        .header(Row::new(["#", "AGE", "EVENT", "WHAT", "DETAIL"]).style(theme.header()))
        .row_highlight_style(theme.selected());
    let mut state = TableState::default().with_selected(Some(v.sel - shown.start));
    StatefulWidget::render(table, inner, buf, &mut state);
}
