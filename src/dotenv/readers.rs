//! The forms a `.env` value can be written in, the dotenv readers an export is written for,
//! and a model of what each reader makes of a value in each form: read exactly, read
//! differently, run part of it as a command, or stop reading the file there. Pure; part of `dotenv`. The models are checked against the real
//! readers in `tests/readers.rs`; where a model is unsure it says "differs".

use super::is_py_space;

/// How a value is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Form {
    /// `'value'`.
    Single,
    /// `"value"` with LF as `\n` and CR as `\r`, nothing else escaped.
    Double,
    /// `value`, unquoted.
    Bare,
    /// `"..."` with `\\`, `\"`, `\r`, `\n` escaped: python-dotenv reads every value so.
    Escaped,
}

/// Whether python-dotenv reads `v` written in `form` back exactly.
pub(crate) fn python_exact(form: Form, v: &str) -> bool {
    match form {
        Form::Single => !v.contains(['\'', '\r']) && !v.contains("\\\\") && !v.ends_with('\\'),
        Form::Double => !v.contains('"') && backslashes_are_literal(v),
        Form::Bare => bare_ok(v),
        Form::Escaped => true,
    }
}

/// Inside double quotes python-dotenv decodes `\` + one of `\'"abfnrtv` and npm dotenv
/// decodes `\n` and `\r`; any other `\` is read literally by both. CR is written as `\r`.
fn backslashes_are_literal(v: &str) -> bool {
    let mut chars = v.chars();
    while let Some(c) = chars.next() {
        if c == '\\'
            && matches!(
                chars.clone().next(),
                None | Some(
                    '\\' | '\'' | '"' | 'a' | 'b' | 'f' | 'n' | 'r' | 't' | 'v' | '\r' | '\n'
                )
            )
        {
            return false;
        }
    }
    true
}

/// Whitespace that python-dotenv strips from an unquoted value or JavaScript's `trim()` does.
fn is_edge_space(c: char) -> bool {
    is_py_space(c) || c == '\u{feff}'
}

/// Whether python-dotenv and npm dotenv read `v` unquoted exactly.
pub(crate) fn bare_ok(v: &str) -> bool {
    let (Some(first), Some(last)) = (v.chars().next(), v.chars().next_back()) else {
        return false;
    };
    // U+2028/U+2029 are line ends for npm's multi-line `^`/`$`.
    !v.contains(['\n', '\r', '#', '\u{2028}', '\u{2029}'])
        && !matches!(first, '\'' | '"' | '`')
        && !is_edge_space(first)
        && !is_edge_space(last)
}

/// A program that reads `.env` files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reader {
    /// python-dotenv's `dotenv_values` / `load_dotenv` (the reference; always exact).
    PythonDotenv,
    /// python-dotenv's CLI `dotenv run`, which expands `${VAR}` even in single quotes.
    DotenvRun,
    /// npm `dotenv`.
    NpmDotenv,
    /// node's built-in parser: `node --env-file`, `process.loadEnvFile`.
    Node,
    /// `direnv dotenv` (`dotenv` in an `.envrc`).
    Direnv,
    /// Ruby's `dotenv` gem.
    RubyDotenv,
    /// `set -a; . ./.env` in bash or dash.
    Shell,
}

/// What a reader makes of one value, from best to worst.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// Reads back the same bytes.
    Exact,
    /// Reads other bytes (or no value) for this key; other keys are not affected.
    Differs,
    /// Runs part of the value as a command (`$(...)`, backticks, or a shell word).
    Executes,
    /// Stops reading the file there, or refuses the whole file.
    Stops,
}

impl Reader {
    /// Every reader, in the order warnings name them.
    pub const ALL: [Reader; 7] = [
        Reader::PythonDotenv,
        Reader::DotenvRun,
        Reader::NpmDotenv,
        Reader::Node,
        Reader::Direnv,
        Reader::RubyDotenv,
        Reader::Shell,
    ];

    /// The reader's name in warnings and the README.
    pub fn name(self) -> &'static str {
        match self {
            Reader::PythonDotenv => "python-dotenv's library",
            Reader::DotenvRun => "python-dotenv's `dotenv run`",
            Reader::NpmDotenv => "npm dotenv",
            Reader::Node => "node (--env-file, process.loadEnvFile)",
            Reader::Direnv => "direnv",
            Reader::RubyDotenv => "Ruby dotenv",
            Reader::Shell => "shell sourcing (bash, dash)",
        }
    }

    /// What this reader makes of `v` written in `form` after a key named `key`.
    pub(crate) fn reads(self, form: Form, key: &str, v: &str) -> Outcome {
        let env = if v.contains('\0') && self != Reader::PythonDotenv {
            Outcome::Differs // an environment variable cannot hold NUL
        } else {
            Outcome::Exact
        };
        env.max(self.key_outcome(key)).max(match self {
            Reader::PythonDotenv => python(form, v),
            Reader::DotenvRun => python(form, v).max(interpolated(v)),
            Reader::NpmDotenv => npm(form, v),
            Reader::Node => node(form, v),
            Reader::Direnv => direnv(form, v),
            Reader::RubyDotenv => ruby(form, v),
            Reader::Shell => shell(form, v),
        })
    }

    /// Key names: direnv refuses a file with a key holding `-`, Ruby skips its line, and
    /// the shell takes neither `-` nor `.` in a variable name.
    fn key_outcome(self, key: &str) -> Outcome {
        match self {
            Reader::Direnv if key.contains('-') => Outcome::Stops,
            Reader::RubyDotenv if key.contains('-') => Outcome::Differs,
            Reader::Shell if key.contains(['-', '.']) => Outcome::Differs,
            _ => Outcome::Exact,
        }
    }
}

