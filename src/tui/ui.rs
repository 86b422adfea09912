//! The view: `impl Widget for &App` draws the whole screen from the model and reads nothing
//! else. The secrets table is virtualised: only the rows that fit are built, so a frame
//! costs the same at 100 secrets as at 100,000.

use super::app::{App, Focus, Screen};
use super::catalog::TreeRow;
use super::dialog::Dialog;
use super::layout;
use super::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, TableState, Widget};

mod detail;
mod dialogs;
mod footer;
mod scopes;
#[cfg(test)]
mod scopes_tests;
#[cfg(test)]
mod states_tests;
mod table;
#[cfg(test)]
mod tests;
mod views;

impl Widget for &App {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let theme = Theme::new(self.cfg.color);
        if area.width < layout::MIN.0 || area.height < layout::MIN.1 {
            return footer::too_small(area, buf, theme);
        }
        match &self.screen {
            Screen::Welcome(w) => dialogs::welcome(self, w, area, buf, theme),
            Screen::Unlock(u) => dialogs::unlock(self, u, area, buf, theme),
            Screen::Main => {
                let areas = layout::main((area.width, area.height), self.filter.is_some());
                render_header(self, areas.header, buf, theme);
                render_scopes(self, areas.scopes, buf, theme);
                render_table(self, areas.table, buf, theme);
                footer::render(self, areas.footer, buf, theme);
                match &self.dialog {
                    Some(Dialog::History(h)) => views::history(self, h, area, buf, theme),
                    Some(Dialog::Audit(v)) => views::audit(self, v, area, buf, theme),
                    Some(Dialog::Offer(o)) => scopes::offer(o, area, buf, theme),
                    Some(Dialog::Trash(t)) => scopes::trash(self, t, area, buf, theme),
                    Some(Dialog::Diff(d)) => scopes::diff(d, area, buf, theme),
                    Some(d) => dialogs::dialog(self, d, area, buf, theme),
                    None => {
                        if let Some(r) = &self.revealed {
                            detail::render(self, r, area, buf, theme);
                        }
                    }
                }
                footer::message(self, areas.footer, buf, theme);
            }
        }
    }
}

/// The top line: name, vault path, lock state.
pub fn render_header(app: &App, area: Rect, buf: &mut Buffer, theme: Theme) {
    let state = match app.screen {
        Screen::Main => Span::styled("● unlocked", theme.ok()),
        _ => Span::styled("○ locked", theme.dim()),
    };
    let line = Line::from(vec![
        Span::styled(" devvault ", theme.title()),
        Span::styled(app.cfg.vault_path.clone(), theme.dim()),
        Span::raw("  "),
        state,
    ]);
    line.render(area, buf);
}

fn pane_block(title: String, focused: bool, theme: Theme) -> Block<'static> {
    let block = Block::default().borders(Borders::ALL).title(title);
    if focused {
        block.border_style(theme.border_focused())
    } else {
        block
    }
}

fn render_scopes(app: &App, area: Rect, buf: &mut Buffer, theme: Theme) {
    let focused = app.focus == Focus::Scopes && app.filter.is_none();
    let block = pane_block(" Projects ".into(), focused, theme);
    let inner = block.inner(area);
    block.render(area, buf);
    let tree = app.catalog.tree();
    if tree.is_empty() {
        Paragraph::new(Line::styled("no projects: n", theme.dim())).render(inner, buf);
        return;
    }
    let first = layout::tree_offset(app.catalog.tree_row(app.scope_sel), area);
    for (i, row) in tree
        .iter()
        .skip(first)
        .take(inner.height as usize)
        .enumerate()
    {
        let line_area = Rect::new(inner.x, inner.y + i as u16, inner.width, 1);
        let line = match row {
            TreeRow::Project(s) => {
                let name = &app.catalog.scopes[*s].scope.project;
                Line::styled(format!("▾ {name}"), theme.header())
            }
            TreeRow::Env(s) => {
                let e = &app.catalog.scopes[*s];
                let text = match e.loaded {
                    true => format!("  {} ({})", e.scope.env, e.range.len()),
                    false => format!("  {} (…)", e.scope.env),
                };
                let style = match (*s == app.scope_sel, focused, app.filter.is_some()) {
                    (true, true, _) => theme.selected(),
                    (true, false, false) => theme.selected_unfocused(),
                    _ => ratatui::style::Style::new(),
                };
                Line::styled(format!("{text:<w$}", w = inner.width as usize), style)
            }
        };
        line.render(line_area, buf);
    }
}

