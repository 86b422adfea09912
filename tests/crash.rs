//! Crash safety: `import` (1,000 keys), `set`, `rotate`, `rm`, `passwd` and `rekey` (a new
//! vault key, everything re-sealed: exactly the old or the new vault) run in a child
//! process SIGKILLed at random instants, `DEVVAULT_CRASH_ITERATIONS` times per operation
//! (300 by default). After every kill: `PRAGMA integrity_check` is ok, the vault unlocks,
//! every write the child acknowledged (printed after it succeeded) is there and decrypts, an
//! import is all there or not at all, and exactly one of the old and new passphrases works.
//! The kill instants are spread over the time one uninterrupted run takes, measured first.
//! The children unlock through a timed session (`devvault unlock`), and the checks reopen
//! with the vault key after the first passphrase unlock, so Argon2id does not dominate.

use crate::common;

use common::cli::{Env, PASS};
use common::crash::*;
use common::{key, scope};
use devvault::Error;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Instant;

const CI_ITERATIONS: usize = 300;

fn dotenv(keys: std::ops::Range<usize>, value: &str) -> String {
    keys.map(|n| format!("K{n}={value}-{n}\n")).collect()
}

/// Imports per vault: a fresh vault every so often keeps `integrity_check` cheap.
const IMPORTS_PER_VAULT: usize = 25;

#[test]
fn sigkill_during_import_lands_all_1000_keys_or_none() {
    let (start, mut rng) = (Instant::now(), Rng(0x9e37_79b9));
    let mut t = Tally::default();
    let total = iterations(CI_ITERATIONS);
    while t.kills < total {
        let env = Env::new();
        let _session = Session::start(&env.vault);
        let mut opener = Opener::new(&env.vault);
        let file = env.work().join("big.env");
        std::fs::write(&file, dotenv(0..1000, "imported")).unwrap();
        let import = |s: &str| {
            let mut c = devvault(&env.vault, PASS);
            c.arg("import").arg(s).arg(&file);
            c
        };
        let span = duration(import("imp/calibrate")) * 13 / 10;
        for i in 0..IMPORTS_PER_VAULT.min(total - t.kills) {
            let s = format!("imp/s{i}");
            let k = kill_after(import(&s), instant(&mut rng, span));
            let acked = k.acks.last().map(String::as_str)
                == Some(&format!("{s}: 1000 added, 0 changed, 0 unchanged"));
            assert_sound(&env.vault);
            let mut v = opener.open();
            match v.export(&scope(&s)) {
                Ok(entries) => {
                    assert_eq!(entries.len(), 1000, "a half-applied import in {s}");
                    for (k, val) in &entries {
                        let n = &k.as_str()[1..];
                        assert_eq!(val.expose_secret(), format!("imported-{n}"), "{s}");
                    }
                    t.finished += 1;
                    t.acked_writes += usize::from(acked) * 1000;
                }
                Err(Error::NotFound { .. }) => {
                    assert!(!acked, "{s}: the import was acknowledged, then lost");
                    t.interrupted += 1;
                }
                Err(e) => panic!("{s}: {e}"),
            }
            t.kills += 1;
        }
        reopen(&env.vault, PASS).audit_verify().unwrap();
    }
    t.report("import", start);
}

/// The kill instants of a loop: up to eight times one uninterrupted `set` (the children
/// unlock through a session, as a developer's shell does after `devvault unlock`).
fn loop_span(env: &Env) -> std::time::Duration {
    let mut c = devvault(&env.vault, PASS);
    c.args(["set", "calibrate/dev", "K", "--allow-empty"]);
    duration(c) * 8
}

/// The scope's current values by key name (none when the scope does not exist yet).
fn values_of(v: &mut devvault::Vault, s: &str) -> BTreeMap<String, String> {
    match v.export(&scope(s)) {
        Ok(e) => e
            .iter()
            .map(|(k, v)| (k.to_string(), v.expose_secret().to_string()))
            .collect(),
        Err(Error::NotFound { .. }) => BTreeMap::new(),
        Err(e) => panic!("{e}"),
    }
}

/// Checks one key of `app/w` after a kill: its history grew by every write acknowledged
/// for it (`acked`), plus at most the write in flight; its value is the newest of those.
/// `state` holds per key the versions seen so far and the current value. Returns how many
/// unacknowledged versions landed (0 or 1).
fn check_key(
    v: &mut devvault::Vault,
    name: &str,
    acked: &[usize],
    flying: Option<usize>,
    values: &BTreeMap<String, String>,
    state: &mut BTreeMap<String, (usize, String)>,
) -> usize {
    let (seen, current) = state.get(name).cloned().unwrap_or((0, String::new()));
    let history = match v.history(&scope("app/w"), &key(name)) {
        Ok(h) => h.len(),
        Err(Error::NotFound { .. }) => 0,
        Err(e) => panic!("{e}"),
    };
    let at_least = seen + acked.len();
    let extra = history.checked_sub(at_least).unwrap_or_else(|| {
        panic!("{name}: {history} versions, {at_least} acknowledged: a write was lost")
    });
    assert!(
        extra == 0 || (extra == 1 && flying.is_some()),
        "{name}: {extra} unknown versions"
    );
    let expected = match (extra, flying, acked.last()) {
        (1, Some(f), _) => format!("v{f}"),
        (_, _, Some(i)) => format!("v{i}"),
        _ => current,
    };
    if history > 0 {
        assert_eq!(values.get(name), Some(&expected), "{name}: wrong value");
        state.insert(name.to_string(), (history, expected));
    }
    extra
}

