//! The passphrase slot's KDF parameter text, read from the vault header before anything is
//! allocated: it parses only to canonical parameters between the floor and the ceiling.
#![no_main]

use devvault::crypto::KdfParams;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(p) = KdfParams::parse(text) {
        let (f, c) = (KdfParams::FLOOR, KdfParams::CEILING);
        assert!(p.m_kib >= f.m_kib && p.t >= f.t && p.p >= f.p);
        assert!(p.m_kib <= c.m_kib && p.t <= c.t && p.p <= c.p);
        assert_eq!(p.canonical(), text);
    }
});
