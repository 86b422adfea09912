//! The bottom line and the message area above it, and the screen for a terminal that is too
//! small. The footer starts with `? help` and `q quit` on the main screen, then the keys that
//! work in the current mode (from the keymap table), as many whole hints as fit; the
//! clipboard countdown has its own place on the right. A message that does not fit beside
//! the first hints opens, wrapped, in a message area above the footer: never cut.

use super::super::app::{App, Mode, human};
use super::super::dialog::Dialog;
use super::super::event::BINDINGS;
use super::super::layout;
use super::super::msg::Action;
use super::super::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget, Wrap};

/// Hints that come first on the main screen, always.
const FIRST: [(&str, &str); 2] = [("?", "help"), ("q", "quit")];

/// The footer line.
pub fn render(app: &App, area: Rect, buf: &mut Buffer, theme: Theme) {
    let clip = clipboard(app);
    let clip_w = clip.as_ref().map_or(0, |s| s.width() as u16);
    let [left, right] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(clip_w)]).areas(area);
    if let Some(span) = clip {
        Line::from(span).render(right, buf);
    }
    let pairs = hints(app);
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    let status = app.status.as_ref();
    // With a short message, the first hints and the message; else every hint that fits
    // (the message, if any, opens above: see [`message`]).
    let budget = usize::from(left.width);
    let short = status.filter(|s| fits_beside(app, &s.text, usize::from(area.width)));
    let first = if app.mode() == Mode::Normal { 2 } else { 0 };
    let take = if short.is_some() { first } else { pairs.len() };
    for (k, what) in pairs.into_iter().take(take) {
        let w = k.chars().count() + what.chars().count() + 3;
        if used + w > budget {
            break;
        }
        used += w;
        spans.push(Span::styled(k.to_string(), theme.key()));
        spans.push(Span::styled(format!(" {what}  "), theme.dim()));
    }
    if let Some(s) = short {
        let style = if s.error { theme.error() } else { theme.ok() };
        spans.push(Span::styled(s.text.clone(), style));
    }
    Line::from(spans).render(left, buf);
}

/// Whether the message fits on a footer line `budget` columns wide, after the first hints
/// and beside the clipboard countdown.
fn fits_beside(app: &App, text: &str, budget: usize) -> bool {
    let first = if app.mode() == Mode::Normal { 17 } else { 1 };
    first + text.chars().count() < budget.saturating_sub(clip_width(app))
}

fn clip_width(app: &App) -> usize {
    clipboard(app).map_or(0, |s| s.width())
}

/// `clipboard: KEY clears in 25 s`, on the right while a copy is pending.
fn clipboard(app: &App) -> Option<Span<'static>> {
    let c = app.clip.as_ref()?;
    let left = c.until.saturating_duration_since(app.now);
    let secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
    let text = format!(
        "clipboard: {} clears in {} ",
        c.key,
        human(std::time::Duration::from_secs(secs))
    );
    Some(Span::raw(text))
}

/// A message too long for the footer line: wrapped in an area just above it.
pub fn message(app: &App, footer: Rect, buf: &mut Buffer, theme: Theme) {
    let Some(s) = &app.status else { return };
    if fits_beside(app, &s.text, usize::from(footer.width)) {
        return;
    }
    let width = footer.width.saturating_sub(2).max(1);
    let lines = (layout::wrapped_lines(&s.text, width) + 1).min(usize::from(footer.y));
    let lines = lines as u16;
    let area = Rect::new(footer.x, footer.y - lines, footer.width, lines);
    Clear.render(area, buf);
    let style = if s.error { theme.error() } else { theme.ok() };
    Paragraph::new(Line::styled(s.text.clone(), style))
        .wrap(Wrap { trim: true })
        .block(ratatui::widgets::Block::default().padding(ratatui::widgets::Padding::horizontal(1)))
        .render(area, buf);
}

/// The keys that work in the current mode, most useful first, as (key, what) pairs.
pub fn hints(app: &App) -> Vec<(&'static str, &'static str)> {
    match app.mode() {
        Mode::Filter => vec![
            ("type", "filter"),
            ("↑↓", "move"),
            ("⏎", "done"),
            ("Esc", "clear"),
        ],
        Mode::Text | Mode::Confirm => match &app.dialog {
            Some(Dialog::Form(f)) => f.hints(),
            _ => vec![("y", "yes"), ("n", "no")],
        },
        Mode::Overlay => vec![("any key", "close")],
        Mode::List => match &app.dialog {
            Some(Dialog::History(_)) => vec![
                ("↑↓", "move"),
                ("⏎", "reveal"),
                ("b", "roll back"),
                ("Esc", "close"),
            ],
            _ => vec![("↑↓", "move"), ("Esc", "close")],
        },
        Mode::Detail => vec![
            ("Esc", "close"),
            ("↑↓", "scroll"),
            ("c", "copy"),
            ("y", "copy name"),
        ],
        Mode::Normal => normal(app),
    }
}

/// `? help`, `q quit`, then the keymap's footer hints that can act now.
fn normal(app: &App) -> Vec<(&'static str, &'static str)> {
    let selected = app.selected().is_some();
    let mut out = FIRST.to_vec();
    out.extend(
        BINDINGS
            .iter()
            .filter(|b| !matches!(b.action, Action::Help | Action::Quit))
            .filter(|b| selected || !needs_selection(b.action))
            .filter_map(|b| b.footer)
            .filter_map(|f| f.split_once(' ')),
    );
    out
}

/// Actions that do nothing without a selected key.
fn needs_selection(a: Action) -> bool {
    matches!(
        a,
        Action::Reveal
            | Action::Copy
            | Action::CopyName
            | Action::Edit
            | Action::Rotate
            | Action::History
            | Action::Delete
    )
}

/// Below the smallest supported size: say so instead of drawing a broken screen.
pub fn too_small(area: Rect, buf: &mut Buffer, theme: Theme) {
    let (w, h) = layout::MIN;
    let text = format!(
        "terminal too small: need {w}x{h} (now {}x{})",
        area.width, area.height
    );
    Paragraph::new(Line::styled(text, theme.error()))
        .wrap(Wrap { trim: true })
        .render(area, buf);
}
