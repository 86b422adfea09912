//! What `receive` and `pull` show of an incoming value without showing it: the host of a
//! URL-shaped value (so a redirect to another server stands out) or whether its length
//! changed. Never a value, a user name or a password. Pure.

/// The `host[:port]` of a URL-shaped value (`scheme://[user[:pass]@]host[:port][/...]`), only
/// when it is shaped like a host: a DNS name ending in a letters-only label, `localhost`, an
/// IPv4 or a bracketed IPv6 address, or, after a network scheme ([`NETWORK_SCHEMES`]: `db` in
/// `postgres://u:p@db:5432/app`), one label; a port is digits. Whatever sits in host
/// position of `token://SECRET` is the secret, and is never shown.
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
    let network = NETWORK_SCHEMES.contains(&scheme.to_ascii_lowercase().as_str());
    host_shaped(host, network).then(|| host.to_string())
}

/// Schemes whose authority names a server, so a one-label host (`db`, `redis`) is a host.
pub const NETWORK_SCHEMES: &[&str] = &[
    "http",
    "https",
    "ws",
    "wss",
    "ftp",
    "ftps",
    "sftp",
    "ssh",
    "git",
    "postgres",
    "postgresql",
    "mysql",
    "mariadb",
    "redis",
    "rediss",
    "mongodb",
    "mongodb+srv",
    "amqp",
    "amqps",
    "mqtt",
    "mqtts",
    "nats",
    "kafka",
    "ldap",
    "ldaps",
    "smtp",
    "smtps",
    "imap",
    "imaps",
    "sqlserver",
    "mssql",
    "clickhouse",
    "cassandra",
    "memcached",
    "grpc",
    "tcp",
    "udp",
    "bolt",
    "neo4j",
    "couchdb",
    "etcd",
];

/// Whether `s` is `host[:port]`: a DNS name whose last label is letters only, `localhost`,
/// an IPv4 address or a bracketed IPv6 address; a port is 1 to 5 digits.
fn host_shaped(s: &str, network: bool) -> bool {
    let (host, port) = match s.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((v6, after)) => {
                let ok = !v6.is_empty() && v6.chars().all(|c| c.is_ascii_hexdigit() || c == ':');
                if !ok {
                    return false;
                }
                (
                    "[]",
                    after.strip_prefix(':').map(Some).unwrap_or(Some(after)),
                )
            }
            None => return false,
        },
        None => match s.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (s, None),
        },
    };
    let port_ok = match port {
        None | Some("") if host == "[]" => true,
        Some(p) => (1..=5).contains(&p.len()) && p.chars().all(|c| c.is_ascii_digit()),
        None => true,
    };
    port_ok
        && (host == "[]"
            || host == "localhost"
            || is_ipv4(host)
            || is_dns_name(host)
            || (network && is_label(host)))
}

fn is_ipv4(host: &str) -> bool {
    let parts: Vec<&str> = host.split('.').collect();
    parts.len() == 4 && parts.iter().all(|p| p.parse::<u8>().is_ok())
}

fn is_label(l: &str) -> bool {
    (1..=63).contains(&l.len())
        && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !l.starts_with('-')
        && !l.ends_with('-')
}

fn is_dns_name(host: &str) -> bool {
    let labels: Vec<&str> = host.split('.').collect();
    let label_ok = |l: &&str| is_label(l);
    let tld_ok = labels
        .last()
        .is_some_and(|t| t.len() >= 2 && t.chars().all(|c| c.is_ascii_alphabetic()));
    host.len() <= 253 && labels.len() >= 2 && labels.iter().all(label_ok) && tld_ok
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
/// characters, then escaped ([`crate::text::shown`]).
pub fn printable(s: &str) -> String {
    crate::text::shown(s, 200)
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
        assert_eq!(url_host("https://a\u{1b}]0;b.example/"), None);
        for (url, host) in [
            ("https://api.example.com/v1", "api.example.com"),
            ("redis://localhost:6379/0", "localhost:6379"),
            ("postgres://u:p@10.0.0.5:5432/db", "10.0.0.5:5432"),
            ("http://[::1]:8080/", "[::1]:8080"),
        ] {
            assert_eq!(url_host(url).as_deref(), Some(host), "{url}");
        }
    }

    #[test]
    fn a_secret_in_host_position_is_never_shown() {
        for v in [
            "token://sk_live_4eC39HqLyjWDarjtT1zdp7dc",
            "x://ghp16C7e42F292c6912E7710c838347Ae178B4a",
            "jwt://eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dozjgNryP4J3jVmNHl0w5NXgL0n3I9PlFUP0THsR8U",
            "a://user:pw@s3cr3tpassw0rd",
            "t://abc:123456",
        ] {
            assert_eq!(url_host(v), None, "{v}");
            assert_eq!(hint(None, v), None, "{v}");
            let changed = hint(Some("https://h.example/"), v).unwrap();
            assert!(!changed.contains(&v[v.len() - 6..]), "{changed}");
        }
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
