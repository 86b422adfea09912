//! Drawing the welcome and unlock screens, and the dialogs over the main screen (help,
//! confirmations, forms). Secret fields are drawn as dots unless toggled visible; the dot
//! count follows what was typed, never a stored value's length.

use super::super::app::App;
use super::super::dialog::{Dialog, FieldValue, Form};
use super::super::event::help_rows;
use super::super::gate::{Unlock, Welcome, strength};
use super::super::input::SecretInput;
use super::super::theme::Theme;
use super::render_header;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

/// A box of `w` x `h` centred in `area` (shrunk to fit).
fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

fn boxed(area: Rect, buf: &mut Buffer, title: &str, theme: Theme) -> Rect {
    Clear.render(area, buf);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border_focused())
        .title(Span::styled(format!(" {title} "), theme.title()));
    let inner = block.inner(area);
    block.render(area, buf);
    inner
}

/// `label ••••••▏` or the text when shown; the cursor bar when focused.
fn secret_line(label: &str, input: &SecretInput, shown: bool, focused: bool) -> Line<'static> {
    let mut text = if shown {
        input.expose().replace('\n', "⏎")
    } else {
        "•".repeat(input.chars())
    };
    if focused {
        let at = text
            .char_indices()
            .nth(input.cursor())
            .map_or(text.len(), |(i, _)| i);
        text.insert(at, '▏');
    }
    Line::from(vec![Span::raw(format!("{label:>11}: ")), Span::raw(text)])
}

/// A box sized to its lines (between 30 and 76 columns), or `width` wide when given.
fn lines_box(
    area: Rect,
    buf: &mut Buffer,
    title: &str,
    lines: Vec<Line>,
    width: Option<u16>,
    theme: Theme,
) {
    let h = (lines.len() as u16 + 2).min(area.height);
    let w = width.unwrap_or_else(|| {
        lines
            .iter()
            .map(|l| l.width() as u16 + 4)
            .max()
            .unwrap_or(20)
            .clamp(30, 76)
    });
    let inner = boxed(centered(area, w, h), buf, title, theme);
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .render(inner, buf);
}

/// First run: create the vault.
pub fn welcome(app: &App, w: &Welcome, area: Rect, buf: &mut Buffer, theme: Theme) {
    let (label, bits) = strength(w.pass.expose());
    let mut lines = vec![
        Line::styled("Welcome to devvault", theme.title()),
        Line::raw(""),
        Line::raw("Your secrets will live encrypted in"),
        Line::styled(format!("  {}", app.cfg.vault_path), theme.dim()),
        Line::raw("Choose a passphrase: four or more random words work well."),
        Line::raw(""),
        secret_line("Passphrase", &w.pass, false, w.focus == 0),
        secret_line("Repeat", &w.repeat, false, w.focus == 1),
        Line::styled(
            format!("{:>11}  {label} (~{bits} bits)", "strength:"),
            if bits < 40 { theme.error() } else { theme.ok() },
        ),
        Line::raw(""),
    ];
    lines.push(match (&w.error, w.busy) {
        (_, true) => Line::styled("creating the vault…", theme.ok()),
        (Some(e), _) => Line::styled(e.clone(), theme.error()),
        (None, _) => Line::styled("Tab switch field · Enter create · Esc quit", theme.dim()),
    });
    lines_box(area, buf, "New vault", lines, Some(64), theme);
}

