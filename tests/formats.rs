//! The export formats and the `.env` reader against the real parsers: python-dotenv, npm
//! dotenv, PyYAML, python's json, bash and sh. Each parser runs once over one file holding
//! every value. A missing tool fails the test with how to install it: nothing is skipped.

use crate::common;

use common::parsers::*;
use devvault::format::{ExportFormat, Rendered, render};
use devvault::{KeyName, Scope, SecretValue, dotenv};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Values that stress every quoting rule; the test keys are `V0..Vn` in this order.
pub(crate) const TABLE: &[&str] = &[
    "plain",
    "it's",
    "say \"hi\"",
    "`backticks`",
    "both 'single' and \"double\"",
    "\"double\" then 'single'",
    "'\"",
    "'quoted'",
    "\"dq\"",
    "a#b",
    "a #b",
    "#start",
    "pa$$word$",
    "${HOME}",
    "${VAR:-x}y",
    "a=b=c",
    "\\",
    "a\\\\b",
    "literal \\n",
    "trailing\\",
    " spaced\\",
    "  lead and trail  ",
    "\ttabs\t",
    "line1\nline2\n",
    "crlf\r\nline",
    "it's\r\n",
    "lone\rcr",
    "it's \\n multi\nline",
    "àccénts ñ",
    "emoji 😀🔑",
    "עברית RTL",
    "sep\u{2028}arator",
    "a \u{2028} b \u{2029} c \u{85} d",
    "\u{feff}bom \u{1c}",
    "x\u{2028}'y\"'",
    "\u{feff}lead'\"",
    "\"x'\nINJECTED=pwned\\",
    "",
];

/// The table values no single dotenv form carries for both parsers.
const NOT_PORTABLE: &[&str] = &[
    "both 'single' and \"double\"",
    "\"double\" then 'single'",
    "'\"",
    " spaced\\",
    "it's \\n multi\nline",
    "x\u{2028}'y\"'",
    "\u{feff}lead'\"",
    "\"x'\nINJECTED=pwned\\",
];

/// Whether the export warns that npm dotenv reads `key` differently.
fn npm_warned(r: &Rendered, key: &str) -> bool {
    r.warnings
        .iter()
        .any(|w| w.starts_with(&format!("`{key}`:")) && w.contains("npm dotenv"))
}

/// What `devvault::dotenv::parse` reads, as key/value pairs.
fn ours(src: &str) -> Vec<(String, String)> {
    let entries = dotenv::parse(src, "test.env").unwrap();
    let pair = |e: dotenv::Entry| (e.key.to_string(), e.value.expose_secret().to_string());
    entries.into_iter().map(pair).collect()
}

/// Strings over the characters that matter to the quoting rules (a fixed-seed generator,
/// so a failure reproduces).
fn random_values(n: usize) -> Vec<String> {
    let alphabet: Vec<char> = " \t\n\r\u{1c}\u{feff}#'\"`\\=${}:-abnrtx\u{2028}\u{85}\u{a0}é😀"
        .chars()
        .collect();
    let mut seed: u64 = 0x5eed;
    let mut next = move |m: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % m
    };
    (0..n)
        .map(|_| {
            (0..next(9))
                .map(|_| alphabet[next(alphabet.len())])
                .collect()
        })
        .collect()
}

/// The table as `V0..` plus random values as `R0..`.
fn cases() -> Vec<(String, String)> {
    let table = TABLE
        .iter()
        .enumerate()
        .map(|(i, v)| (format!("V{i}"), v.to_string()));
    let random = random_values(300).into_iter().enumerate();
    table
        .chain(random.map(|(i, v)| (format!("R{i}"), v)))
        .collect()
}

fn render_cases(format: ExportFormat, cases: &[(String, String)]) -> devvault::Result<Rendered> {
    let owned: Vec<(KeyName, SecretValue)> = cases
        .iter()
        .map(|(k, v)| (KeyName::new(k).unwrap(), SecretValue::from(v.as_str())))
        .collect();
    let refs: Vec<_> = owned.iter().map(|(k, v)| (k, v)).collect();
    render(format, &Scope::parse("my_app/ci").unwrap(), &refs)
}

/// A temporary directory that `write` puts files in.
struct Files(tempfile::TempDir);

impl Files {
    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }
}

/// Asserts that `got` holds exactly `want`'s value for each listed key.
fn assert_values<'a>(
    what: &str,
    got: &Value,
    want: impl IntoIterator<Item = &'a (String, String)>,
) {
    let mut checked = 0;
    for (k, v) in want {
        assert_eq!(got[k].as_str(), Some(v.as_str()), "{what}: {k} = {v:?}");
        checked += 1;
    }
    assert!(checked > 0, "{what}: nothing checked");
}