/// A `sh` loop of `devvault OP app/w K<i mod keys>` writing the value `v<i>`, printing `i`
/// after each success; killed at random instants and checked against its acknowledgements.
fn write_loop(op: &str, keys: usize, precreate: bool, seed: u64) {
    let (env, start, mut rng) = (Env::new(), Instant::now(), Rng(seed));
    let names: Vec<String> = (0..keys).map(|j| format!("K{j}")).collect();
    // Per key: versions seen so far, and the current value.
    let mut state: BTreeMap<String, (usize, String)> = BTreeMap::new();
    if precreate {
        for n in &names {
            env.set(&["app/w", n], "v-init");
            state.insert(n.clone(), (1, "v-init".into()));
        }
    }
    let script = format!(
        "i=$1; while :; do printf 'v%d' \"$i\" | \"$BIN\" {op} app/w \"K$((i % {keys}))\" \
         >/dev/null 2>&1 && echo \"$i\"; i=$((i + 1)); done"
    );
    let _session = Session::start(&env.vault);
    let mut opener = Opener::new(&env.vault);
    let span = loop_span(&env);
    let (mut t, mut next) = (Tally::default(), 0usize);
    for _ in 0..iterations(CI_ITERATIONS) {
        let mut cmd = sh(&env.vault, &script);
        cmd.arg("sh").arg(next.to_string());
        let k = kill_after(cmd, instant(&mut rng, span));
        let acks: Vec<usize> = k.acks.iter().map(|l| l.parse().unwrap()).collect();
        assert_eq!(
            acks,
            (next..next + acks.len()).collect::<Vec<_>>(),
            "a write failed"
        );
        let in_flight = next + acks.len();
        assert_sound(&env.vault);
        let mut v = opener.open();
        let values = values_of(&mut v, "app/w");
        for (j, name) in names.iter().enumerate() {
            let acked: Vec<usize> = acks.iter().copied().filter(|i| i % keys == j).collect();
            let flying = (in_flight % keys == j).then_some(in_flight);
            let extra = check_key(&mut v, name, &acked, flying, &values, &mut state);
            if flying.is_some() {
                t.interrupted += usize::from(extra == 0);
                t.finished += extra;
            }
        }
        t.kills += 1;
        t.acked_writes += acks.len();
        next = in_flight + 1;
    }
    reopen(&env.vault, PASS).audit_verify().unwrap();
    t.report(op, start);
}

#[test]
fn sigkill_during_set_loses_no_acknowledged_write() {
    write_loop("set", 20, false, 0x2545_f491);
}

#[test]
fn sigkill_during_rotate_loses_no_acknowledged_version() {
    write_loop("rotate", 4, true, 0x5851_f42d);
}

#[test]
fn sigkill_during_rm_removes_exactly_the_acknowledged_keys() {
    let (env, start, mut rng) = (Env::new(), Instant::now(), Rng(0x1405_7b7e));
    let file = env.work().join("keys.env");
    let mut present: BTreeSet<usize> = BTreeSet::new();
    let mut high = 0;
    let refill = |present: &mut BTreeSet<usize>, high: &mut usize| {
        std::fs::write(&file, dotenv(*high..*high + 1000, "r")).unwrap();
        let mut c = devvault(&env.vault, PASS);
        c.args(["import", "app/rm"]).arg(&file);
        duration(c);
        present.extend(*high..*high + 1000);
        *high += 1000;
    };
    let _session = Session::start(&env.vault);
    let mut opener = Opener::new(&env.vault);
    refill(&mut present, &mut high);
    let span = loop_span(&env);
    let script = "i=$1; while :; do \"$BIN\" rm app/rm \"K$i\" >/dev/null 2>&1 && echo \"$i\"; \
                  i=$((i + 1)); done";
    let mut t = Tally::default();
    let mut next = 0;
    for _ in 0..iterations(CI_ITERATIONS) {
        let mut cmd = sh(&env.vault, script);
        cmd.arg("sh").arg(next.to_string());
        let k = kill_after(cmd, instant(&mut rng, span));
        let acks: Vec<usize> = k.acks.iter().map(|l| l.parse().unwrap()).collect();
        assert_eq!(
            acks,
            (next..next + acks.len()).collect::<Vec<_>>(),
            "an rm failed"
        );
        for a in &acks {
            present.remove(a);
        }
        let in_flight = next + acks.len();
        assert_sound(&env.vault);
        let mut v = opener.open();
        let got = v.export(&scope("app/rm")).unwrap();
        let mut names: Vec<usize> = Vec::new();
        for (k, val) in &got {
            let n: usize = k.as_str()[1..].parse().unwrap();
            assert_eq!(val.expose_secret(), format!("r-{n}"));
            names.push(n);
        }
        let landed = names.len() + 1 == present.len();
        if landed {
            present.remove(&in_flight);
        }
        let got: BTreeSet<usize> = names.into_iter().collect();
        assert!(
            got == present,
            "rm acknowledged {acks:?}, in flight {in_flight}; missing {:?}, extra {:?}",
            present.difference(&got).collect::<Vec<_>>(),
            got.difference(&present).collect::<Vec<_>>()
        );
        t.kills += 1;
        t.acked_writes += acks.len();
        t.interrupted += usize::from(!landed);
        t.finished += usize::from(landed);
        next = in_flight + 1;
        drop(v);
        if present.len() < 100 {
            refill(&mut present, &mut high);
        }
    }
    reopen(&env.vault, PASS).audit_verify().unwrap();
    t.report("rm", start);
}

