//! The team store: a HashiCorp Vault / OpenBao KV version 2 engine shared by a team.
//! This module owns the remote's settings ([`RemoteConfig`]), how to reach it ([`Access`]:
//! token, namespace, TLS), the KV v2 HTTP client (`client.rs`), the mapping of a scope to one
//! KV entry (`payload.rs`) and the sync decision as pure functions (`plan.rs`). It never
//! touches the vault file, prompts, prints or reads the environment: [`crate::Vault`] stores
//! the settings and sync states, and front ends pass the token and TLS options in.

pub mod client;
pub mod payload;
pub mod plan;

use crate::error::{Error, Result};
use crate::model::Scope;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// A remote's settings, kept sealed in the vault. Holds no token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteConfig {
    /// The remote's local name, e.g. `team`.
    pub name: String,
    /// The server's address, e.g. `https://vault.example.com:8200` (no trailing slash).
    pub url: String,
    /// The KV v2 mount, e.g. `secret`.
    pub mount: String,
    /// The path under the mount where scopes live, e.g. `devvault` (may be empty).
    pub prefix: String,
    /// The Vault Enterprise / OpenBao namespace (`X-Vault-Namespace`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// `http://` to a host that is not loopback, allowed by `remote add --insecure-http`
    /// (the token then travels in clear).
    #[serde(default)]
    pub insecure_http: bool,
}

fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
}

/// The host of `https://HOST[:PORT]` / `http://...`: `(is_https, host)`; None when the
/// address has another form.
fn split_address(url: &str) -> Option<(bool, &str)> {
    let (https, rest) = match url.strip_prefix("https://") {
        Some(r) => (true, r),
        None => (false, url.strip_prefix("http://")?),
    };
    Some((https, rest))
}

/// Whether `authority` (`HOST[:PORT]`) is a loopback host: `localhost`, `127.0.0.0/8` or
/// `[::1]`.
fn is_loopback(authority: &str) -> bool {
    let host = match authority.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn check_address(url: &str, insecure_http: bool) -> Result<()> {
    let Some((https, authority)) = split_address(url) else {
        return Err(bad_address(url));
    };
    if authority.contains('@') {
        // Never echo the address: what precedes `@` is a password.
        return Err(Error::invalid(
            "the remote address holds credentials (`USER:PASSWORD@` before the host)",
            "give the address without them (https://HOST[:PORT]); the token comes from `devvault remote login`",
        ));
    }
    if authority.is_empty()
        || authority.contains(['/', ' ', '?', '#', '\\'])
        || authority.chars().any(crate::text::is_hostile)
    {
        return Err(bad_address(url));
    }
    if !https && !insecure_http && !is_loopback(authority) {
        return Err(Error::invalid(
            format!(
                "the remote address `{}` is plain http:// to a host that is not this machine: the token would travel in clear",
                url.escape_debug()
            ),
            "use https://, or pass --insecure-http to `devvault remote add` if the network is trusted",
        ));
    }
    Ok(())
}

fn bad_address(url: &str) -> Error {
    Error::invalid(
        format!("invalid remote address `{}`", crate::text::escape(url)),
        "give the server's address as https://HOST[:PORT] (as in VAULT_ADDR)",
    )
}

fn is_path(s: &str) -> bool {
    s.split('/').all(|part| {
        !part.is_empty()
            && part != "."
            && part != ".."
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
    })
}

impl RemoteConfig {
    /// Checks and normalises the settings (slashes trimmed around the mount and prefix).
    pub fn new(
        name: &str,
        url: &str,
        mount: &str,
        prefix: &str,
        namespace: Option<&str>,
        insecure_http: bool,
    ) -> Result<Self> {
        if !is_name(name) {
            return Err(Error::invalid(
                format!("invalid remote name `{}`", name.escape_debug()),
                "use lowercase letters, digits, `.`, `_` and `-` (e.g. `team`)",
            ));
        }
        let url = url.trim_end_matches('/');
        check_address(url, insecure_http)?;
        let mount = mount.trim_matches('/');
        let prefix = prefix.trim_matches('/');
        if !is_path(mount) || !(prefix.is_empty() || is_path(prefix)) {
            return Err(Error::invalid(
                format!("invalid mount `{mount}` or prefix `{prefix}`"),
                "use path segments of letters, digits, `.`, `_` and `-` (e.g. --mount secret --prefix devvault)",
            ));
        }
        Ok(RemoteConfig {
            name: name.to_string(),
            url: url.to_string(),
            mount: mount.to_string(),
            prefix: prefix.to_string(),
            namespace: namespace.filter(|n| !n.is_empty()).map(str::to_string),
            insecure_http,
        })
    }

    /// Checks the address again before it is used: a remote stored by an older devvault
    /// may be plain `http://` to another host or carry credentials.
    pub fn check_transport(&self) -> Result<()> {
        check_address(&self.url, self.insecure_http)
    }

    /// The address to show: a `USER:PASSWORD@` an older devvault stored is masked, and the
    /// rest escaped.
    pub fn shown_url(&self) -> String {
        let url = match (split_address(&self.url), self.url.find("://")) {
            (Some((_, authority)), Some(i)) if authority.contains('@') => {
                let host = authority.rsplit('@').next().unwrap_or_default();
                format!("{}***@{host}", &self.url[..i + 3])
            }
            _ => self.url.clone(),
        };
        crate::text::escape(&url)
    }

    /// Whether `addr` (e.g. `VAULT_ADDR`) names this remote's server: the same scheme, host
    /// and port (case and a trailing `/` aside).
    pub fn is_at(&self, addr: &str) -> bool {
        let norm = |s: &str| s.trim().trim_end_matches('/').to_ascii_lowercase();
        norm(addr) == norm(&self.url)
    }

    /// The KV path of a scope under the mount: `<prefix>/<project>/<env>`.
    pub fn path(&self, scope: &Scope) -> String {
        if self.prefix.is_empty() {
            format!("{}/{}", scope.project, scope.env)
        } else {
            format!("{}/{}/{}", self.prefix, scope.project, scope.env)
        }
    }

    /// Where a scope lives, for messages: `<mount>/data/<path>`.
    pub fn location(&self, scope: &Scope) -> String {
        format!("{}/data/{}", self.mount, self.path(scope))
    }
}

/// A Vault / OpenBao token. No Clone, no Display, no Serialize; Debug prints `***`.
pub struct Token(SecretString);

impl Token {
    /// Wraps a token (surrounding whitespace dropped).
    pub fn new(token: &str) -> Self {
        Token(SecretString::from(token.trim().to_string()))
    }

    /// The token itself: every use is visible by grepping `expose_secret`.
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(***)")
    }
}

