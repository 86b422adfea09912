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

/// `label ••••••▏` or the text when shown; the cursor bar when focused. Always one line in
/// a box `box_w` columns wide: a long value (a PEM) shows the part around the cursor, so
/// the form keeps its help line.
fn secret_line(
    label: &str,
    input: &SecretInput,
    (shown, focused): (bool, bool),
    box_w: u16,
) -> Line<'static> {
    // Inside the border, after the label, room for the cursor bar.
    let field_w = usize::from(box_w).saturating_sub(2 + 13 + 1).max(16);
    let n = input.chars();
    let mut chars: Vec<char> = if shown {
        input
            .expose()
            .chars()
            .map(|c| if c == '\n' { '⏎' } else { c })
            .collect()
    } else {
        vec!['•'; n]
    };
    let mut cursor = input.cursor();
    if n > field_w {
        let suffix: Vec<char> = format!(" ({n} chars)").chars().collect();
        let room = field_w.saturating_sub(suffix.len()).max(1);
        let start = cursor
            .saturating_sub(room.saturating_sub(1))
            .min(n - room.min(n));
        chars = chars[start..(start + room).min(n)].to_vec();
        cursor -= start;
        chars.extend(suffix);
    }
    if focused {
        chars.insert(cursor.min(chars.len()), '▏');
    }
    let text: String = chars.into_iter().collect();
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
    let w = width.unwrap_or_else(|| {
        lines
            .iter()
            .map(|l| l.width() as u16 + 4)
            .max()
            .unwrap_or(20)
            .clamp(30, 76)
    });
    // Room for every line as wrapped (a word-wrapped line may take one more), so an
    // error or a question is never cut.
    let inner_w = w.min(area.width).saturating_sub(2).max(1);
    let wrapped: u16 = lines
        .iter()
        .map(|l| match l.width() as u16 {
            n if n <= inner_w => 1,
            n => n.div_ceil(inner_w) + 1,
        })
        .sum();
    let h = (wrapped + 2).min(area.height);
    let inner = boxed(centered(area, w, h), buf, title, theme);
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .render(inner, buf);
}

/// First run: create the vault.
pub fn welcome(app: &App, w: &Welcome, area: Rect, buf: &mut Buffer, theme: Theme) {
    let acceptable = crate::passphrase_policy::rate(w.pass.expose()).acceptable();
    let mut lines = vec![
        Line::styled("Welcome to devvault", theme.title()),
        Line::raw(""),
        Line::raw("Your secrets will live encrypted in"),
        Line::styled(format!("  {}", app.cfg.vault_path), theme.dim()),
        Line::raw("Choose a passphrase: four or more random words work well."),
        Line::raw(""),
        secret_line(
            "Passphrase",
            &w.pass,
            (false, w.focus == 0),
            area.width.min(64),
        ),
        secret_line(
            "Repeat",
            &w.repeat,
            (false, w.focus == 1),
            area.width.min(64),
        ),
        Line::styled(
            format!("{:>11}  {}", "strength:", strength(w.pass.expose())),
            if acceptable {
                theme.ok()
            } else {
                theme.error()
            },
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
    lines.push(secret_line(
        "Passphrase",
        &u.pass,
        (false, true),
        body.width.min(52),
    ));
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
    if area.height < help_rows().count() as u16 + 4 {
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
    lines.push(Line::styled(
        "Ctrl-Z suspends to the shell (fg comes back)",
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
            FieldValue::Secret { input, shown } => {
                secret_line(field.label, input, (*shown, focused), area.width.min(64))
            }
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
    if f.confirm_empty {
        lines.push(Line::styled(f.empty_question(), theme.error()));
    } else if let Some(e) = &f.error {
        lines.push(Line::styled(e.clone(), theme.error()));
    }
    let hints: Vec<String> = f
        .hints()
        .iter()
        .map(|(k, what)| format!("{k} {what}"))
        .collect();
    lines.push(Line::styled(hints.join(" · "), theme.dim()));
    lines_box(area, buf, &f.title(), lines, Some(64), theme);
}
