//! The key-unwrap path (AES-256-GCM open, as for a wrapped vault key): a sealed blob
//! XORed with fuzzer bytes, or truncated, opens only when unchanged, and never panics.
#![no_main]

use devvault::VaultKey;
use devvault::crypto::Sealer;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (head, noise) = data.split_at(data.len().min(1));
    let sealer = Sealer::new(&VaultKey::from_bytes([7; 32]));
    let plain = [0x42u8; 32];
    let aad = b"devvault fuzz slot";
    let mut blob = sealer.seal(aad, &plain).unwrap();
    let mut flipped = false;
    for (b, n) in blob.iter_mut().zip(noise) {
        *b ^= n;
        flipped |= *n != 0;
    }
    let cut = head.first().map_or(0, |&c| usize::from(c) % 8);
    blob.truncate(blob.len() - cut);
    let changed = flipped || cut > 0;
    match sealer.open(aad, &blob, "the fuzzed key") {
        Ok(p) => assert!(!changed && p.as_slice() == plain),
        Err(_) => assert!(changed),
    }
});
