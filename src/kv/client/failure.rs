//! The KV v2 client's failures in words a user can act on: every one an [`Error::Remote`]
//! naming the remote, the HTTP status (when there was one) and the fix. The server's own
//! words are escaped and cut (a hostile body cannot drive the terminal); a token never
//! appears.

use super::super::RemoteConfig;
use crate::error::Error;

#[derive(serde::Deserialize, Default)]
struct Errors {
    #[serde(default)]
    errors: Vec<String>,
}

pub(super) fn fail(remote: &RemoteConfig, status: Option<u16>, what: String, fix: String) -> Error {
    Error::Remote {
        remote: remote.name.clone(),
        url: remote.url.clone(),
        status,
        what,
        fix,
    }
}

/// Whether a 404 body is the server's "no handler for route": the mount is not there.
pub(super) fn no_route(body: &[u8]) -> bool {
    messages(body).contains("no handler for route")
}

/// Whether `e` is about one entry's content (a field that is not a key name, malformed
/// metadata): a listing or a `pull --all` reports it for that scope and goes on.
pub fn is_bad_entry(e: &Error) -> bool {
    matches!(e, Error::Remote { status: Some(200), what, .. } if what.contains("cannot be read"))
}

pub(super) fn messages(body: &[u8]) -> String {
    let errs: Errors = serde_json::from_slice(body).unwrap_or_default();
    errs.errors
        .join("; ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

pub(super) fn bad_answer(remote: &RemoteConfig, op: &str) -> Error {
    fail(
        remote,
        None,
        format!("could not {op}: the server's answer is not a KV v2 answer"),
        format!(
            "check that `{}` is a KV version 2 mount (`bao secrets enable -version=2 -path={} kv`)",
            remote.mount, remote.mount
        ),
    )
}

/// An HTTP error status in words a user can act on.
/// `source` names where the token came from, said when the server refuses it.
pub(super) fn refused(
    remote: &RemoteConfig,
    source: Option<&str>,
    status: u16,
    body: &[u8],
    op: &str,
) -> Error {
    // The server's words, escaped and cut: a hostile body cannot drive the terminal.
    let said = crate::text::server_text(&messages(body));
    let said = if said.is_empty() {
        String::new()
    } else {
        format!(" ({said})")
    };
    let name = &remote.name;
    let fix = match status {
        401 | 403 => format!(
            "the token expired, was revoked, or its policy does not allow this: run `devvault remote login {name}` with a token whose policy grants read, create, update and list on {}/data/{}* and {}/metadata/{}*",
            remote.mount,
            slash(&remote.prefix),
            remote.mount,
            slash(&remote.prefix)
        ),
        404 => format!(
            "check the mount: `devvault remote add {name} {} --mount MOUNT` with a KV version 2 mount",
            remote.url
        ),
        429 | 500..=599 => {
            "the server is sealed, overloaded or failing: try again later, or ask its operator"
                .to_string()
        }
        _ => "check the remote's settings (`devvault remote ls`)".to_string(),
    };
    let from = match (status, source) {
        (401 | 403, Some(src)) => format!("; the token from {src} was used"),
        _ => String::new(),
    };
    fail(
        remote,
        Some(status),
        format!("could not {op}: HTTP {status}{said}{from}"),
        fix,
    )
}

fn slash(prefix: &str) -> String {
    if prefix.is_empty() {
        String::new()
    } else {
        format!("{prefix}/")
    }
}

/// A failure before any HTTP status: unreachable, TLS, timeout.
pub(super) fn transport(remote: &RemoteConfig, op: &str, e: &ureq::Error) -> Error {
    let detail = crate::text::server_text(&e.to_string());
    let (what, fix) = match e {
        // rustls reports handshake and certificate failures as invalid-data I/O errors.
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) | ureq::Error::Pem(_) => tls(op, &detail),
        ureq::Error::Io(io)
            if io.kind() == std::io::ErrorKind::InvalidData
                && remote.url.starts_with("https://") =>
        {
            tls(op, &detail)
        }
        ureq::Error::Timeout(_) => (
            format!("timed out while trying to {op}"),
            "check that the server is up and reachable, then try again".to_string(),
        ),
        _ => (
            format!("cannot reach the server to {op} ({detail})"),
            format!(
                "check that the server is up and that {} is its address (`devvault remote ls`); export and run keep working from the local copy",
                remote.url
            ),
        ),
    };
    fail(remote, None, what, fix)
}

fn tls(op: &str, detail: &str) -> (String, String) {
    (
        format!("TLS failed while trying to {op} ({detail})"),
        "check the address (https:// for a TLS listener), or trust the server's CA with VAULT_CACERT=PATH (VAULT_SKIP_VERIFY=1 only for testing)".to_string(),
    )
}
