//! The detail pane of a revealed value: the whole value, hard-wrapped at the pane's width
//! and scrollable (a PEM keeps its lines; a long URL is never cut), with the key's version,
//! age, rotation state, note and URL above it. An empty value reads `(empty)`.

use super::super::app::{App, Revealed};
use super::super::layout;
use super::super::theme::Theme;
use super::devvault_age;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

/// Draws the pane over the main screen.
pub fn render(app: &App, r: &Revealed, area: Rect, buf: &mut Buffer, theme: Theme) {
    let size = (area.width, area.height);
    let pane = layout::detail(size);
    let Some(s) = app.catalog.secrets.get(r.secret) else {
        return;
    };
    let scope = &app.catalog.scopes[s.scope as usize].scope;
    Clear.render(pane, buf);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border_focused())
        .title(Span::styled(
            format!(" {} · {scope} ", s.meta.key),
            theme.title(),
        ));
    let inner = block.inner(pane);
    block.render(pane, buf);
    let value_area = layout::detail_value(size);
    let lines = wrap(r.value.expose_secret(), value_area.width);
    let head = Rect::new(inner.x, inner.y, inner.width, layout::DETAIL_HEAD);
    Paragraph::new(facts(app, r, lines.len(), inner.width, theme))
        .render(head.intersection(inner), buf);
    let body: Vec<Line> = if r.value.expose_secret().is_empty() {
        vec![Line::styled("(empty)", theme.dim())]
    } else {
        lines
            .iter()
            .skip(r.scroll)
            .take(usize::from(value_area.height))
            .map(|l| Line::styled(*l, theme.revealed()))
            .collect()
    };
    Paragraph::new(body).render(value_area, buf);
    let shown_to = (r.scroll + usize::from(value_area.height)).min(lines.len());
    let hint = format!(
        "Esc close · ↑↓ scroll · c copy · y name · {}-{shown_to} of {}",
        (r.scroll + 1).min(lines.len()),
        lines.len()
    );
    let hint_area = Rect::new(
        inner.x,
        inner.y + inner.height.saturating_sub(1),
        inner.width,
        1,
    );
    Line::styled(hint, theme.dim()).render(hint_area, buf);
}

/// Version and ages, rotation, note, URL, the value's size, then a rule.
fn facts(app: &App, r: &Revealed, lines: usize, width: u16, theme: Theme) -> Vec<Line<'static>> {
    let Some(s) = app.catalog.secrets.get(r.secret) else {
        return vec![];
    };
    let m = &s.meta;
    let age = |t: i64| devvault_age(app.unix_now - t);
    let (due, overdue) = super::table::due(m, app.unix_now);
    let rotated = match m.rotated_at {
        Some(t) => format!("rotated {} ago", age(t)),
        None => "never rotated".into(),
    };
    let rotation = match overdue {
        true => format!("overdue by {}", due.trim_end_matches(" over")),
        false => format!("due {due}"),
    };
    let label = |l: &str| Span::styled(format!("{l:>9}: "), theme.dim());
    let chars = r.value.expose_secret().chars().count();
    vec![
        Line::from(vec![
            label("version"),
            Span::raw(format!(
                "v{} · changed {} ago · created {} ago",
                m.version,
                age(m.updated),
                age(m.created)
            )),
        ]),
        Line::from(vec![
            label("rotation"),
            Span::styled(
                format!("{rotation}, max age {}d, {rotated}", m.max_age / 86_400),
                if overdue { theme.error() } else { theme.ok() },
            ),
        ]),
        Line::from(vec![
            label("note"),
            Span::raw(r.note.clone().unwrap_or_else(|| "(none)".into())),
        ]),
        Line::from(vec![
            label("url"),
            Span::raw(m.url.clone().unwrap_or_else(|| "(none)".into())),
        ]),
        Line::from(vec![
            label("value"),
            Span::raw(format!(
                "{chars} characters, {lines} line{}",
                if lines == 1 { "" } else { "s" }
            )),
        ]),
        Line::styled("─".repeat(usize::from(width)), theme.dim()),
    ]
}

/// The value cut into lines of at most `width` characters, at its own newlines and
/// wherever a line is longer (as [`layout::wrapped_lines`] counts them). Slices of the
/// value, never copies: a copy would be freed without being zeroized and outlive a lock.
fn wrap(value: &str, width: u16) -> Vec<&str> {
    let width = usize::from(width.max(1));
    let mut out = Vec::new();
    for line in value.split('\n') {
        let (mut start, mut n) = (0, 0);
        for (i, _) in line.char_indices() {
            if n == width {
                out.push(&line[start..i]);
                (start, n) = (i, 0);
            }
            n += 1;
        }
        out.push(&line[start..]);
    }
    out
}
