//! The X clipboard for the clipboard tests (of `get --copy` and of the TUI): checks that a
//! display and xclip are there, reads what another program would paste, and plays another
//! program that copies. Needs DISPLAY: run under `.ci/x-session` (xvfb xauth xclip).

use std::io::Write;
use std::process::{Child, Command, Stdio};

/// Fails, saying how to get one, when there is no X display or no xclip.
pub fn require_display() {
    let display = std::env::var("DISPLAY").unwrap_or_default();
    assert!(
        !display.is_empty(),
        "DISPLAY is not set: run the clipboard tests under a private X server, \
         `.ci/x-session cargo test` (apt-get install xvfb xauth xclip)"
    );
    let xclip = Command::new("xclip").arg("-version").output();
    assert!(xclip.is_ok(), "xclip not found: apt-get install xclip");
}

/// What another program pasting now would get (empty when nobody owns the clipboard).
pub fn paste() -> String {
    let out = Command::new("xclip")
        .args(["-o", "-selection", "clipboard"])
        .stderr(Stdio::null())
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

/// Another program copies `text`: xclip in the foreground (-quiet) serving it until the
/// returned child is killed.
pub fn other_program_copies(text: &str) -> Child {
    let mut xclip = Command::new("xclip")
        .args(["-quiet", "-selection", "clipboard", "-i"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = xclip.stdin.take().unwrap();
    stdin.write_all(text.as_bytes()).unwrap();
    xclip
}
