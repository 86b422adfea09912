//! Positionals clap cannot express alone: `[SCOPE] <KEY> <NEW>` (an optional scope before two
//! required names; clap allows one optional positional only right before the last required
//! one). The three are declared optional, clap fills them in order, and [`scope_first`] moves
//! them so that the scope is the one left out. `[SCOPE] <KEY>` needs none of this
//! (`allow_missing_positional`), except that clap then refuses a positional after an option
//! (`get app/dev -n KEY`): [`options_last`] moves the options after the positionals for a
//! second try.

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

/// The command line with the leaf subcommand's options moved after its positionals (each
/// option with its value; everything from `--` on stays last), when clap refused a word
/// that is not an option and the order changes anything; None otherwise.
pub fn options_last(e: &clap::Error) -> Option<Vec<String>> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let stray_word = matches!(
        e.get(ContextKind::InvalidArg),
        Some(ContextValue::String(s)) if !s.starts_with('-')
    );
    if e.kind() != ErrorKind::UnknownArgument || !stray_word {
        return None;
    }
    let args: Vec<String> = std::env::args_os()
        .map(|a| a.into_string().ok())
        .collect::<Option<_>>()?;
    let mut cli = <super::Cli as clap::CommandFactory>::command();
    cli.build();
    let moved = move_options(&cli, &args)?;
    (moved != args).then_some(moved)
}

/// [`options_last`] over `args` (`args[0]` is the program).
fn move_options(cli: &clap::Command, args: &[String]) -> Option<Vec<String>> {
    let (mut cmd, mut i) = (cli, 1);
    // The global options and the subcommand path stay as they are.
    while let Some(w) = args.get(i) {
        if w == "--" {
            return None;
        }
        if w.starts_with('-') {
            i += 1 + usize::from(value_follows(cmd, w, args.get(i + 1)));
            continue;
        }
        match cmd.find_subcommand(w) {
            Some(sub) => (cmd, i) = (sub, i + 1),
            None if cmd.get_name() == cli.get_name() => return None,
            None => break,
        }
    }
    let (mut words, mut options) = (Vec::new(), Vec::new());
    let mut rest = args[i..].iter();
    while let Some(w) = rest.next() {
        if w == "--" {
            options.push(w.clone());
            options.extend(rest.cloned());
            break;
        }
        if w.len() > 1 && w.starts_with('-') {
            options.push(w.clone());
            if value_follows(cmd, w, rest.as_slice().first()) {
                options.extend(rest.next().cloned());
            }
        } else {
            words.push(w.clone());
        }
    }
    Some([&args[..i], &words[..], &options[..]].concat())
}

/// Whether the option word `w` of `cmd` takes the next word as its value: an option that
/// needs a value given without `=`, or one whose value is optional followed by a number
/// (`--generate 32`).
fn value_follows(cmd: &clap::Command, w: &str, next: Option<&String>) -> bool {
    let arg = match w.strip_prefix("--") {
        Some(long) if long.contains('=') => return false,
        Some(long) => cmd.get_arguments().find(|a| a.get_long() == Some(long)),
        None => {
            let shorts: Vec<char> = w.chars().skip(1).collect();
            // In a cluster (`-an`), only the last letter can take the next word.
            let Some(&last) = shorts.last() else {
                return false;
            };
            if shorts.len() > 1
                && cmd.get_arguments().any(|a| {
                    a.get_short()
                        .is_some_and(|c| shorts[..shorts.len() - 1].contains(&c))
                        && a.get_action().takes_values()
                })
            {
                return false;
            }
            cmd.get_arguments().find(|a| a.get_short() == Some(last))
        }
    };
    let Some(arg) = arg.filter(|a| a.get_action().takes_values()) else {
        return false;
    };
    let optional = arg.get_num_args().is_some_and(|n| n.min_values() == 0);
    match optional {
        false => next.is_some(),
        true => next.is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())),
    }
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

    fn moved(line: &str) -> Option<String> {
        let mut cli = <crate::cli::Cli as clap::CommandFactory>::command();
        cli.build();
        let args: Vec<String> = line.split(' ').map(str::to_string).collect();
        move_options(&cli, &args).map(|a| a.join(" "))
    }

    #[test]
    fn options_go_after_the_positionals_with_their_values() {
        assert_eq!(
            moved("dv get app/dev -n KEY").as_deref(),
            Some("dv get app/dev KEY -n")
        );
        assert_eq!(
            moved("dv --vault v.db rotate app/dev --note why KEY --generate 32").as_deref(),
            Some("dv --vault v.db rotate app/dev KEY --note why --generate 32")
        );
        assert_eq!(
            moved("dv import app/dev --from=pass store --prefix P").as_deref(),
            Some("dv import app/dev store --from=pass --prefix P")
        );
        assert_eq!(
            moved("dv run app/dev --allow-env PATH -- env -0").as_deref(),
            Some("dv run app/dev --allow-env PATH -- env -0")
        );
        assert_eq!(
            moved("dv scope cp app/dev --overwrite app/prod").as_deref(),
            Some("dv scope cp app/dev app/prod --overwrite")
        );
        assert_eq!(moved("dv nosuch a -n b"), None);
    }
}
