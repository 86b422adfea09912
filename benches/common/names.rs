// The key names and the passphrase of every benchmark vault. `include!`d by the benches.

const KEY_SUFFIXES: [&str; 8] = [
    "API_KEY",
    "SECRET",
    "TOKEN",
    "DATABASE_URL",
    "PASSWORD",
    "CLIENT_ID",
    "WEBHOOK_SECRET",
    "PRIVATE_KEY",
];

/// A realistic key name such as `SERVICE_123_API_KEY`; distinct for distinct `i`.
fn key_name(i: usize) -> String {
    format!(
        "SERVICE_{}_{}",
        i / KEY_SUFFIXES.len(),
        KEY_SUFFIXES[i % KEY_SUFFIXES.len()]
    )
}

#[allow(dead_code)]
fn passphrase() -> devvault::Passphrase {
    devvault::Passphrase::new("correct horse battery staple".into())
}
