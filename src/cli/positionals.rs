//! Positionals clap cannot express alone: `[SCOPE] <KEY> <NEW>` (an optional scope before two
//! required names; clap allows one optional positional only right before the last required
//! one). The three are declared optional, clap fills them in order, and [`scope_first`] moves
//! them so that the scope is the one left out. `[SCOPE] <KEY>` needs none of this
//! (`allow_missing_positional`).

use anyhow::{Result, bail};
use std::process::ExitCode;

/// clap's own error, except for an extra word after `set`'s or `rotate`'s KEY: clap would
/// echo it, and it is most likely the value, so say why values are never taken there and
/// echo nothing (exit 2, as every usage error).
pub fn parse_failed(e: clap::Error) -> ExitCode {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let stray_word = matches!(
        e.get(ContextKind::InvalidArg),
        Some(ContextValue::String(s)) if !s.starts_with('-')
    );
    let takes_value = matches!(subcommand().as_deref(), Some("set" | "rotate"));
    if e.kind() == ErrorKind::UnknownArgument && stray_word && takes_value {
        crate::os::console::status!("error: {}", super::set::NO_ARGV);
        return ExitCode::from(2);
    }
    e.exit()
}

/// The subcommand's name: the first word that is neither an option nor a global option's
/// value.
fn subcommand() -> Option<String> {
    let mut words = std::env::args().skip(1);
    while let Some(w) = words.next() {
        match w.as_str() {
            "--vault" | "--lock-after" => {
                words.next();
            }
            w if w.starts_with('-') => {}
            w => return Some(w.to_string()),
        }
    }
    None
}

/// `[a, b, c]` as given: all three are `(Some(a), b, c)`, two are `(None, a, b)`; fewer is a
/// usage error naming what is missing (`names`, e.g. "KEY VERSION"), never what was given.
pub fn scope_first<'a>(
    given: [&'a Option<String>; 3],
    names: &str,
) -> Result<(Option<&'a str>, &'a str, &'a str)> {
    match given.map(Option::as_deref) {
        [Some(s), Some(a), Some(b)] => Ok((Some(s), a, b)),
        [Some(a), Some(b), None] => Ok((None, a, b)),
        _ => bail!(super::UsageError(format!(
            "missing arguments: give [SCOPE] {names} (see --help)"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scope_is_the_one_left_out() {
        let (s, a, b) = (Some("app".to_string()), Some("K".into()), Some("v3".into()));
        assert_eq!(
            scope_first([&s, &a, &b], "X").unwrap(),
            (Some("app"), "K", "v3")
        );
        assert_eq!(
            scope_first([&a, &b, &None], "X").unwrap(),
            (None, "K", "v3")
        );
        let err = scope_first([&a, &None, &None], "KEY VERSION").unwrap_err();
        assert!(err.to_string().contains("KEY VERSION"), "{err}");
    }
}
