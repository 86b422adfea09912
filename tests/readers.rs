//! `devvault export --format dotenv` against every real dotenv reader: python-dotenv (library
//! and its `dotenv run` CLI), npm dotenv, node's built-in parser (`--env-file` and
//! `process.loadEnvFile`), `direnv dotenv`, Ruby's dotenv gem, and `set -a; . FILE` in bash
//! and dash. For every (reader, value): the reader reads the value back exactly, or the
//! export's warning for that key names the reader (and says so when the reader would
//! EXECUTE part of the value, or stop reading the file). No value may make a reader lose or
//! invent other keys. A missing reader fails the test with how to install it.

use crate::common::parsers::{READERS, Reading, RealReader};
use crate::formats::TABLE;
use devvault::format::{ExportFormat, Rendered, render};
use devvault::{KeyName, Scope, SecretValue};
use std::path::{Path, PathBuf};

/// The issue's values on top of the format tests' table: commands, expansions, shell
/// metacharacters, CR, quotes of each kind alone.
const EXTRA: &[&str] = &[
    "it's \"both\"",
    "abc\\",
    "$(echo pwned)",
    "`echo pwned`",
    "it's $(echo pwned)",
    "it's `echo pwned`",
    "multi\nline $(echo pwned)",
    "$HOME",
    "it's $HOME",
    "pa$$",
    "a\\$b",
    "x\r",
    "\r\n",
    "tab\there",
    "=",
    "==x",
    "'",
    "\"",
    "`",
    "\\n",
    "C:\\new\\table",
    "a b",
    "semi;colon|pipe&amp",
    "<redirect>",
    "~/x",
    "it's ${HOME:-x}",
    "it's ${unclosed",
    "key=val\nOTHER=injected",
];

/// The phrase a warning uses for each real reader.
fn phrase(r: RealReader) -> &'static str {
    match r {
        RealReader::PythonDotenv => "python-dotenv's library",
        RealReader::DotenvRun => "`dotenv run`",
        RealReader::Npm => "npm dotenv",
        RealReader::NodeEnvFile | RealReader::NodeLoadEnvFile => "node",
        RealReader::Direnv => "direnv",
        RealReader::Ruby => "Ruby dotenv",
        RealReader::Bash | RealReader::Dash => "shell sourcing",
    }
}

fn all_values() -> Vec<&'static str> {
    TABLE.iter().chain(EXTRA).copied().collect()
}

fn render_pairs(pairs: &[(String, String)]) -> Rendered {
    let owned: Vec<(KeyName, SecretValue)> = pairs
        .iter()
        .map(|(k, v)| (KeyName::new(k).unwrap(), SecretValue::from(v.as_str())))
        .collect();
    let refs: Vec<_> = owned.iter().map(|(k, v)| (k, v)).collect();
    render(
        ExportFormat::Dotenv,
        &Scope::parse("app/dev").unwrap(),
        &refs,
    )
    .unwrap()
}

/// The clauses of the warning about `key` (`` `KEY`: a; b ``), empty when there is none.
fn clauses<'a>(r: &'a Rendered, key: &str) -> Vec<&'a str> {
    let head = format!("`{key}`: ");
    r.warnings
        .iter()
        .filter_map(|w| w.strip_prefix(&head))
        .flat_map(|w| w.split("; "))
        .collect()
}

/// The warning's clause naming `reader` for `key`, if any.
fn warned<'a>(r: &'a Rendered, key: &str, reader: RealReader) -> Option<&'a str> {
    clauses(r, key)
        .into_iter()
        .find(|c| c.contains(phrase(reader)))
}

/// Whether a warning says `reader` refuses the file or stops reading it at some key.
fn refused(r: &Rendered, reader: RealReader) -> bool {
    r.warnings.iter().any(|w| {
        w.split("; ")
            .any(|c| c.contains(phrase(reader)) && (c.contains("refuse") || c.contains("stop")))
    })
}

