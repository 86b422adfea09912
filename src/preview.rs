//! What `receive` and `pull` show of an incoming value without showing it: the host of a
//! URL-shaped value (so a redirect to another server stands out) or whether its length
//! changed. Never a value, a user name or a password. Pure.

/// The `host[:port]` of a URL-shaped value (`scheme://[user[:pass]@]host[:port][/...]`),
/// with anything outside the characters of a host name escaped.
pub fn url_host(value: &str) -> Option<String> {
    let (scheme, rest) = value.split_once("://")?;
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'));
    if !scheme_ok {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if host.is_empty() {
        return None;
    }
    Some(
        host.chars()
            .take(255)
            .flat_map(
                |c| match c.is_ascii_alphanumeric() || ".-_:[]%".contains(c) {
                    true => vec![c],
                    false => c.escape_unicode().collect(),
                },
            )
            .collect(),
    )
}

/// A hint for an incoming value: for a changed one (`old` given), `host a -> b`,
/// `same host a`, `same length` or `different length`; for an added one, `host a` when it
/// is URL-shaped.
pub fn hint(old: Option<&str>, new: &str) -> Option<String> {
    let new_host = url_host(new);
    let Some(old) = old else {
        return new_host.map(|h| format!("host {h}"));
    };
    match (url_host(old), new_host) {
        (Some(a), Some(b)) if a == b => Some(format!("same host {a}")),
        (Some(a), Some(b)) => Some(format!("host {a} -> {b}")),
        (None, Some(b)) => Some(format!("now a URL to host {b}")),
        (Some(a), None) => Some(format!("was a URL to host {a}, now not a URL")),
        (None, None) if old.len() == new.len() => Some("same length".into()),
        (None, None) => Some("different length".into()),
    }
}

/// Text from elsewhere (a note, a URL) made safe to print on one line: cut to 200
/// characters, then escaped by [`crate::text::escape`].
pub fn printable(s: &str) -> String {
    let cut: String = s.chars().take(200).collect();
    let more = if s.chars().count() > 200 { "..." } else { "" };
    format!("{}{more}", crate::text::escape(&cut))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_without_credentials() {
        assert_eq!(
            url_host("postgres://app:pw@attacker.example:5432/app").as_deref(),
            Some("attacker.example:5432")
        );
        assert_eq!(url_host("https://h/x?y").as_deref(), Some("h"));
        assert_eq!(url_host("not a url"), None);
        assert_eq!(url_host("://x"), None);
        assert_eq!(
            url_host("https://a\u{1b}]0;b/").as_deref(),
            Some("a\\u{1b}]0\\u{3b}b")
        );
    }

    #[test]
    fn hints_never_hold_the_value() {
        let h = |o, n| hint(o, n).unwrap();
        assert_eq!(
            h(Some("postgres://u:p@h/db"), "postgres://u:q@evil/db"),
            "host h -> evil"
        );
        assert_eq!(h(Some("https://h/a"), "https://h/b"), "same host h");
        assert_eq!(h(Some("abc"), "abd"), "same length");
        assert_eq!(h(Some("abc"), "abcd"), "different length");
        assert_eq!(hint(None, "secret"), None);
        assert_eq!(h(None, "https://x.example/"), "host x.example");
        let shown = printable("a\u{1b}[2Jb\u{2028}");
        assert!(!shown.contains(['\u{1b}', '\u{2028}']), "{shown}");
    }
}
