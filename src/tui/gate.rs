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
        if self.pass.chars() < 12 {
            return Err("choose a passphrase of at least 12 characters".into());
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

/// How strong a passphrase looks: a label and an estimate of its bits. A rough guide from
/// its length and the character classes used, not a guarantee.
pub fn strength(pass: &str) -> (&'static str, u32) {
    let classes = [
        pass.chars().any(|c| c.is_ascii_lowercase()),
        pass.chars().any(|c| c.is_ascii_uppercase()),
        pass.chars().any(|c| c.is_ascii_digit()),
        pass.chars().any(|c| !c.is_ascii_alphanumeric()),
    ];
    let pool: u32 = [26, 26, 10, 33]
        .iter()
        .zip(classes)
        .filter(|(_, used)| *used)
        .map(|(n, _)| n)
        .sum();
    let distinct = {
        let mut cs: Vec<char> = pass.chars().collect();
        cs.sort_unstable();
        cs.dedup();
        cs.len() as u32
    };
    // Repeated characters add little: count each distinct one fully, the rest at one bit.
    let len = pass.chars().count() as u32;
    let per_char = (pool.max(1) as f64).log2();
    let bits = (distinct as f64 * per_char) as u32 + (len - distinct);
    let label = match bits {
        0..=39 => "weak",
        40..=59 => "fair",
        60..=79 => "good",
        _ => "strong",
    };
    (label, bits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strength_grows_with_length_and_variety() {
        assert_eq!(strength("").0, "weak");
        assert_eq!(strength("aaaaaaaaaaaaaaaa").0, "weak");
        assert_eq!(strength("password12").0, "fair");
        assert_eq!(strength("correct horse battery staple").0, "strong");
        assert!(strength("Tr0ub4dor&3").1 > strength("troubador").1);
    }

    #[test]
    fn welcome_refuses_short_and_different() {
        let mut w = Welcome::default();
        w.edit(&Edit::Paste("short".into()));
        assert!(w.check().unwrap_err().contains("12 characters"));
        w.edit(&Edit::Paste(" but now long".into()));
        w.focus = 1;
        w.edit(&Edit::Paste("something else".into()));
        assert!(w.check().unwrap_err().contains("differ"));
        assert!(w.repeat.is_empty(), "the repeat field is cleared");
        w.edit(&Edit::Paste("short but now long".into()));
        assert_eq!(w.check(), Ok(()));
    }
}
