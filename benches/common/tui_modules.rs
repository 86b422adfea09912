// The TUI's pure modules (model, view, filter, loader) and its test fixtures, compiled into
// a bench by path: the TUI lives in the binary crate. `include!`d by benches/tui.rs and
// benches/scale.rs.

#[path = "../../src/tui/app.rs"]
mod app;
#[path = "../../src/tui/catalog.rs"]
mod catalog;
#[path = "../../src/tui/dialog.rs"]
mod dialog;
#[path = "../../src/tui/event.rs"]
mod event;
#[path = "../../src/tui/filter.rs"]
mod filter;
#[path = "../../src/tui/gate.rs"]
mod gate;
#[path = "../../src/tui/input.rs"]
mod input;
#[path = "../../src/tui/loader.rs"]
mod loader;
#[path = "../../src/tui/msg.rs"]
mod msg;
#[path = "../../src/tui/theme.rs"]
mod theme;
#[path = "../../src/tui/ui.rs"]
mod ui;
#[path = "../../src/tui/views.rs"]
mod views;
#[path = "../../src/tui/test_support.rs"]
mod test_support;
