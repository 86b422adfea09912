//! The team store: a HashiCorp Vault / OpenBao KV version 2 engine shared by a team.
//! This module owns the remote's settings ([`RemoteConfig`]), how to reach it ([`Access`]:
//! token, namespace, TLS), the KV v2 HTTP client (`kv.rs`), the mapping of a scope to one
//! KV entry (`payload.rs`) and the sync decision as pure functions (`sync.rs`). It never
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
}

fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
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
    ) -> Result<Self> {
        if !is_name(name) {
            return Err(Error::invalid(
                format!("invalid remote name `{}`", name.escape_debug()),
                "use lowercase letters, digits, `.`, `_` and `-` (e.g. `team`)",
            ));
        }
        let url = url.trim_end_matches('/');
        let host = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"));
        if host.is_none_or(|h| h.is_empty() || h.contains(['/', ' ', '?', '#'])) {
            return Err(Error::invalid(
                format!("invalid remote address `{}`", url.escape_debug()),
                "give the server's address as https://HOST[:PORT] (as in VAULT_ADDR)",
            ));
        }
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
        })
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
}

impl Access {
    /// An access with `token` and default transport options.
    pub fn new(token: Token) -> Self {
        Access {
            token,
            namespace: None,
            ca_cert: None,
            skip_verify: false,
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
        )
        .unwrap();
        assert_eq!(r.url, "https://v.example:8200");
        let scope = Scope::parse("myapp/prod").unwrap();
        assert_eq!(r.path(&scope), "devvault/myapp/prod");
        assert_eq!(r.location(&scope), "secret/data/devvault/myapp/prod");
        let bare = RemoteConfig::new("t", "http://127.0.0.1:1", "kv", "", Some("")).unwrap();
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
                RemoteConfig::new(name, url, mount, prefix, None).is_err(),
                "{name} {url} {mount} {prefix}"
            );
        }
    }

    #[test]
    fn token_debug_is_redacted() {
        assert_eq!(format!("{:?}", Token::new("hvs.secret")), "Token(***)");
    }
}