#[test]
fn dotenv_export_reads_back_in_python_dotenv_and_npm_dotenv() {
    let cases = cases();
    let rendered = render_cases(ExportFormat::Dotenv, &cases).unwrap();
    let files = Files(tempfile::tempdir().unwrap());
    let path = files.write("export.env", &rendered.text);

    let both = py(
        "import json, sys; from dotenv import dotenv_values as d\n\
         print(json.dumps([d(sys.argv[1], interpolate=False), d(sys.argv[1])]))",
        &[&path],
    );
    assert_values("python-dotenv, interpolate=False", &both[0], &cases);
    let plain = cases.iter().filter(|(_, v)| !v.contains("${"));
    assert_values("python-dotenv, interpolate=True", &both[1], plain);

    let npm = npm(&path);
    let warned = |k: &str| npm_warned(&rendered, k);
    let (portable, not): (Vec<_>, Vec<_>) = cases.iter().partition(|(k, _)| !warned(k));
    assert_values("npm dotenv", &npm, portable);
    for k in npm.as_object().unwrap().keys() {
        assert!(
            cases.iter().any(|(c, _)| c == k),
            "npm read a key {k} that was not written"
        );
    }
    for (k, v) in &not {
        assert_ne!(
            npm[k].as_str(),
            Some(v.as_str()),
            "{k} = {v:?} is warned but npm reads it"
        );
    }
    let table_not: BTreeSet<&str> = not
        .iter()
        .filter(|(k, _)| k.starts_with('V'))
        .map(|(_, v)| v.as_str())
        .collect();
    let want: BTreeSet<&str> = NOT_PORTABLE.iter().copied().collect();
    assert_eq!(table_not, want, "the table values warned as not portable");
}

#[test]
fn shell_export_reads_back_in_bash_and_sh() {
    let cases = cases();
    let rendered = render_cases(ExportFormat::Shell, &cases).unwrap();
    let files = Files(tempfile::tempdir().unwrap());
    let path = files.write("export.sh", &rendered.text);
    let vars: String = cases.iter().map(|(k, _)| format!(" \"${k}\"")).collect();
    let script = format!("set -a; . \"$1\"; printf '%s\\0'{vars}");
    for shell in ["bash", "sh"] {
        let out = run(Command::new(shell)
            .arg("-c")
            .arg(&script)
            .arg(shell)
            .arg(&path));
        let got: Vec<&str> = std::str::from_utf8(&out)
            .unwrap()
            .split_terminator('\0')
            .collect();
        assert_eq!(got.len(), cases.len(), "{shell}");
        for ((k, v), got) in cases.iter().zip(got) {
            assert_eq!(got, v, "{shell}: {k}");
        }
    }
}

#[test]
fn json_yaml_and_k8s_read_back_in_python() {
    let cases = cases();
    let files = Files(tempfile::tempdir().unwrap());
    let text = |f| render_cases(f, &cases).unwrap().text.to_string();
    let json = files.write("export.json", &text(ExportFormat::Json));
    let yaml = files.write("export.yaml", &text(ExportFormat::Yaml));
    let k8s = files.write("secret.yaml", &text(ExportFormat::K8s));
    let empty = files.write(
        "empty.yaml",
        &render_cases(ExportFormat::K8s, &[]).unwrap().text,
    );
    let got = py(
        "import json, sys, yaml\n\
         load = lambda p: yaml.safe_load(open(p, encoding='utf-8'))\n\
         print(json.dumps([json.load(open(sys.argv[1], encoding='utf-8')),\n\
                           load(sys.argv[2]), load(sys.argv[3]), load(sys.argv[4])]))",
        &[&json, &yaml, &k8s, &empty],
    );
    assert_values("json", &got[0], &cases);
    assert_values("yaml", &got[1], &cases);
    assert_eq!(got[0].as_object().unwrap().len(), cases.len());
    assert_eq!(got[1].as_object().unwrap().len(), cases.len());
    let secret = &got[2];
    assert_eq!(secret["apiVersion"], "v1");
    assert_eq!(secret["kind"], "Secret");
    assert_eq!(secret["type"], "Opaque");
    assert_eq!(secret["metadata"]["name"], "my-app-ci");
    assert_eq!(
        secret["metadata"]["labels"]["app.kubernetes.io/managed-by"],
        "devvault"
    );
    assert_values("k8s stringData", &secret["stringData"], &cases);
    assert_eq!(secret["stringData"].as_object().unwrap().len(), cases.len());
    assert_eq!(got[3]["stringData"], serde_json::json!({}));
}

