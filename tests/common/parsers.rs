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