/// The vault is locked.
pub fn unlock(app: &App, u: &Unlock, area: Rect, buf: &mut Buffer, theme: Theme) {
    let [header, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    render_header(app, header, buf, theme);
    let mut lines = Vec::new();
    if let Some(note) = &u.note {
        lines.push(Line::styled(note.clone(), theme.dim()));
        lines.push(Line::raw(""));
    }
    lines.push(secret_line("Passphrase", &u.pass, false, true));
    lines.push(Line::raw(""));
    lines.push(match (&u.error, u.busy) {
        (_, true) => Line::styled("unlocking…", theme.ok()),
        (Some(e), _) => Line::styled(e.clone(), theme.error()),
        (None, _) => Line::styled("Enter unlock · Esc quit", theme.dim()),
    });
    lines_box(body, buf, "Unlock", lines, Some(52), theme);
}

/// The open dialog.
pub fn dialog(app: &App, d: &Dialog, area: Rect, buf: &mut Buffer, theme: Theme) {
    let _ = app;
    match d {
        Dialog::Help => help(area, buf, theme),
        Dialog::Confirm(c) => {
            let lines = vec![
                Line::raw(c.text.clone()),
                Line::raw(""),
                Line::from(vec![
                    Span::styled("y", theme.key()),
                    Span::raw(" yes   "),
                    Span::styled("n", theme.key()),
                    Span::raw(" no"),
                ]),
            ];
            lines_box(area, buf, "Confirm", lines, None, theme);
        }
        Dialog::Form(f) => form(f, area, buf, theme),
        Dialog::History(_)
        | Dialog::Audit(_)
        | Dialog::Offer(_)
        | Dialog::Trash(_)
        | Dialog::Diff(_) => {}
    }
}

fn help(area: Rect, buf: &mut Buffer, theme: Theme) {
    if area.height < help_rows().count() as u16 + 3 {
        return help_compact(area, buf, theme);
    }
    let mut lines: Vec<Line> = help_rows()
        .map(|b| {
            Line::from(vec![
                Span::styled(format!("{:>15}  ", b.keys), theme.key()),
                Span::raw(b.help),
            ])
        })
        .collect();
    lines.push(Line::styled(
        "Forms: Tab next field · Ctrl-T show/hide · Enter save · Esc cancel",
        theme.dim(),
    ));
    lines_box(area, buf, "Keys", lines, None, theme);
}

/// The same keys as one wrapped paragraph, for short terminals.
fn help_compact(area: Rect, buf: &mut Buffer, theme: Theme) {
    let mut spans = Vec::new();
    for b in help_rows() {
        spans.push(Span::styled(b.keys.replace(' ', ""), theme.key()));
        let what = b
            .help
            .split([',', '(', ':'])
            .next()
            .unwrap_or(b.help)
            .trim();
        spans.push(Span::raw(format!(" {what} · ")));
    }
    let line = Line::from(spans);
    let inner_w = area.width.saturating_sub(4).max(10);
    // Wrapping at word boundaries wastes some of each line: allow a line of slack.
    let lines = line.width() as u16 / inner_w + 2;
    let paragraph = Paragraph::new(line).wrap(Wrap { trim: true });
    let h = (lines + 2).min(area.height);
    let inner = boxed(centered(area, inner_w + 2, h), buf, "Keys", theme);
    paragraph.render(inner, buf);
}

fn form(f: &Form, area: Rect, buf: &mut Buffer, theme: Theme) {
    let mut lines = Vec::new();
    for (i, field) in f.fields.iter().enumerate() {
        let focused = i == f.focus;
        let mut line = match &field.value {
            FieldValue::Text(t) => {
                let mut text = t.text().to_string();
                if focused {
                    let at = text
                        .char_indices()
                        .nth(t.cursor())
                        .map_or(text.len(), |(i, _)| i);
                    text.insert(at, '▏');
                }
                Line::from(vec![
                    Span::raw(format!("{:>11}: ", field.label)),
                    Span::raw(text),
                ])
            }
            FieldValue::Secret { input, shown } => secret_line(field.label, input, *shown, focused),
            FieldValue::Choice { options, idx } => {
                let mut spans = vec![Span::raw(format!("{:>11}: ", field.label))];
                for (j, o) in options.iter().enumerate() {
                    let style = if j == *idx {
                        theme.selected()
                    } else {
                        Style::new()
                    };
                    spans.push(Span::styled(format!(" {o} "), style));
                }
                Line::from(spans)
            }
        };
        if focused {
            line = line.patch_style(theme.key());
        }
        lines.push(line);
    }
    lines.push(Line::raw(""));
    lines.push(match &f.error {
        Some(e) => Line::styled(e.clone(), theme.error()),
        None => Line::styled(
            "Tab field · ←→ choose · ^T show/hide · Enter save · Esc cancel",
            theme.dim(),
        ),
    });
    lines_box(area, buf, &f.title(), lines, Some(64), theme);
}