fn exact_if(ok: bool) -> Outcome {
    if ok { Outcome::Exact } else { Outcome::Differs }
}

fn python(form: Form, v: &str) -> Outcome {
    exact_if(python_exact(form, v))
}

/// python-dotenv's CLI expands `${NAME}` and `${NAME:-default}` in every form.
fn interpolated(v: &str) -> Outcome {
    let expands = v.match_indices("${").any(|(i, _)| v[i + 2..].contains('}'));
    exact_if(!expands)
}

/// `\` followed by `n` or `r`: decoded by npm, node (`\n`), Ruby and direnv in double quotes
/// without regard to a preceding `\`.
fn has_escape_text(v: &str) -> bool {
    v.contains("\\n") || v.contains("\\r")
}

fn npm(form: Form, v: &str) -> Outcome {
    exact_if(match form {
        Form::Single => !v.contains(['\'', '\r']) && !v.ends_with('\\'),
        Form::Double => !v.contains('"') && !has_escape_text(v) && !v.ends_with('\\'),
        Form::Escaped => !v.contains(['"', '\\']),
        Form::Bare => bare_ok(v),
    })
}

fn node(form: Form, v: &str) -> Outcome {
    exact_if(match form {
        Form::Single => !v.contains(['\'', '\r']),
        Form::Double => !v.contains(['"', '\r']) && !v.contains("\\n"),
        Form::Escaped => !v.contains(['"', '\\', '\r']),
        Form::Bare => bare_ok(v),
    })
}

/// `$` that a POSIX shell or Go's `os.Expand` (direnv) replaces: before a name, a digit,
/// `{` or a special parameter (`$(` is a shell command; direnv keeps it).
fn posix_dollar(v: &str) -> bool {
    v.match_indices('$').any(|(i, _)| {
        v[i + 1..].starts_with(|c: char| c.is_ascii_alphanumeric() || "_{$?#!@*-".contains(c))
    })
}

fn direnv(form: Form, v: &str) -> Outcome {
    match form {
        Form::Single if v.contains(['\n', '\r']) => Outcome::Stops,
        Form::Single => Outcome::Exact,
        Form::Double => exact_if(!v.contains('\\') && !posix_dollar(v)),
        Form::Escaped => exact_if(!has_escape_text(v) && !posix_dollar(v)),
        Form::Bare if v.contains([' ', '\t', '\n', '\r', '\x0c']) => Outcome::Stops,
        Form::Bare => exact_if(!posix_dollar(v)),
    }
}

/// `$` that Ruby dotenv 2.x substitutes: before a name or `{name}`, `$(` (a command), and
/// `\$` (whose backslash it drops).
fn ruby_dollar(v: &str) -> bool {
    v.contains("\\$")
        || v.match_indices('$').any(|(i, _)| {
            v[i + 1..].starts_with(|c: char| c.is_ascii_alphanumeric() || "_{(".contains(c))
        })
}

fn ruby(form: Form, v: &str) -> Outcome {
    if form == Form::Single {
        // Ruby reads line by line: a later line of the value would be read as a binding.
        return if v.contains(['\n', '\r']) {
            Outcome::Stops
        } else {
            Outcome::Exact
        };
    }
    if v.contains("$(") {
        return Outcome::Executes;
    }
    exact_if(match form {
        Form::Double => !v.contains('\\') && !ruby_dollar(v),
        Form::Escaped => !has_escape_text(v) && !ruby_dollar(v),
        _ => !ruby_dollar(v),
    })
}

fn shell(form: Form, v: &str) -> Outcome {
    let runs = v.contains("$(") || v.contains('`');
    match form {
        Form::Single if v.contains('\'') => Outcome::Stops,
        Form::Single => Outcome::Exact,
        _ if runs => Outcome::Executes,
        _ if v.contains("${") => Outcome::Stops,
        Form::Double => exact_if(
            !v.contains(['\n', '\r'])
                && !posix_dollar(v)
                && !v.contains("\\\\")
                && !v.contains("\\$"),
        ),
        Form::Escaped => exact_if(!v.contains(['\n', '\r']) && !posix_dollar(v)),
        Form::Bare => shell_word(v),
    }
}

/// An unquoted `KEY=word` in a POSIX shell.
fn shell_word(v: &str) -> Outcome {
    if v.contains([' ', '\t', ';', '&', '|', '<', '>']) {
        Outcome::Executes
    } else if v.contains(['(', ')', '\'', '"']) {
        Outcome::Stops
    } else {
        exact_if(!v.contains(['\\', '$', '~']))
    }
}