#[test]
fn docker_refuses_multi_line_values_by_key() {
    let cases = cases();
    let err = render_cases(ExportFormat::Docker, &cases)
        .err()
        .unwrap()
        .to_string();
    let multi: Vec<&str> = cases
        .iter()
        .filter(|(_, v)| v.contains(['\n', '\r']))
        .map(|(k, _)| k.as_str())
        .collect();
    assert!(multi.len() > 5);
    for k in &multi {
        assert!(err.contains(&format!("`{k}`")), "{k} is not named: {err}");
    }
    for (k, _) in cases.iter().filter(|(_, v)| !v.contains(['\n', '\r'])) {
        assert!(
            !err.contains(&format!("`{k}`")),
            "{k} is single-line: {err}"
        );
    }
    let mut single: Vec<_> = cases
        .into_iter()
        .filter(|(_, v)| !v.contains(['\n', '\r']))
        .collect();
    single.sort();
    let text = render_cases(ExportFormat::Docker, &single).unwrap().text;
    let want: String = single.iter().map(|(k, v)| format!("{k}={v}\n")).collect();
    assert_eq!(*text, want);
}

/// `.env` styles python-dotenv accepts; the reader must give the same values.
const IMPORT: &str = "# a comment\r\n\
    export EXPORTED=yes\r\n\
    \r\n\
    SPACED = around equals  \r\n\
    UNQUOTED=value # comment\n\
    HASH=a#b\n\
    EMPTY=\n\
    EMPTY_COMMENT= # nothing\n\
    EMPTY_QUOTES=''\n\
    SINGLE='it\\'s \\\\ \\n ${NOPE}'\n\
    DOUBLE=\"tab\\tnl\\n q\\\" bs\\\\ sq\\' bell\\a \\x\" # after\n\
    MULTI=\"line one\r\nline two\"\n\
    MULTI_SINGLE='a\n\n  b'\n\
    'QUOTED_KEY'=quoted key\n\
    UNICODE=\"àé 😀 \u{2028} עברית\"\n\
    CR_ENDED=lone\r\
    DUP=first\n\
    DUP=last\n\
    \texport   INDENTED =   'x'   # c\n\
    LAST=no newline";

/// Lines python-dotenv flags as errors (or reads as a key with no value); all refused.
const BAD: &[&str] = &[
    "A='unterminated\n",
    "A=\"unterminated\\\"\n",
    "A='x' junk\n",
    "A=\"x\"junk\n",
    "=value\n",
    "BARE\n",
    "KEY value\n",
    "'KEY=x\n",
    "export =x\n",
];

#[test]
fn dotenv_reader_agrees_with_python_dotenv() {
    let files = Files(tempfile::tempdir().unwrap());
    let good = files.write("good.env", IMPORT);
    let bad: Vec<PathBuf> = BAD
        .iter()
        .enumerate()
        .map(|(i, src)| files.write(&format!("bad{i}.env"), src))
        .collect();
    let mut args: Vec<&Path> = vec![&good];
    args.extend(bad.iter().map(|p| p.as_path()));
    let got = py(
        "import json, sys\n\
         from dotenv import dotenv_values\nfrom dotenv.parser import parse_stream\n\
         def flagged(p):\n    with open(p, encoding='utf-8') as f:\n        \
             return any(b.error or (b.key is not None and b.value is None) for b in parse_stream(f))\n\
         print(json.dumps([dotenv_values(sys.argv[1], interpolate=False), [flagged(p) for p in sys.argv[1:]]]))",
        &args,
    );
    let ours = ours(IMPORT);
    let python = got[0].as_object().unwrap();
    assert_eq!(ours.len(), python.len(), "{ours:?}\n{python:?}");
    assert_values("python-dotenv", &got[0], &ours);
    assert_eq!(got[1][0], false, "python-dotenv flags the good file");
    for (i, src) in BAD.iter().enumerate() {
        assert_eq!(got[1][i + 1], true, "python-dotenv accepts {src:?}");
        let err = dotenv::parse(src, "bad.env").err().unwrap().to_string();
        assert!(err.starts_with("bad.env:1: "), "{src:?}: {err}");
    }
}

#[test]
fn dotenv_reader_agrees_with_npm_dotenv_on_backticks() {
    let src = "A=`it's \"both\"`\nB=`multi\nline` # c\nC=` spaced `\nD=`a\\`b`\n";
    let files = Files(tempfile::tempdir().unwrap());
    let path = files.write("backticks.env", src);
    let ours = ours(src);
    assert_eq!(ours.len(), 4);
    assert_values("npm dotenv", &npm(&path), &ours);
}

