//! Crash safety of `receive`: a bundle of two scopes (100 keys each, every value new) is
//! imported by a child `devvault receive --yes` SIGKILLed at a random instant,
//! `DEVVAULT_CRASH_ITERATIONS` times (300 by default). After every kill: `integrity_check`
//! is ok, the vault unlocks, and both scopes hold either every value of this bundle or every
//! value of the previous state (never a mix: one transaction), with one more history
//! version per key exactly when the bundle landed; a receive the child acknowledged (it
//! printed `ok` after exit 0) is always there.

use crate::common;

use common::cli::{Env, PASS};
use common::crash::*;
use common::{key, scope};
use devvault::bundle::Recipient;
use std::time::Instant;

const KEYS: usize = 100;
const SCOPES: [&str; 2] = ["rcv/a", "rcv/b"];

/// The bundle of round `round`: every key of both scopes set to `r{round}-{scope}-{n}`.
fn bundle_for(round: usize, to: &Recipient) -> Vec<u8> {
    common::unsigned_bundle(&SCOPES, KEYS, |s, n| format!("r{round}-{s}-{n}"), to)
}

/// Which round's values the vault holds: `Some(round)` when every key of both scopes holds
/// that round's value, None when the scopes do not exist; a mix fails the test.
fn round_of(v: &mut devvault::Vault, last: Option<usize>) -> Option<usize> {
    let mut rounds = Vec::new();
    for s in SCOPES {
        let entries = match v.export(&scope(s)) {
            Ok(e) => e,
            Err(devvault::Error::NotFound { .. }) => {
                rounds.push(None);
                continue;
            }
            Err(e) => panic!("{e}"),
        };
        assert_eq!(
            entries.len(),
            KEYS,
            "{s}: a half-applied bundle (after {last:?})"
        );
        let first = entries[0].1.expose_secret().to_string();
        let round: usize = first[1..first.find('-').unwrap()].parse().unwrap();
        for (k, val) in &entries {
            let want = format!("r{round}-{s}-{}", &k.as_str()[1..]);
            assert_eq!(
                val.expose_secret(),
                want,
                "{s}: keys from different bundles"
            );
        }
        rounds.push(Some(round));
    }
    assert!(
        rounds.iter().all(|r| *r == rounds[0]),
        "scopes differ: {rounds:?}"
    );
    rounds[0]
}

#[test]
fn sigkill_during_receive_lands_the_whole_bundle_or_nothing() {
    let (env, start, mut rng) = (Env::new(), Instant::now(), Rng(0x2f6b_1c03));
    let _session = Session::start(&env.vault);
    let mut opener = Opener::new(&env.vault);
    let to = Recipient::parse(&opener.open().age_recipient().unwrap()).unwrap();
    let file = env.work().join("bundle.age");
    let script = format!(
        "\"$BIN\" receive --yes --unsigned '{}' >/dev/null 2>&1 && echo ok",
        file.display()
    );
    // Round 0 adds the keys; round 1, timed, changes them all as every later round does.
    std::fs::write(&file, bundle_for(0, &to)).unwrap();
    duration(sh(&env.vault, &script));
    std::fs::write(&file, bundle_for(1, &to)).unwrap();
    let span = duration(sh(&env.vault, &script)) * 2;
    let (mut t, mut landed) = (Tally::default(), Some(1usize));
    for round in 2..iterations(300) + 2 {
        std::fs::write(&file, bundle_for(round, &to)).unwrap();
        let k = kill_after(sh(&env.vault, &script), instant(&mut rng, span));
        assert_sound(&env.vault);
        let mut v = opener.open();
        let now = round_of(&mut v, landed);
        let acked = k.acks.iter().any(|l| l == "ok");
        if now == Some(round) {
            t.finished += 1;
            t.acked_writes += usize::from(acked);
            landed = now;
        } else {
            assert_eq!(now, landed, "neither the old state nor the bundle");
            assert!(
                !acked,
                "round {round}: the receive was acknowledged, then lost"
            );
            t.interrupted += 1;
        }
        // One version per landed bundle, rounds 0 and 1 included.
        let versions = v.history(&scope("rcv/b"), &key("K99")).unwrap().len();
        assert_eq!(versions, t.finished + 2, "history of rcv/b K99");
        t.kills += 1;
    }
    reopen(&env.vault, PASS).audit_verify().unwrap();
    t.report("receive", start);
    assert!(
        t.finished > 0,
        "no kill landed after the commit: the test proved nothing"
    );
}
