//! What the passphrase prompt remembers between commands, in a small file beside the vault
//! (`vault.db.unlock-state`, mode 0600, no secret): when it last asked, so that a second
//! prompt within a few minutes suggests `devvault unlock --for 8h`, and when the session
//! unlock given by `unlock --for` ends, so that an expired one is reported as expired.
//! Front-end side; a missing or unreadable file is simply an empty state.

use std::path::{Path, PathBuf};

/// A second prompt this soon after the last one (seconds) brings the hint.
pub const HINT_WINDOW: i64 = 5 * 60;

/// The remembered times (Unix seconds).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct State {
    /// When the passphrase was last asked on the terminal.
    pub last_prompt: Option<i64>,
    /// When the session unlock ends (or ended).
    pub session_ends: Option<i64>,
}

fn file(vault: &Path) -> PathBuf {
    let mut s = vault.as_os_str().to_owned();
    s.push(".unlock-state");
    PathBuf::from(s)
}

/// The state kept for `vault` (empty when there is none).
pub fn load(vault: &Path) -> State {
    let text = std::fs::read_to_string(file(vault)).unwrap_or_default();
    let mut st = State::default();
    for line in text.lines() {
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        let v = v.trim().parse().ok();
        match k.trim() {
            "last_prompt" => st.last_prompt = v,
            "session_ends" => st.session_ends = v,
            _ => {}
        }
    }
    st
}

/// Stores `st` for `vault`; failures are ignored (it is only a convenience).
pub fn save(vault: &Path, st: State) {
    let mut text = String::new();
    if let Some(t) = st.last_prompt {
        text.push_str(&format!("last_prompt={t}\n"));
    }
    if let Some(t) = st.session_ends {
        text.push_str(&format!("session_ends={t}\n"));
    }
    if vault.parent().is_some_and(Path::is_dir) {
        let _ = crate::os::private_file::write_private(&file(vault), text.as_bytes());
    }
}

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    crate::vault::now()
}

/// The sentence about a session unlock that ended before `now`, if one did.
pub fn expired_note(st: &State, now: i64) -> Option<String> {
    let ends = st.session_ends.filter(|&t| t <= now)?;
    let ago = (now - ends).max(0);
    let ago = match ago {
        0..60 => format!("{ago}s"),
        60..3600 => format!("{}m", ago / 60),
        3600..86_400 => format!("{}h", ago / 3600),
        _ => format!("{}d", ago / 86_400),
    };
    let day = ends.rem_euclid(86_400);
    Some(format!(
        "The session unlock of this vault expired at {:02}:{:02} UTC ({ago} ago).",
        day / 3600,
        day % 3600 / 60
    ))
}

/// Whether a prompt now is the second within [`HINT_WINDOW`].
pub fn wants_hint(st: &State, now: i64) -> bool {
    st.last_prompt
        .is_some_and(|t| now - t >= 0 && now - t <= HINT_WINDOW)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_rules() {
        let dir = tempfile::tempdir().unwrap();
        let v = dir.path().join("vault.db");
        assert_eq!(load(&v), State::default());
        let st = State {
            last_prompt: Some(1000),
            session_ends: Some(2000),
        };
        save(&v, st);
        assert_eq!(load(&v), st);
        assert!(wants_hint(&st, 1000 + 60));
        assert!(!wants_hint(&st, 1000 + HINT_WINDOW + 1));
        assert!(expired_note(&st, 1999).is_none());
        assert!(expired_note(&st, 2600).unwrap().contains("10m ago"));
    }
}
