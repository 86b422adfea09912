//! The real parsers the format tests compare with: python-dotenv and PyYAML (a venv), npm
//! dotenv, found through `DEVVAULT_TEST_PYTHON` / `DEVVAULT_TEST_NODE_MODULES` or under
//! `target/test-deps` (where `.ci/test` installs them); a missing one fails with how to
//! install it.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

pub const INSTALL: &str = "run `bash .ci/test`, which installs the test tools; by hand: \
    `python3 -m venv target/test-deps/venv && target/test-deps/venv/bin/pip install python-dotenv pyyaml` \
    and `npm install --prefix target/test-deps/node dotenv`";

/// The python with python-dotenv and PyYAML.
pub fn python() -> PathBuf {
    let default = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-deps/venv/bin/python");
    let path = std::env::var_os("DEVVAULT_TEST_PYTHON").map_or(default, PathBuf::from);
    assert!(
        path.exists(),
        "no python with python-dotenv and PyYAML at {path:?}: {INSTALL}"
    );
    path
}

/// The node_modules holding npm `dotenv`.
pub fn node_modules() -> PathBuf {
    let default = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-deps/node/node_modules");
    let path = std::env::var_os("DEVVAULT_TEST_NODE_MODULES").map_or(default, PathBuf::from);
    assert!(
        path.join("dotenv").exists(),
        "no npm `dotenv` in {path:?}: {INSTALL}"
    );
    path
}

/// Runs a command and returns its stdout; any failure (including a missing tool) panics.
pub fn run(cmd: &mut Command) -> Vec<u8> {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}; {INSTALL}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{cmd:?} failed: {stderr}");
    assert!(stderr.trim().is_empty(), "{cmd:?} complained: {stderr}");
    out.stdout
}

pub fn run_json(cmd: &mut Command) -> Value {
    serde_json::from_slice(&run(cmd)).expect("the parser prints JSON")
}

pub fn py(script: &str, args: &[&Path]) -> Value {
    run_json(Command::new(python()).arg("-c").arg(script).args(args))
}

/// npm `dotenv.parse` of one file.
pub fn npm(path: &Path) -> Value {
    let script = "const d = require(require('path').join(process.argv[1], 'dotenv'));\n\
        console.log(JSON.stringify(d.parse(require('fs').readFileSync(process.argv[2]))));";
    run_json(
        Command::new("node")
            .arg("-e")
            .arg(script)
            .arg(node_modules())
            .arg(path),
    )
}

/// Every dotenv reader a written `.env` is checked against (tests/readers.rs), each run as a
/// user runs it, in a clean environment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RealReader {
    /// python-dotenv's `dotenv_values(path, interpolate=False)`.
    PythonDotenv,
    /// python-dotenv's CLI: `dotenv -f FILE run -- env -0`.
    DotenvRun,
    /// npm `dotenv.parse`.
    Npm,
    /// `node --env-file=FILE`.
    NodeEnvFile,
    /// `process.loadEnvFile(FILE)`.
    NodeLoadEnvFile,
    /// `direnv dotenv bash FILE`, evaluated by bash.
    Direnv,
    /// Ruby's dotenv gem: `Dotenv.load(FILE)`.
    Ruby,
    /// `set -a; . FILE` in bash.
    Bash,
    /// `set -a; . FILE` in dash.
    Dash,
}

pub const READERS: [RealReader; 9] = [
    RealReader::PythonDotenv,
    RealReader::DotenvRun,
    RealReader::Npm,
    RealReader::NodeEnvFile,
    RealReader::NodeLoadEnvFile,
    RealReader::Direnv,
    RealReader::Ruby,
    RealReader::Bash,
    RealReader::Dash,
];

/// What one reader made of one file: its variables, or why it refused the file.
pub type Reading = Result<std::collections::BTreeMap<String, String>, String>;

/// Variables a shell or the test's clean environment sets by itself.
const AMBIENT: &[&str] = &["PWD", "OLDPWD", "SHLVL", "_", "LANG", "PATH", "HOME"];

