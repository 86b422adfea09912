//! Small helpers of the keychain tests: `secret-tool`, stderr notices, a bus address that
//! leads nowhere, the clock.

use std::path::Path;
use std::process::Output;

/// Runs Debian's `secret-tool` (libsecret-tools) against the session's Secret Service.
pub fn secret_tool(args: &[&str]) -> Output {
    std::process::Command::new("secret-tool")
        .args(args)
        .output()
        .expect("secret-tool (libsecret-tools) is needed")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Exactly one `notice:` line, which is returned.
pub fn one_notice(stderr: &[u8]) -> String {
    let err = text(stderr);
    let notices: Vec<&str> = err.lines().filter(|l| l.starts_with("notice:")).collect();
    assert_eq!(notices.len(), 1, "want one notice line:\n{err}");
    notices[0].to_string()
}

/// A D-Bus address in `dir` where no bus listens.
pub fn no_such_bus(dir: &Path) -> String {
    format!("unix:path={}", dir.join("no-such-bus").display())
}

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    let d = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    d.unwrap().as_secs() as i64
}
