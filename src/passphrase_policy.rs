//! The one passphrase rule of the command line and the terminal UI: zxcvbn's estimate of how
//! many guesses a cracker needs (Dropbox's estimator: dictionaries, common passwords, names,
//! keyboard walks, dates, repeats, l33t), and one threshold, [`MIN_SCORE`]. A new passphrase
//! below it is refused unless the user allows a weak one (`--allow-weak`). Pure: no I/O.
//!
//! zxcvbn looks at the first 100 characters; it copies them into its own buffers, which are
//! not zeroized (the passphrase itself stays in its zeroizing type).

use crate::{Error, Result};

/// The lowest zxcvbn score (0 to 4) a new passphrase may have without `--allow-weak`: 3, "safely
/// unguessable", an estimated 10^8 guesses or more (before Argon2id makes each guess cost).
pub const MIN_SCORE: u8 = 3;

/// zxcvbn's estimate for a passphrase.
#[derive(Debug, Clone, PartialEq)]
pub struct Rating {
    /// zxcvbn's score, 0 (too guessable) to 4 (very unguessable).
    pub score: u8,
    /// log10 of the estimated number of guesses (0 for an empty passphrase).
    pub guesses_log10: f64,
    /// zxcvbn's warning, e.g. "This is a top-10 common password.".
    pub warning: Option<String>,
}

impl Rating {
    /// One word for the score.
    pub fn label(&self) -> &'static str {
        match self.score {
            0 => "very weak",
            1 => "weak",
            2 => "fair",
            3 => "strong",
            _ => "very strong",
        }
    }

    /// Whether the rule accepts it without `--allow-weak`.
    pub fn acceptable(&self) -> bool {
        self.score >= MIN_SCORE
    }

    /// The estimate as it is, e.g. "weak: about 10^4 guesses (zxcvbn score 1 of 4)".
    pub fn describe(&self) -> String {
        format!(
            "{}: about 10^{} guesses (zxcvbn score {} of 4)",
            self.label(),
            self.guesses_log10.max(0.0).round() as u32,
            self.score
        )
    }
}

/// zxcvbn's rating of `pass`.
pub fn rate(pass: &str) -> Rating {
    let entropy = zxcvbn::zxcvbn(pass, &[]);
    Rating {
        score: u8::from(entropy.score()),
        guesses_log10: entropy.guesses_log10().max(0.0),
        warning: entropy
            .feedback()
            .and_then(|f| f.warning())
            .map(|w| w.to_string()),
    }
}

/// The rule: a passphrase rated below [`MIN_SCORE`] is refused unless `allow_weak`; the
/// error gives the rating (never the passphrase) and the two ways on.
pub fn check(pass: &str, allow_weak: bool) -> Result<Rating> {
    let rating = rate(pass);
    if pass.is_empty() {
        return Err(Error::invalid(
            "the passphrase is empty",
            "choose four or more random words",
        ));
    }
    if rating.acceptable() || allow_weak {
        return Ok(rating);
    }
    let warning = rating
        .warning
        .as_deref()
        .map(|w| format!(" {w}"))
        .unwrap_or_default();
    Err(Error::invalid(
        format!(
            "the passphrase is {} (zxcvbn needs a score of {MIN_SCORE}).{warning}",
            rating.describe()
        ),
        "choose four or more random words, or pass --allow-weak to keep it",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_passwords_are_refused_and_random_words_pass() {
        for weak in ["password", "Password1", "aaaaaaaaaaaaaaaa", "qwertyuiop123"] {
            let err = check(weak, false).unwrap_err().to_string();
            assert!(err.contains("--allow-weak"), "{err}");
            assert!(
                !err.contains(&format!("`{weak}`")),
                "the input is quoted: {err}"
            );
            assert!(check(weak, true).is_ok());
        }
        assert!(check("", true).is_err(), "empty stays refused");
        for strong in ["pelican vortex umbra gravel", "test passphrase 1234"] {
            let r = check(strong, false).unwrap();
            assert!(r.score >= MIN_SCORE, "{strong}: {r:?}");
        }
    }

    #[test]
    fn the_rating_is_zxcvbns() {
        let r = rate("password");
        assert_eq!(r.score, 0);
        assert!(r.guesses_log10 < 1.0, "{r:?}");
        assert!(
            r.describe().contains("zxcvbn score 0 of 4"),
            "{}",
            r.describe()
        );
        assert!(r.warning.is_some());
        let long = rate(&"Xq7!pelican vortex umbra ".repeat(20));
        assert_eq!(long.score, 4);
    }
}
