//! Bundle import (`receive`): any bytes go through what `receive` does before it touches the
//! vault — the passphrase check, age decryption with a fixed X25519 identity, and the JSON
//! payload decoder — and the first byte also picks a run of the decoder alone on the rest,
//! so the fuzzer reaches payloads without forging age. Errors are fine; panics are not.
#![no_main]

use devvault::bundle::{self, Key};
use libfuzzer_sys::fuzz_target;

/// A throwaway identity for the fuzzer only (its bundles in the seed corpus are made with
/// `age -r age1twqe2z0ytq27g62khd5699ymdsplu340geq2d9ca802jfkk0d9xsnrvrhg`).
const IDENTITY: &str = "AGE-SECRET-KEY-1ZTXL0T7VLHJ4KCYWX7NDA5QAD845DW07F2XNAUS3WZLYWJFEL29SWH66YM";

fuzz_target!(|data: &[u8]| {
    if let Some((&0, rest)) = data.split_first() {
        let _ = bundle::decode(rest, "fuzz");
        return;
    }
    if bundle::is_passphrase(data, "fuzz").unwrap_or(true) {
        return;
    }
    let id: age::x25519::Identity = IDENTITY.parse().unwrap();
    let ids: Vec<Box<dyn age::Identity>> = vec![Box::new(id)];
    if let Ok(plain) = bundle::decrypt(data, Key::Identities(&ids), "fuzz") {
        let _ = bundle::decode(&plain, "fuzz");
    }
});
