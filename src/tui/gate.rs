//! The screens before the vault is open: the welcome screen that creates a vault (the
//! passphrase twice, with a strength hint) and the unlock screen. Both use [`SecretInput`]
//! fields, so a typed passphrase never sits in a reallocated or unzeroed buffer.

use super::input::{Edit, SecretInput};

/// Creating the vault on first run.
#[derive(Debug)]
pub struct Welcome {
    /// The new passphrase.
    pub pass: SecretInput,
    /// The same again.
    pub repeat: SecretInput,
    /// 0: the passphrase field; 1: the repeat field.
    pub focus: usize,
    /// Why the last attempt was refused.
    pub error: Option<String>,
    /// Waiting for the vault to be created (Argon2id takes a moment).
    pub busy: bool,
}

impl Default for Welcome {
    fn default() -> Self {
        Welcome {
            pass: SecretInput::new(SecretInput::PASSPHRASE, false),
            repeat: SecretInput::new(SecretInput::PASSPHRASE, false),
            focus: 0,
            error: None,
            busy: false,
        }
    }
}

impl Welcome {
    /// Applies an edit to the focused field.
    pub fn edit(&mut self, edit: &Edit) {
        let field = if self.focus == 0 {
            &mut self.pass
        } else {
            &mut self.repeat
        };
        if !field.apply(edit) {
            self.error = Some("that passphrase is too long (1024 bytes at most)".into());
        }
    }

    /// Checks both fields; on success the caller takes the passphrase from `pass`.
    pub fn check(&mut self) -> Result<(), String> {
        // The one passphrase rule of the CLI and the TUI (the TUI has no --allow-weak).
        let rating = crate::passphrase_policy::rate(self.pass.expose());
        if !rating.acceptable() {
            return Err(format!(
                "too guessable ({}); choose four or more random words",
                strength(self.pass.expose())
            ));
        }
        if self.pass.expose() != self.repeat.expose() {
            self.repeat.wipe();
            self.focus = 1;
            return Err("the two passphrases differ; type the second one again".into());
        }
        Ok(())
    }
}

/// Asking for the passphrase of an existing vault.
#[derive(Debug)]
pub struct Unlock {
    /// The passphrase being typed.
    pub pass: SecretInput,
    /// A wrong passphrase, or why the vault was locked.
    pub error: Option<String>,
    /// A note shown above the field (e.g. "locked after 5 min idle").
    pub note: Option<String>,
    /// Waiting for Argon2id.
    pub busy: bool,
}

impl Unlock {
    /// An empty unlock screen with an optional note.
    pub fn new(note: Option<String>) -> Self {
        Unlock {
            pass: SecretInput::new(SecretInput::PASSPHRASE, false),
            error: None,
            note,
            busy: false,
        }
    }
}

/// How strong a passphrase looks, from the core's one rule ([`crate::passphrase_policy`]):
/// zxcvbn's label, score and guesses, e.g. "weak, 1/4, ~10^4 guesses".
pub fn strength(pass: &str) -> String {
    let r = crate::passphrase_policy::rate(pass);
    format!(
        "{}, {}/4, ~10^{} guesses",
        r.label(),
        r.score,
        r.guesses_log10.round() as u32
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strength_is_the_cores_zxcvbn_rating() {
        assert_eq!(strength(""), "very weak, 0/4, ~10^0 guesses");
        assert!(strength("password").starts_with("very weak, 0/4"));
        assert!(strength("aaaaaaaaaaaaaaaa").contains("weak"));
        assert!(strength("pelican vortex umbra gravel").contains("4/4"));
    }

    #[test]
    fn welcome_refuses_short_and_different() {
        let mut w = Welcome::default();
        w.edit(&Edit::Paste("password".into()));
        assert!(w.check().unwrap_err().contains("too guessable"));
        w.edit(&Edit::Paste(" pelican vortex umbra".into()));
        w.focus = 1;
        w.edit(&Edit::Paste("something else".into()));
        assert!(w.check().unwrap_err().contains("differ"));
        assert!(w.repeat.is_empty(), "the repeat field is cleared");
        w.edit(&Edit::Paste("password pelican vortex umbra".into()));
        assert_eq!(w.check(), Ok(()));
    }
}