/// The readings of every reader over `files`, one thread per reader.
fn read_everywhere(files: &[PathBuf], home: &Path) -> Vec<(RealReader, Vec<Reading>)> {
    std::thread::scope(|s| {
        let handles: Vec<_> = READERS
            .iter()
            .map(|&r| s.spawn(move || (r, r.read(files, home))))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

/// Checks one reader's reading of one rendered file: every key exact or warned for this
/// reader (an executed command warned as such), and no key the file does not hold.
/// Returns (exact, warned) counts for `counted` keys.
fn check(
    reader: RealReader,
    reading: &Reading,
    r: &Rendered,
    pairs: &[(String, String)],
    counted: &dyn Fn(&str) -> bool,
) -> (usize, usize) {
    let (mut exact, mut warns) = (0, 0);
    let text = r.text.as_str();
    let vars = match reading {
        Ok(vars) => vars,
        Err(e) => {
            assert!(
                refused(r, reader),
                "{} refused {text:?} ({e}) with no warning saying so: {:?}",
                reader.name(),
                r.warnings
            );
            return (0, pairs.iter().filter(|(k, _)| counted(k)).count());
        }
    };
    let excused = refused(r, reader);
    for k in vars.keys() {
        assert!(
            pairs.iter().any(|(p, _)| p == k),
            "{} read a key {k} that was not written, from {text:?}",
            reader.name()
        );
    }
    for (k, v) in pairs {
        let got = vars.get(k).map(String::as_str);
        if got == Some(v.as_str()) {
            exact += counted(k) as usize;
            if counted(k) && warned(r, k, reader).is_some() {
                eprintln!("(warned, yet exact: {} reads {k})", reader.name());
            }
            continue;
        }
        let clause = warned(r, k, reader);
        assert!(
            clause.is_some() || excused,
            "{} reads {k} = {v:?} as {got:?} from {text:?}, and no warning names it: {:?}",
            reader.name(),
            r.warnings
        );
        let ran = v.contains("echo pwned")
            && got.is_some_and(|g| g.contains("pwned") && !g.contains("echo pwned"));
        if ran && !excused {
            assert!(
                clause.is_some_and(|c| c.contains("EXECUTE")),
                "{} executed the command in {k} = {v:?} and the warning does not say so: {:?}",
                reader.name(),
                r.warnings
            );
        }
        warns += counted(k) as usize;
    }
    (exact, warns)
}

/// The values whose own file (`A0`, the value, `Z9`) some reader refuses or stops reading.
fn refused_alone(v: &str) -> bool {
    let r = render_pairs(&pairs(&[("A0", "before"), ("V", v), ("Z9", "after")]));
    READERS.iter().any(|&rd| refused(&r, rd))
}

fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Every value once: one whole-scope file with every value no reader refuses (so each cell
/// is also checked for not losing its neighbours: no warning excuses a reader there), and
/// one file per value some reader refuses, with a key before and after it.
#[test]
fn every_reader_reads_each_value_exactly_or_is_named_in_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    std::fs::create_dir(&home).unwrap();
    let values = all_values();
    let key = |i: usize| format!("K{i:02}");
    let (refusing, kept): (Vec<_>, Vec<_>) = values
        .iter()
        .enumerate()
        .partition(|(_, v)| refused_alone(v));
    let whole: Vec<(String, String)> = kept.iter().map(|&(i, v)| (key(i), v.to_string())).collect();
    let mut cases = vec![whole];
    for &(i, v) in &refusing {
        cases.push(pairs(&[("A0", "before"), (&key(i), v), ("Z9", "after")]));
    }
    let rendered: Vec<Rendered> = cases.iter().map(|p| render_pairs(p)).collect();
    let files: Vec<PathBuf> = rendered
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let p = dir.path().join(format!("f{i}.env"));
            std::fs::write(&p, r.text.as_str()).unwrap();
            p
        })
        .collect();
    let is_value = |k: &str| k.starts_with('K');
    let (mut exact, mut warned_cells) = (0, 0);
    for (reader, readings) in read_everywhere(&files, &home) {
        assert!(
            readings[0].is_ok(),
            "{} refused the whole-scope file",
            reader.name()
        );
        for ((p, r), reading) in cases.iter().zip(&rendered).zip(&readings) {
            let (e, w) = check(reader, reading, r, p, &is_value);
            exact += e;
            warned_cells += w;
            if reader == RealReader::PythonDotenv {
                assert_eq!(w, 0, "python-dotenv must read every value exactly");
            }
        }
    }
    eprintln!(
        "{} values x {} readers: {exact} exact, {warned_cells} warned ({} values some reader refuses)",
        values.len(),
        READERS.len(),
        refusing.len()
    );
    for r in &rendered {
        for w in &r.warnings {
            eprintln!("{w}");
        }
    }
    assert_eq!(exact + warned_cells, values.len() * READERS.len());
}

/// One scope holding every value, those some reader refuses included: every reader not
/// named as refusing the file reads every key it is not warned about exactly, and no reader
/// reads a key that was not written.
#[test]
fn values_a_reader_refuses_are_named_and_cost_no_other_reader_a_key() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    std::fs::create_dir(&home).unwrap();
    let all: Vec<(String, String)> = all_values()
        .iter()
        .enumerate()
        .map(|(i, v)| (format!("K{i:02}"), v.to_string()))
        .collect();
    let r = render_pairs(&all);
    let file = dir.path().join("scope.env");
    std::fs::write(&file, r.text.as_str()).unwrap();
    for (reader, readings) in read_everywhere(std::slice::from_ref(&file), &home) {
        check(reader, &readings[0], &r, &all, &|_| true);
    }
}

/// Random whole files (1 to 6 keys, values built from every quoting character, line end and
/// key-shaped text, as in the format tests): every reader reads every key exactly or is
/// warned about it, and none reads a key that was not written.
#[test]
fn random_whole_files_hold_exactly_the_scope_keys_for_every_reader() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    std::fs::create_dir(&home).unwrap();
    let cases = crate::formats::random_files(10);
    let rendered: Vec<Rendered> = cases.iter().map(|p| render_pairs(p)).collect();
    let files: Vec<PathBuf> = rendered
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let p = dir.path().join(format!("r{i}.env"));
            std::fs::write(&p, r.text.as_str()).unwrap();
            p
        })
        .collect();
    for (reader, readings) in read_everywhere(&files, &home) {
        for ((p, r), reading) in cases.iter().zip(&rendered).zip(&readings) {
            check(reader, reading, r, p, &|_| true);
        }
    }
}
