//! The system clipboard (front-end side): copy a value marked as secret and clear it later,
//! but only if the clipboard still holds that value. Used by `get --copy` (through the
//! background holder of `cli/clipboard_hold.rs`) and by the TUI.
//!
//! What is kept of an offered value: a salted SHA-256 digest, never the value itself. Text
//! read back from the clipboard to compare is zeroized. arboard keeps its own copy of the
//! text while it serves the selection; that copy is gone when the selection is cleared or
//! lost and the process exits.
//!
//! X11 and Wayland clipboards are served by the process that set them: the value is pasteable
//! only while the owning process lives. Short-lived commands therefore hand the value to a
//! holder process (see [`Clipboard::hold`]). The library never imports this module.

use crate::SecretValue;
use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use std::time::{Duration, Instant};
use zeroize::Zeroizing;

/// How often [`Clipboard::hold`] re-checks that the clipboard still holds our value.
const POLL: Duration = Duration::from_millis(250);

/// The system clipboard, remembering only a digest of what we offered.
pub struct Clipboard {
    inner: arboard::Clipboard,
    offered: Option<Offer>,
}

impl Clipboard {
    /// Connects to the clipboard: the X11 (or XWayland) display on Linux, the pasteboard on
    /// macOS, the clipboard on Windows. Fails naming DISPLAY/WAYLAND_DISPLAY when there is none.
    pub fn open() -> Result<Clipboard> {
        if cfg!(target_os = "linux")
            && std::env::var_os("DISPLAY").is_none_or(|d| d.is_empty())
            && std::env::var_os("WAYLAND_DISPLAY").is_none_or(|d| d.is_empty())
        {
            anyhow::bail!(
                "no clipboard: neither DISPLAY nor WAYLAND_DISPLAY is set (no graphical session); \
                 run this in a desktop session, or print the value with `devvault get` instead"
            );
        }
        let inner = arboard::Clipboard::new().context(
            "cannot open the clipboard (is the display in DISPLAY/WAYLAND_DISPLAY running \
             and reachable?)",
        )?;
        Ok(Clipboard {
            inner,
            offered: None,
        })
    }

    /// Puts the value on the clipboard, marked as secret for clipboard managers and history.
    /// The process must stay alive to serve it on X11 (the TUI does; `get --copy` uses
    /// [`Clipboard::hold`] in a background process).
    pub fn copy(&mut self, value: &SecretValue) -> Result<()> {
        self.offered = Some(Offer::new(value.expose_secret()));
        secret_set(self.inner.set())
            .text(value.expose_secret())
            .context("cannot copy to the clipboard")
    }

    /// Copies the value and serves it until `deadline`, then clears it if it is still ours.
    /// Returns early, without clearing, as soon as another program takes the clipboard.
    /// Returns whether it cleared. This is what keeps an X11 selection alive.
    pub fn hold(&mut self, value: &SecretValue, deadline: Instant) -> Result<bool> {
        self.offered = Some(Offer::new(value.expose_secret()));
        let set = secret_set(self.inner.set());
        // On X11 this blocks until the deadline or until another owner takes the selection.
        #[cfg(all(
            unix,
            not(any(target_os = "macos", target_os = "android", target_os = "emscripten"))
        ))]
        let set = arboard::SetExtLinux::wait_until(set, deadline);
        set.text(value.expose_secret())
            .context("cannot copy to the clipboard")?;
        loop {
            let now = Instant::now();
            if now >= deadline {
                return self.clear_if_ours();
            }
            if !self.holds_ours() {
                self.offered = None;
                return Ok(false);
            }
            std::thread::sleep(POLL.min(deadline - now));
        }
    }

    /// Clears the clipboard only if it still holds the value we offered (another program may
    /// have put something else there since). Returns whether it cleared.
    pub fn clear_if_ours(&mut self) -> Result<bool> {
        if !self.holds_ours() {
            return Ok(false);
        }
        self.inner.clear().context("cannot clear the clipboard")?;
        self.offered = None;
        Ok(true)
    }

    /// Whether the clipboard holds the value we offered last.
    #[allow(
        dead_code,
        reason = "the TUI's API; used here through clear_if_ours and hold"
    )]
    pub fn holds_ours(&mut self) -> bool {
        match &self.offered {
            Some(offer) => current_matches(&mut self.inner, offer),
            None => false,
        }
    }

    /// Whether the clipboard holds this value (whoever put it there).
    pub fn holds(&mut self, value: &SecretValue) -> bool {
        current_matches(&mut self.inner, &Offer::new(value.expose_secret()))
    }
}

