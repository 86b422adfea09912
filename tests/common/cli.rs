//! The `devvault` binary with its own vault and passphrase, for the CLI tests.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::PathBuf;

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