/// Pieces of random values: every quoting character, every line terminator python-dotenv or
/// npm dotenv knows (and U+0085, U+000B, U+000C), and key-shaped text an attacker would put
/// after one of them.
const PIECES: &[&str] = &[
    "\\",
    "\\\\",
    "'",
    "\"",
    "`",
    "#",
    " #",
    "=",
    " ",
    "\t",
    "\n",
    "\r",
    "\r\n",
    "\u{2028}",
    "\u{2029}",
    "\u{85}",
    "\u{b}",
    "\u{c}",
    "\u{feff}",
    "\u{a0}",
    "x",
    "é",
    "😀",
    "$",
    "${A}",
    "\\n",
    "\\r",
    "DATABASE_URL=",
    "export X=",
    "A='",
    "B=\"",
    "K1=`",
    ": ",
    "#\"",
    "\\\"",
];

/// Whole files: 1 to 6 keys (some named like what a value injects) with random values.
pub(crate) fn random_files(n: usize) -> Vec<Vec<(String, String)>> {
    use proptest::strategy::{Strategy, ValueTree};
    use proptest::test_runner::TestRunner;
    const KEYS: &[&str] = &["A", "B", "DATABASE_URL", "K1", "X", "Z_LAST"];
    let value =
        proptest::collection::vec(proptest::sample::select(PIECES), 0..8).prop_map(|p| p.concat());
    let file = proptest::collection::btree_map(proptest::sample::select(KEYS), value, 1..7);
    let mut runner = TestRunner::deterministic();
    (0..n)
        .map(|_| {
            let tree = file.new_tree(&mut runner).unwrap();
            let m = tree.current();
            m.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
        })
        .collect()
}

/// The attack of issue 15: one value ending in `\`, the next starting with U+2028 and a key.
const INJECTION: &[(&str, &str)] = &[
    ("A", " trailing\\"),
    (
        "B",
        "\u{2028}DATABASE_URL=postgres://attacker.example/app #'\"",
    ),
    ("DATABASE_URL", "postgres://real.example/app"),
];

#[test]
fn dotenv_export_whole_files_hold_exactly_the_scope_keys_for_every_parser() {
    let mut files: Vec<Vec<(String, String)>> = random_files(800);
    files.push(
        INJECTION
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    );
    let dir = Files(tempfile::tempdir().unwrap());
    let rendered: Vec<Rendered> = files
        .iter()
        .map(|f| render_cases(ExportFormat::Dotenv, f).unwrap())
        .collect();
    let paths: Vec<PathBuf> = rendered
        .iter()
        .enumerate()
        .map(|(i, r)| dir.write(&format!("f{i}.env"), &r.text))
        .collect();
    let list = dir.write("list.json", &serde_json::to_string(&paths).unwrap());
    let python = py(
        "import json, sys; from dotenv import dotenv_values as d\n\
         print(json.dumps([d(p, interpolate=False) for p in json.load(open(sys.argv[1]))]))",
        &[&list],
    );
    let script = "const d = require(require('path').join(process.argv[1], 'dotenv'));\n\
        const fs = require('fs');\n\
        const out = JSON.parse(fs.readFileSync(process.argv[2])).map(p => {\n\
          const b = fs.readFileSync(p); return [d.parse(b), d.parse(b, {fast: true})]; });\n\
        console.log(JSON.stringify(out));";
    let npm = run_json(
        Command::new("node")
            .arg("-e")
            .arg(script)
            .arg(node_modules())
            .arg(&list),
    );
    for (i, (file, r)) in files.iter().zip(&rendered).enumerate() {
        let text = r.text.as_str();
        let want: BTreeSet<&str> = file.iter().map(|(k, _)| k.as_str()).collect();
        let keys =
            |v: &Value| -> BTreeSet<String> { v.as_object().unwrap().keys().cloned().collect() };
        let want_owned: BTreeSet<String> = want.iter().map(|k| k.to_string()).collect();
        assert_eq!(
            keys(&python[i]),
            want_owned,
            "python-dotenv keys of {text:?}"
        );
        assert_values("python-dotenv", &python[i], file);
        for (j, parser) in ["npm dotenv", "npm dotenv (fast)"].iter().enumerate() {
            let got = &npm[i][j];
            assert_eq!(keys(got), want_owned, "{parser} keys of {text:?}");
            for (k, v) in file {
                if !npm_warned(r, k) {
                    assert_eq!(
                        got[k].as_str(),
                        Some(v.as_str()),
                        "{parser}: {k} in {text:?}"
                    );
                }
            }
        }
    }
}