/// How to reach a remote: the token and the transport options of the vault CLI
/// (`VAULT_TOKEN`, `VAULT_NAMESPACE`, `VAULT_CACERT`, `VAULT_SKIP_VERIFY`).
#[derive(Debug)]
pub struct Access {
    /// The token sent as `X-Vault-Token`.
    pub token: Token,
    /// A namespace used when the remote's settings name none.
    pub namespace: Option<String>,
    /// A PEM file of CA certificates to trust instead of the built-in web roots.
    pub ca_cert: Option<PathBuf>,
    /// Do not verify the server's certificate (testing only).
    pub skip_verify: bool,
    /// Where the token came from (`VAULT_TOKEN`, `~/.vault-token`, the OS keychain), named
    /// when the server refuses it.
    pub source: Option<String>,
}

impl Access {
    /// An access with `token` and default transport options.
    pub fn new(token: Token) -> Self {
        Access {
            token,
            namespace: None,
            ca_cert: None,
            skip_verify: false,
            source: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_checked_and_normalised() {
        let r = RemoteConfig::new(
            "team",
            "https://v.example:8200/",
            "/secret/",
            "devvault/",
            None,
            false,
        )
        .unwrap();
        assert_eq!(r.url, "https://v.example:8200");
        let scope = Scope::parse("myapp/prod").unwrap();
        assert_eq!(r.path(&scope), "devvault/myapp/prod");
        assert_eq!(r.location(&scope), "secret/data/devvault/myapp/prod");
        let bare = RemoteConfig::new("t", "http://127.0.0.1:1", "kv", "", Some(""), false).unwrap();
        assert_eq!(bare.path(&scope), "myapp/prod");
        assert_eq!(bare.namespace, None);
        for (name, url, mount, prefix) in [
            ("Team", "https://v", "secret", ""),
            ("team", "v.example", "secret", ""),
            ("team", "https://", "secret", ""),
            ("team", "https://v", "", ""),
            ("team", "https://v", "secret", "a/../b"),
            ("team", "https://v", "sec ret", ""),
        ] {
            assert!(
                RemoteConfig::new(name, url, mount, prefix, None, false).is_err(),
                "{name} {url} {mount} {prefix}"
            );
        }
    }

    #[test]
    fn plain_http_only_to_loopback_or_when_allowed_and_never_credentials() {
        let add = |url: &str, insecure: bool| RemoteConfig::new("t", url, "kv", "", None, insecure);
        for ok in [
            "http://127.0.0.1:8200",
            "http://localhost:8200",
            "http://LOCALHOST",
            "http://[::1]:8200",
            "http://127.1.2.3",
            "https://vault.corp.example.com:8200",
        ] {
            assert!(add(ok, false).is_ok(), "{ok}");
        }
        let e = add("http://vault.corp.example.com:8200", false)
            .unwrap_err()
            .to_string();
        assert!(e.contains("--insecure-http") && e.contains("clear"), "{e}");
        for bad in [
            "http://127.0.0.1.evil.example",
            "http://[::2]:1",
            "http://10.0.0.1",
        ] {
            assert!(add(bad, false).is_err(), "{bad}");
        }
        let r = add("http://vault.corp.example.com:8200", true).unwrap();
        assert!(r.insecure_http && r.check_transport().is_ok());
        for creds in [
            "https://user:hunter2@vault.example.com",
            "http://u:hunter2@127.0.0.1:8200",
        ] {
            let e = add(creds, true).unwrap_err().to_string();
            assert!(e.contains("credentials") && !e.contains("hunter2"), "{e}");
        }
        let mut old = add("https://v.example", false).unwrap();
        old.url = "http://v.example".into();
        assert!(old.check_transport().is_err());
        assert!(old.is_at("HTTP://v.example/") && !old.is_at("http://w.example"));
        old.url = "https://u:hunter2@v.example:8200".into();
        assert_eq!(old.shown_url(), "https://***@v.example:8200");
        assert!(old.check_transport().is_err());
    }

    #[test]
    fn token_debug_is_redacted() {
        assert_eq!(format!("{:?}", Token::new("hvs.secret")), "Token(***)");
    }
}
