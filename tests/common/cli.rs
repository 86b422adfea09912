//! The `devvault` binary with its own vault and passphrase, for the CLI tests.

use assert_cmd::Command;
use predicates::prelude::*;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Output, Stdio};

/// `init` with the cheapest Argon2id the floor allows, so tests stay fast.
pub const FAST_INIT: [&str; 7] = [
    "init",
    "--kdf-memory",
    "19MiB",
    "--kdf-time",
    "2",
    "--kdf-parallelism",
    "1",
];

pub const PASS: &str = "test passphrase 1234";

pub struct Env {
    pub dir: tempfile::TempDir,
    pub vault: PathBuf,
}

impl Env {
    /// A vault created with the cheapest Argon2id the floor allows, and a work directory.
    pub fn new() -> Env {
        let env = Env::empty();
        env.cmd()
            .args(FAST_INIT)
            .assert()
            .success()
            .stderr(predicate::str::contains("created"));
        env
    }

    pub fn empty() -> Env {
        let dir = tempfile::tempdir().unwrap();
        let vault = dir.path().join("data/vault.db");
        std::fs::create_dir(dir.path().join("work")).unwrap();
        Env { dir, vault }
    }

    pub fn work(&self) -> PathBuf {
        self.dir.path().join("work")
    }

    /// The binary with only this test's vault and passphrase in its environment.
    pub fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("devvault").unwrap();
        c.current_dir(self.work())
            .env("HOME", self.dir.path())
            .env("DEVVAULT_VAULT", &self.vault)
            .env("DEVVAULT_PASSPHRASE", PASS)
            .env_remove("DEVVAULT_PASSPHRASE_FILE")
            .env_remove("DEVVAULT_PASSPHRASE_COMMAND")
            .env_remove("NO_COLOR");
        c
    }

    /// Gives `c` (devvault run by `std`'s Command, or a wrapper around it such as strace or
    /// prlimit) this test's work directory, home, vault and passphrase `pass`, and no other
    /// passphrase source.
    pub fn vault_env<'c>(
        &self,
        c: &'c mut std::process::Command,
        pass: &str,
    ) -> &'c mut std::process::Command {
        c.current_dir(self.work())
            .env("HOME", self.dir.path())
            .env("DEVVAULT_VAULT", &self.vault)
            .env("DEVVAULT_PASSPHRASE", pass)
            .env_remove("DEVVAULT_PASSPHRASE_FILE")
            .env_remove("DEVVAULT_PASSPHRASE_COMMAND")
    }

    pub fn set(&self, args: &[&str], value: &str) {
        self.cmd()
            .arg("set")
            .args(args)
            .write_stdin(value)
            .assert()
            .success();
    }

    pub fn get(&self, args: &[&str]) -> String {
        let out = self.cmd().arg("get").args(args).assert().success();
        String::from_utf8(out.get_output().stdout.clone()).unwrap()
    }
}

/// Runs `c` feeding it `stdin` from a thread (a child that stops reading cannot block the
/// test), with stdout and stderr captured. `install` says how to get the program when it
/// cannot be started.
pub fn output(c: &mut std::process::Command, stdin: &[u8], install: &str) -> Output {
    c.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let program = c.get_program().to_string_lossy().into_owned();
    let mut child = c
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {program} ({e}): {install}"));
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    out
}

/// A finished command's stdout, as text.
pub fn stdout(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(a.get_output().stdout.clone()).unwrap()
}

/// A finished command's stderr, as text.
pub fn stderr(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(a.get_output().stderr.clone()).unwrap()
}
