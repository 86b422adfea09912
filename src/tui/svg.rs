//! A terminal buffer as an SVG image, for the README's screenshot: each run of cells with
//! the same style becomes one `<text>` (and one background `<rect>` when it has one), in a
//! dark terminal palette. Pure; the test in `ui/tests.rs` writes `assets/screenshot.svg`.

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use std::fmt::Write;

const CELL_W: f32 = 8.4;
const CELL_H: f32 = 18.0;
const BG: &str = "#1e1e2e";
const FG: &str = "#cdd6f4";

fn hex(c: Color, default: &'static str) -> String {
    let named = match c {
        Color::Reset => default,
        Color::Black => "#45475a",
        Color::Red => "#f38ba8",
        Color::Green => "#a6e3a1",
        Color::Yellow => "#f9e2af",
        Color::Blue => "#4c6ef5",
        Color::Magenta => "#f5c2e7",
        Color::Cyan => "#89dceb",
        Color::Gray => "#bac2de",
        Color::DarkGray => "#585b70",
        Color::LightRed => "#ff9e9e",
        Color::LightGreen => "#b9f6b4",
        Color::LightYellow => "#fff2c0",
        Color::LightBlue => "#a5c8ff",
        Color::LightMagenta => "#f8d5f0",
        Color::LightCyan => "#b5f0fa",
        Color::White => "#ffffff",
        Color::Rgb(r, g, b) => return format!("#{r:02x}{g:02x}{b:02x}"),
        Color::Indexed(_) => default,
    };
    named.to_string()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The buffer as a standalone SVG document.
pub fn render(buf: &Buffer) -> String {
    let area = buf.area;
    let (w, h) = (area.width as f32 * CELL_W, area.height as f32 * CELL_H);
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0}" height="{h:.0}" viewBox="0 0 {w:.0} {h:.0}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="14">"#
    );
    let _ = writeln!(out, r#"<rect width="100%" height="100%" fill="{BG}"/>"#);
    for y in 0..area.height {
        let mut x = 0;
        while x < area.width {
            let cell = &buf[(area.x + x, area.y + y)];
            let style = (cell.fg, cell.bg, cell.modifier);
            let start = x;
            let mut text = String::new();
            while x < area.width {
                let c = &buf[(area.x + x, area.y + y)];
                if (c.fg, c.bg, c.modifier) != style {
                    break;
                }
                text.push_str(c.symbol());
                x += 1;
            }
            run(&mut out, start, y, &text, style);
        }
    }
    out.push_str("</svg>\n");
    out
}

fn run(out: &mut String, x: u16, y: u16, text: &str, (fg, bg, m): (Color, Color, Modifier)) {
    let (mut fg, mut bg) = (hex(fg, FG), hex(bg, BG));
    if m.contains(Modifier::REVERSED) {
        std::mem::swap(&mut fg, &mut bg);
    }
    let px = x as f32 * CELL_W;
    let py = y as f32 * CELL_H;
    let width = text.chars().count() as f32 * CELL_W;
    if bg != BG {
        let _ = writeln!(
            out,
            r#"<rect x="{px:.1}" y="{py:.1}" width="{width:.1}" height="{CELL_H}" fill="{bg}"/>"#
        );
    }
    if text.trim().is_empty() {
        return;
    }
    let weight = if m.contains(Modifier::BOLD) {
        r#" font-weight="bold""#
    } else {
        ""
    };
    let base = py + CELL_H * 0.75;
    let _ = writeln!(
        out,
        r#"<text x="{px:.1}" y="{base:.1}" fill="{fg}"{weight} xml:space="preserve" textLength="{width:.1}" lengthAdjust="spacingAndGlyphs">{}</text>"#,
        escape(text)
    );
}