fn table_title(app: &App) -> String {
    match &app.filter {
        Some(f) => {
            let cursor = if f.editing { "▏" } else { "" };
            format!(
                " / {}{cursor}  {} of {} ",
                f.input.text(),
                app.finder.hits().len(),
                app.catalog.secrets.len()
            )
        }
        None => {
            let by = match app.sort {
                super::sort::SortBy::Name => String::new(),
                other => format!("· by {} ", other.label()),
            };
            match app.current_scope() {
                Some(s) => match app.view_len() {
                    1 => format!(" {s} · 1 key {by}"),
                    n => format!(" {s} · {n} keys {by}"),
                },
                None => " Secrets ".into(),
            }
        }
    }
}

fn render_table(app: &App, area: Rect, buf: &mut Buffer, theme: Theme) {
    let focused = app.focus == Focus::Secrets || app.filter.is_some();
    let block = pane_block(table_title(app), focused, theme);
    let filtering = app.filter.is_some();
    let height = area.height.saturating_sub(3) as usize;
    let end = (app.offset + height).min(app.view_len());
    let col = table::widths(area.width.saturating_sub(2), filtering);
    let rows: Vec<Row> = (app.offset..end)
        .filter_map(|i| app.view_secret(i))
        .map(|idx| secret_row(app, idx, &col, theme))
        .collect();
    if rows.is_empty() {
        let inner = block.inner(area);
        block.render(area, buf);
        let hint = if filtering {
            "nothing matches; Esc clears the filter"
        } else if app.catalog.scopes.is_empty() {
            "no secrets yet: press n for a project, then a to add a key"
        } else {
            "no keys here: press a to add one"
        };
        Paragraph::new(Line::styled(hint, theme.dim()))
            .wrap(ratatui::widgets::Wrap { trim: true })
            .render(inner, buf);
        return;
    }
    let widths: Vec<Constraint> = col.iter().map(|&w| Constraint::Length(w)).collect();
    let mut header = vec!["KEY", "VALUE"];
    if filtering {
        header.insert(0, "SCOPE");
    }
    header.extend(["AGE", "VER", "DUE"]);
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(theme.header()))
        .block(block)
        .column_spacing(1)
        .row_highlight_style(if focused {
            theme.selected()
        } else {
            theme.selected_unfocused()
        });
    let mut state = TableState::default().with_selected(Some(app.cursor - app.offset));
    ratatui::widgets::StatefulWidget::render(table, area, buf, &mut state);
}

/// One row; `col` holds the column widths (a SCOPE column first while filtering). Values
/// are never drawn here: an empty one reads `(empty)`, any other is masked.
fn secret_row(app: &App, idx: usize, col: &[u16], theme: Theme) -> Row<'static> {
    let s = &app.catalog.secrets[idx];
    let value = match s.meta.empty {
        true => Cell::from(Span::styled("(empty)", theme.dim())),
        false => Cell::from("••••••••"),
    };
    let age = devvault_age(app.unix_now - s.meta.updated);
    let (due, overdue) = table::due(&s.meta, app.unix_now);
    let key_w = col[col.len() - 5];
    // An inherited key says from where, dimmed: `LOG ← app/base`.
    let key = match &s.meta.inherited_from {
        Some(from) => Line::from(vec![
            Span::raw(table::fit(s.meta.key.as_str(), key_w)),
            Span::styled(
                table::fit(
                    &format!(" ← {from}"),
                    key_w.saturating_sub(s.meta.key.as_str().chars().count() as u16),
                ),
                theme.dim(),
            ),
        ]),
        None => Line::from(table::fit(s.meta.key.as_str(), key_w)),
    };
    let mut cells = vec![
        Cell::from(key),
        value,
        Cell::from(Span::styled(age, theme.dim())),
        Cell::from(format!("v{}", s.meta.version)),
        Cell::from(Span::styled(
            due,
            if overdue { theme.error() } else { theme.dim() },
        )),
    ];
    if col.len() == 6 {
        let scope = app.catalog.scopes[s.scope as usize].scope.to_string();
        let scope = table::fit(&scope, col[0]);
        cells.insert(0, Cell::from(Span::styled(scope, theme.dim())));
    }
    Row::new(cells)
}

/// `12s`, `5m`, `3h`, `40d`, `2y`: an age in a 4-character column.
pub fn devvault_age(secs: i64) -> String {
    let s = secs.max(0);
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m", s / 60),
        3600..=86_399 => format!("{}h", s / 3600),
        86_400..=31_535_999 => format!("{}d", s / 86_400),
        _ => format!("{}y", s / 31_536_000),
    }
}
