//! Concurrent writers: 4 processes each run `DEVVAULT_CONCURRENCY_OPS` (500 by default)
//! alternating `set` and `rotate` calls on 8 keys they share, all at once. Every call must
//! exit 0 without "database is locked" (or any error) on stderr, and afterwards each key's
//! history holds exactly its initial value plus one version per acknowledged write,
//! numbered 1..n with the newest current and holding an acknowledged value; one key's
//! versions are all revealed and must be exactly the values written to it. The workers
//! unlock through a timed session (`devvault unlock`), as a developer's shell would.

use crate::common;

use common::cli::{Env, PASS};
use common::crash::{Session, bin, devvault};
use std::collections::{BTreeMap, BTreeSet};
use std::process::{Command, Stdio};
use std::time::Instant;

const WORKERS: usize = 4;
const KEYS: usize = 8;

fn ops() -> usize {
    match std::env::var("DEVVAULT_CONCURRENCY_OPS") {
        Ok(s) => s
            .parse()
            .unwrap_or_else(|_| panic!("DEVVAULT_CONCURRENCY_OPS={s:?} is not a count")),
        Err(_) => 500,
    }
}

/// Worker `$1` makes `$2` writes: `set` on even steps, `rotate` on odd ones, each on a key
/// shared with the other workers; it prints `KEY VALUE` after each success and stops at
/// the first failure.
const WORKER: &str = r#"w=$1; n=$2; i=0
while [ "$i" -lt "$n" ]; do
    k=K$(( (i * 3 + w) % 8 ))
    if [ $((i % 2)) -eq 0 ]; then op=set; else op=rotate; fi
    printf 'w%d-%d' "$w" "$i" | "$BIN" "$op" app "$k" >/dev/null || exit 1
    echo "$k w$w-$i"
    i=$((i + 1))
done"#;

#[derive(serde::Deserialize)]
struct Version {
    version: u32,
    current: bool,
    value: Option<String>,
}

#[test]
fn four_writers_lose_no_update_and_never_see_a_locked_database() {
    let env = Env::new();
    for k in 0..KEYS {
        env.set(&["app", &format!("K{k}")], "init");
    }
    let n = ops();
    let session = Session::start(&env.vault);
    let start = Instant::now();
    let children: Vec<_> = (0..WORKERS)
        .map(|w| {
            Command::new("sh")
                .args(["-c", WORKER, "sh", &w.to_string(), &n.to_string()])
                .env("BIN", bin())
                .env("DEVVAULT_VAULT", &env.vault)
                .env("DEVVAULT_PASSPHRASE", PASS)
                .env_remove("DEVVAULT_PASSPHRASE_FILE")
                .env_remove("DEVVAULT_PASSPHRASE_COMMAND")
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outputs: Vec<_> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    let elapsed = start.elapsed();
    drop(session);
    let mut acked: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (w, out) in outputs.iter().enumerate() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !stderr.contains("locked") && !stderr.contains("error"),
            "worker {w} saw: {stderr}"
        );
        assert!(out.status.success(), "worker {w} failed: {stderr}");
        let stdout = String::from_utf8(out.stdout.clone()).unwrap();
        assert_eq!(stdout.lines().count(), n, "worker {w} stopped early");
        for line in stdout.lines() {
            let (k, v) = line.split_once(' ').unwrap();
            acked.entry(k.into()).or_default().insert(v.into());
        }
    }
    let current: BTreeMap<String, String> = {
        let out = devvault(&env.vault, PASS)
            .args(["export", "app", "--format", "json"])
            .output()
            .unwrap();
        assert!(out.status.success());
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let mut versions = 0;
    for k in 0..KEYS {
        let name = format!("K{k}");
        // Revealing every version reads the scope once per version; one key is enough
        // to check the values, the others are checked by count and current value.
        let reveal = k == 0;
        let mut cmd = devvault(&env.vault, PASS);
        cmd.args(["history", "app", &name, "--json"]);
        if reveal {
            cmd.arg("--reveal");
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success());
        let history: Vec<Version> = serde_json::from_slice(&out.stdout).unwrap();
        let want = acked.remove(&name).unwrap_or_default();
        assert_eq!(
            history.len(),
            want.len() + 1,
            "{name}: lost or extra versions"
        );
        let numbers: Vec<u32> = history.iter().map(|h| h.version).collect();
        assert_eq!(numbers, (1..=history.len() as u32).collect::<Vec<_>>());
        assert_eq!(history.iter().filter(|h| h.current).count(), 1);
        assert!(
            history.last().unwrap().current,
            "{name}: the newest is current"
        );
        assert!(
            want.contains(&current[&name]) || want.is_empty() && current[&name] == "init",
            "{name}: the current value was never acknowledged"
        );
        if reveal {
            assert_eq!(history[0].value.as_deref(), Some("init"));
            let got: BTreeSet<String> = history[1..]
                .iter()
                .map(|h| h.value.clone().unwrap())
                .collect();
            assert_eq!(
                got, want,
                "{name}: acknowledged writes missing from history"
            );
        }
        versions += history.len();
    }
    devvault(&env.vault, PASS)
        .args(["audit", "verify"])
        .stdout(Stdio::null())
        .status()
        .map(|s| assert!(s.success(), "audit verify failed"))
        .unwrap();
    eprintln!(
        "concurrency: {WORKERS} writers x {n} set/rotate on {KEYS} shared keys in {:.1} s, \
         {versions} versions checked, 0 lost",
        elapsed.as_secs_f64()
    );
}
