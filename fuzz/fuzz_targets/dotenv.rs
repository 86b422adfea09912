//! The .env parser on arbitrary text: it returns entries with valid key names or a
//! `file:line` error, and never panics (round trips are a proptest in `src/dotenv_tests.rs`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(entries) = devvault::dotenv::parse(text, "fuzz.env") {
        for e in &entries {
            assert!(!e.key.as_str().is_empty());
        }
    }
});