fn passwd(vault: &Path, from: &str, to: &str) -> std::process::Command {
    let mut c = devvault(vault, from);
    c.arg("passwd").env("DEVVAULT_NEW_PASSPHRASE", to);
    c
}

#[test]
fn sigkill_during_passwd_leaves_exactly_one_passphrase_working() {
    let (env, start, mut rng) = (Env::new(), Instant::now(), Rng(0x7f4a_7c15));
    env.set(&["app", "CANARY"], "still here");
    let other = "another passphrase 5678";
    let span = duration(passwd(&env.vault, PASS, other)) * 13 / 10;
    let mut current = other;
    let mut t = Tally::default();
    for _ in 0..iterations(CI_ITERATIONS) {
        let next = if current == PASS { other } else { PASS };
        let k = kill_after(passwd(&env.vault, current, next), instant(&mut rng, span));
        assert_sound(&env.vault);
        let (old_ok, new_ok) = (
            opens_with(&env.vault, current),
            opens_with(&env.vault, next),
        );
        assert!(old_ok ^ new_ok, "old works: {old_ok}, new works: {new_ok}");
        assert!(
            !k.finished || new_ok,
            "passwd succeeded but the new passphrase fails"
        );
        if new_ok {
            current = next;
            t.acked_writes += usize::from(k.finished);
        } else {
            t.interrupted += 1;
        }
        t.finished += usize::from(new_ok);
        t.kills += 1;
    }
    let mut v = reopen(&env.vault, current);
    let value = v.get(&scope("app"), &key("CANARY")).unwrap();
    assert_eq!(value.expose_secret(), "still here");
    v.audit_verify().unwrap();
    t.report("passwd", start);
}

#[test]
fn sigkill_during_rekey_leaves_exactly_the_old_or_the_new_vault() {
    let (env, start, mut rng) = (Env::new(), Instant::now(), Rng(0x2545_f491));
    env.cmd()
        .args(["import", "app", "-"])
        .write_stdin(dotenv(0..400, "value"))
        .assert()
        .success();
    env.set(&["app", "K1"], "rotated");
    env.set(&["other/prod", "P"], "prod value");
    let expect = |v: &mut devvault::Vault| {
        let app = values_of(v, "app");
        assert_eq!(app.len(), 400);
        assert_eq!(app["K1"], "rotated");
        assert_eq!(app["K7"], "value-7");
        assert_eq!(values_of(v, "other/prod")["P"], "prod value");
        assert_eq!(v.history(&scope("app"), &key("K1")).unwrap().len(), 2);
        v.audit_verify().unwrap();
    };
    let rekey = || {
        let mut c = devvault(&env.vault, PASS);
        c.arg("rekey");
        c
    };
    let span = duration(rekey()) * 13 / 10;
    let mut before = reopen(&env.vault, PASS).session_key();
    let mut t = Tally::default();
    for _ in 0..iterations(CI_ITERATIONS) {
        let k = kill_after(rekey(), instant(&mut rng, span));
        assert_sound(&env.vault);
        let mut v = reopen(&env.vault, PASS);
        expect(&mut v);
        let now = v.session_key();
        let changed = now.expose_secret() != before.expose_secret();
        assert!(
            !k.finished || changed,
            "rekey succeeded but the key is the old one"
        );
        // Exactly one key opens the vault: the old one only when nothing changed.
        let old_opens = devvault::Vault::open(&env.vault)
            .unwrap()
            .unlock_with_vault_key(before)
            .is_ok();
        assert_eq!(
            old_opens, !changed,
            "old and new key both (or neither) open it"
        );
        t.finished += usize::from(changed);
        t.interrupted += usize::from(!changed);
        t.acked_writes += usize::from(k.finished);
        t.kills += 1;
        before = now;
    }
    t.report("rekey", start);
}