/// Whether the clipboard's text is the offered value; the text read is zeroized.
fn current_matches(inner: &mut arboard::Clipboard, offer: &Offer) -> bool {
    match inner.get_text() {
        Ok(text) => offer.matches(&Zeroizing::new(text)),
        Err(_) => false,
    }
}

impl Drop for Clipboard {
    fn drop(&mut self) {
        let _ = self.clear_if_ours();
    }
}

/// Marks an offer as secret: no clipboard history or manager should keep it.
fn secret_set(set: arboard::Set<'_>) -> arboard::Set<'_> {
    #[cfg(all(
        unix,
        not(any(target_os = "macos", target_os = "android", target_os = "emscripten"))
    ))]
    let set = arboard::SetExtLinux::exclude_from_history(set);
    #[cfg(windows)]
    let set = arboard::SetExtWindows::exclude_from_monitoring(set);
    set
}

/// A salted SHA-256 digest of an offered value: enough to recognise it, not to recover it.
struct Offer {
    salt: [u8; 16],
    digest: [u8; 32],
}

impl Offer {
    fn new(value: &str) -> Offer {
        let mut salt = [0u8; 16];
        // The digest never leaves this process: with a failing random source the salt stays
        // zero, which only leaves it unsalted in memory, so no error is needed here.
        let _ = crate::crypto::fill_random(&mut salt);
        let digest = Self::digest(&salt, value);
        Offer { salt, digest }
    }

    fn digest(salt: &[u8; 16], value: &str) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(salt);
        h.update(value.as_bytes());
        h.finalize().into()
    }

    fn matches(&self, text: &str) -> bool {
        Self::digest(&self.salt, text) == self.digest
    }
}

#[cfg(test)]
mod tests {
    use super::{Clipboard, Offer};
    use crate::SecretValue;
    use std::io::Write;
    use std::process::{Command, Stdio};

    fn paste() -> String {
        let out = Command::new("xclip")
            .args(["-o", "-selection", "clipboard"])
            .stderr(Stdio::null())
            .output()
            .expect("xclip not found: apt-get install xclip");
        String::from_utf8(out.stdout).unwrap()
    }

    /// The TUI's API against the real display: copy, recognise, leave others' text alone.
    #[test]
    fn copy_and_clear_if_ours_on_a_real_display() {
        assert!(
            std::env::var_os("DISPLAY").is_some_and(|d| !d.is_empty()),
            "DISPLAY is not set: run under `.ci/x-session` (apt-get install xvfb xauth xclip)"
        );
        let mut clip = Clipboard::open().unwrap();
        clip.copy(&SecretValue::from("tui välue 1")).unwrap();
        assert!(clip.holds_ours());
        assert_eq!(paste(), "tui välue 1");
        assert!(clip.clear_if_ours().unwrap());
        assert_eq!(paste(), "");
        assert!(!clip.clear_if_ours().unwrap(), "nothing of ours is left");

        clip.copy(&SecretValue::from("tui välue 2")).unwrap();
        let mut other = Command::new("xclip")
            .args(["-quiet", "-selection", "clipboard", "-i"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        other.stdin.take().unwrap().write_all(b"other").unwrap();
        let start = std::time::Instant::now();
        while paste() != "other" && start.elapsed().as_secs() < 3 {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert!(!clip.holds_ours());
        assert!(!clip.clear_if_ours().unwrap());
        drop(clip);
        assert_eq!(
            paste(),
            "other",
            "neither clear_if_ours nor Drop touched it"
        );
        other.kill().unwrap();
        other.wait().unwrap();
    }

    #[test]
    fn offer_matches_only_its_value() {
        let offer = Offer::new("s3cret value ✓");
        assert!(offer.matches("s3cret value ✓"));
        assert!(!offer.matches("s3cret value"));
        assert!(!offer.matches("s3cret value ✓ "));
        assert!(!offer.matches(""));
    }

    #[test]
    fn offers_of_one_value_are_salted_apart() {
        let a = Offer::new("same");
        let b = Offer::new("same");
        assert_ne!(a.salt, b.salt);
        assert_ne!(a.digest, b.digest);
        assert!(a.matches("same") && b.matches("same"));
    }
}