impl RealReader {
    pub fn name(self) -> &'static str {
        match self {
            RealReader::PythonDotenv => "python-dotenv",
            RealReader::DotenvRun => "dotenv run",
            RealReader::Npm => "npm dotenv",
            RealReader::NodeEnvFile => "node --env-file",
            RealReader::NodeLoadEnvFile => "process.loadEnvFile",
            RealReader::Direnv => "direnv",
            RealReader::Ruby => "ruby dotenv",
            RealReader::Bash => "bash",
            RealReader::Dash => "dash",
        }
    }

    /// Reads each file (a clean environment with only LANG, PATH and HOME=`home`).
    pub fn read(self, files: &[PathBuf], home: &Path) -> Vec<Reading> {
        match self {
            RealReader::PythonDotenv => python_dotenv_values(files),
            RealReader::Npm => npm_values(files),
            _ => files.iter().map(|f| self.read_one(f, home)).collect(),
        }
    }

    fn read_one(self, file: &Path, home: &Path) -> Reading {
        let node_env = "process.stdout.write(JSON.stringify(process.env))";
        let node_load = "process.loadEnvFile(process.argv[1]); process.stdout.write(JSON.stringify(process.env))";
        let (mut cmd, json) = match self {
            RealReader::DotenvRun => {
                let dotenv = python().with_file_name("dotenv");
                assert!(
                    dotenv.exists(),
                    "no python-dotenv CLI at {dotenv:?}: {INSTALL}"
                );
                let mut c = Command::new(dotenv);
                c.arg("-f").arg(file).args(["run", "--", "env", "-0"]);
                (c, false)
            }
            RealReader::NodeEnvFile => {
                let mut c = Command::new("node");
                c.arg(format!("--env-file={}", file.display()))
                    .args(["-e", node_env]);
                (c, true)
            }
            RealReader::NodeLoadEnvFile => {
                let mut c = Command::new("node");
                c.args(["-e", node_load]).arg(file);
                (c, true)
            }
            RealReader::Direnv => {
                let mut c = Command::new("bash");
                c.args([
                    "-c",
                    "o=$(direnv dotenv bash \"$1\") || exit 3; eval \"$o\" && env -0",
                    "bash",
                ])
                .arg(file);
                (c, false)
            }
            RealReader::Ruby => {
                let mut c = Command::new("ruby");
                c.args([
                    "-rdotenv",
                    "-rjson",
                    "-e",
                    "Dotenv.load(ARGV[0]); print JSON.generate(ENV.to_h)",
                ])
                .arg(file);
                (c, true)
            }
            RealReader::Bash | RealReader::Dash => {
                let mut c = Command::new(self.name());
                c.args(["-c", "set -a; . \"$1\"; env -0", self.name()])
                    .arg(file);
                (c, false)
            }
            RealReader::PythonDotenv | RealReader::Npm => unreachable!("read in one process"),
        };
        cmd.env_clear()
            .env("LANG", "C.UTF-8")
            .env("PATH", "/usr/local/bin:/usr/bin:/bin")
            .env("HOME", home);
        let out = cmd
            .output()
            .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}; {INSTALL_READERS}"));
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        if !out.status.success() {
            return Err(format!("{}: {stderr}", out.status));
        }
        let mut vars: std::collections::BTreeMap<String, String> = if json {
            serde_json::from_slice(&out.stdout).expect("the reader prints JSON")
        } else {
            out.stdout
                .split(|&b| b == 0)
                .filter(|v| !v.is_empty())
                .map(|v| {
                    let v = String::from_utf8_lossy(v);
                    let (k, v) = v.split_once('=').unwrap_or((&v, ""));
                    (k.to_string(), v.to_string())
                })
                .collect()
        };
        vars.retain(|k, _| !AMBIENT.contains(&k.as_str()));
        Ok(vars)
    }
}

pub const INSTALL_READERS: &str = "install the readers: `apt-get install direnv ruby-dotenv bash dash` and \
    node 20.12 or later; python-dotenv[cli] and npm dotenv as `bash .ci/test` does";

/// python-dotenv's `dotenv_values(interpolate=False)` of each file, in one process.
fn python_dotenv_values(files: &[PathBuf]) -> Vec<Reading> {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("list.json");
    std::fs::write(&list, serde_json::to_string(files).unwrap()).unwrap();
    let got = py(
        "import json, sys; from dotenv import dotenv_values as d\n\
         print(json.dumps([d(p, interpolate=False) for p in json.load(open(sys.argv[1]))]))",
        &[&list],
    );
    readings(got)
}

/// npm `dotenv.parse` of each file, in one process.
fn npm_values(files: &[PathBuf]) -> Vec<Reading> {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("list.json");
    std::fs::write(&list, serde_json::to_string(files).unwrap()).unwrap();
    let script = "const d = require(require('path').join(process.argv[1], 'dotenv'));\n\
        const fs = require('fs');\n\
        console.log(JSON.stringify(JSON.parse(fs.readFileSync(process.argv[2]))\n\
          .map(p => d.parse(fs.readFileSync(p)))));";
    let got = run_json(
        Command::new("node")
            .arg("-e")
            .arg(script)
            .arg(node_modules())
            .arg(&list),
    );
    readings(got)
}

fn readings(v: Value) -> Vec<Reading> {
    let list = v.as_array().expect("a list of objects").clone();
    list.into_iter()
        .map(|o| {
            Ok(o.as_object()
                .expect("an object")
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("<null>").to_string()))
                .collect())
        })
        .collect()
}
