//! A synchronous KV version 2 client (ureq with rustls): read and write one entry with
//! check-and-set, list the scopes under a prefix, and look up the token. Every failure is
//! an [`Error::Remote`] naming the remote, the HTTP status and the fix; a token never
//! appears in a message. Response bodies holding values are read into zeroized buffers.

use super::payload::{self, Entry, Field};
use super::{Access, RemoteConfig};
use crate::error::Result;
use failure::{bad_answer, fail, messages, refused, transport};
use std::collections::BTreeMap;
use std::time::Duration;
use zeroize::Zeroizing;

mod failure;

/// The largest response read (a scope of many large values).
const MAX_BODY: u64 = 64 << 20;

/// A connection to one remote.
pub struct Client<'a> {
    agent: ureq::Agent,
    remote: &'a RemoteConfig,
    access: &'a Access,
}

/// A KV entry as read: its current version and its live content (None when the latest
/// version is deleted or destroyed).
pub struct Remote {
    /// The entry's current version (what check-and-set must name).
    pub version: u64,
    /// The entries, when the latest version is live.
    pub entries: Option<Vec<Entry>>,
}

#[derive(serde::Deserialize)]
struct ReadResponse {
    data: Option<ReadData>,
}

#[derive(serde::Deserialize)]
struct ReadData {
    data: Option<BTreeMap<String, Field>>,
    metadata: Option<VersionMeta>,
}

#[derive(serde::Deserialize)]
struct VersionMeta {
    version: u64,
}

#[derive(serde::Deserialize)]
struct WriteResponse {
    data: VersionMeta,
}

#[derive(serde::Deserialize)]
struct ListResponse {
    data: ListData,
}

#[derive(serde::Deserialize)]
struct ListData {
    keys: Vec<String>,
}

impl<'a> Client<'a> {
    /// A client for `remote` with `access`; reads the CA file when one is given.
    pub fn new(remote: &'a RemoteConfig, access: &'a Access) -> Result<Self> {
        remote.check_transport()?;
        let mut tls = ureq::tls::TlsConfig::builder().disable_verification(access.skip_verify);
        if let Some(path) = &access.ca_cert {
            let pem = std::fs::read(path).map_err(|e| {
                fail(
                    remote,
                    None,
                    format!("cannot read the CA file {} ({e})", path.display()),
                    "set VAULT_CACERT to a readable PEM file of the server's CA".into(),
                )
            })?;
            let certs: Vec<_> = ureq::tls::parse_pem(&pem)
                .filter_map(|item| match item {
                    Ok(ureq::tls::PemItem::Certificate(c)) => Some(c),
                    _ => None,
                })
                .collect();
            if certs.is_empty() {
                return Err(fail(
                    remote,
                    None,
                    format!("{} holds no PEM certificate", path.display()),
                    "set VAULT_CACERT to a PEM file of the server's CA".into(),
                ));
            }
            tls = tls.root_certs(ureq::tls::RootCerts::new_with_certs(&certs));
        }
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .tls_config(tls.build())
            .timeout_connect(Some(Duration::from_secs(5)))
            .timeout_global(Some(Duration::from_secs(60)))
            .max_redirects(0)
            .build();
        Ok(Client {
            agent: config.new_agent(),
            remote,
            access,
        })
    }

    fn url(&self, api: &str, path: &str) -> String {
        format!("{}/v1/{}/{api}/{path}", self.remote.url, self.remote.mount)
    }

    fn namespace(&self) -> Option<&str> {
        self.remote
            .namespace
            .as_deref()
            .or(self.access.namespace.as_deref())
    }

    /// Sends one request; returns the status and the body (zeroized on drop).
    fn send(
        &self,
        method: &str,
        url: &str,
        body: Option<&[u8]>,
        op: &str,
    ) -> Result<(u16, Zeroizing<Vec<u8>>)> {
        let token = self.access.token.expose_secret();
        let result = match body {
            Some(b) => {
                let mut req = self
                    .agent
                    .post(url)
                    .header("X-Vault-Token", token)
                    .content_type("application/json");
                if let Some(ns) = self.namespace() {
                    req = req.header("X-Vault-Namespace", ns);
                }
                req.send(b)
            }
            None => {
                let mut req = match method {
                    "LIST" => self.agent.get(url).query("list", "true"),
                    _ => self.agent.get(url),
                }
                .header("X-Vault-Token", token);
                if let Some(ns) = self.namespace() {
                    req = req.header("X-Vault-Namespace", ns);
                }
                req.call()
            }
        };
        let mut resp = result.map_err(|e| transport(self.remote, op, &e))?;
        let status = resp.status().as_u16();
        let bytes = resp
            .body_mut()
            .with_config()
            .limit(MAX_BODY)
            .read_to_vec()
            .map_err(|e| transport(self.remote, op, &e))?;
        Ok((status, Zeroizing::new(bytes)))
    }

    /// The entry at `path` (under the mount's `data/`), None when it never existed.
    pub fn read(&self, path: &str) -> Result<Option<Remote>> {
        let op = format!("read {}/data/{path}", self.remote.mount);
        let (status, body) = self.send("GET", &self.url("data", path), None, &op)?;
        let parsed: Option<ReadResponse> = serde_json::from_slice(&body).ok();
        let data = parsed.and_then(|p| p.data);
        match status {
            200 => {
                let data = data.ok_or_else(|| bad_answer(self.remote, &op))?;
                let version = data.metadata.map_or(0, |m| m.version);
                let entries = match data.data {
                    Some(map) => Some(payload::entries(map).map_err(|why| {
                        fail(
                            self.remote,
                            Some(200),
                            format!(
                                "the entry at {}/data/{path} cannot be read: {why}",
                                self.remote.mount
                            ),
                            "fix the entry on the server (e.g. `bao kv put`) or pull another scope"
                                .into(),
                        )
                    })?),
                    None => None,
                };
                Ok(Some(Remote { version, entries }))
            }
            // A deleted latest version answers 404 with its metadata.
            404 => Ok(data.and_then(|d| d.metadata).map(|m| Remote {
                version: m.version,
                entries: None,
            })),
            _ => Err(refused(self.remote, status, &body, &op)),
        }
    }

    /// Writes `entries` at `path` with check-and-set on `cas`; the new version, or None when
    /// someone else wrote first (the check-and-set failed).
    pub fn write(&self, path: &str, entries: &[Entry], cas: u64) -> Result<Option<u64>> {
        let op = format!("write {}/data/{path}", self.remote.mount);
        let body = payload::write_body(entries, cas);
        let (status, answer) = self.send("POST", &self.url("data", path), Some(&body), &op)?;
        match status {
            200 | 204 => {
                let w: WriteResponse =
                    serde_json::from_slice(&answer).map_err(|_| bad_answer(self.remote, &op))?;
                Ok(Some(w.data.version))
            }
            400 if messages(&answer).contains("check-and-set") => Ok(None),
            _ => Err(refused(self.remote, status, &answer, &op)),
        }
    }

    /// The scopes (`project/env`) stored under the prefix, sorted. Every name the server
    /// lists is checked before it goes into a request path: one that could leave the prefix
    /// (`..`, a `/` inside, a control character) is refused; other names that are not devvault
    /// scopes are left out.
    pub fn scopes(&self) -> Result<Vec<String>> {
        use crate::model::{EnvName, ProjectName};
        let mut out = Vec::new();
        for listed in self.list(&self.remote.prefix)? {
            let Some(project) = self.listed_folder(&listed)? else {
                continue;
            };
            if ProjectName::new(project).is_err() {
                continue;
            }
            let under = join(&self.remote.prefix, project);
            for env in self.list(&under)? {
                if self.listed_folder(&env)?.is_none() && EnvName::new(&env).is_ok() {
                    out.push(format!("{project}/{env}"));
                }
            }
        }
        out.sort();
        Ok(out)
    }

    /// A name from a LIST reply: `Some(folder)` for `folder/`, None for an entry; an error
    /// for a name that is not one path segment.
    fn listed_folder<'n>(&self, name: &'n str) -> Result<Option<&'n str>> {
        let (base, folder) = match name.strip_suffix('/') {
            Some(b) => (b, true),
            None => (name, false),
        };
        if base.is_empty()
            || base == "."
            || base == ".."
            || base.contains(['/', '\\', '%', '?', '#'])
            || base.chars().any(crate::text::is_hostile)
        {
            return Err(fail(
                self.remote,
                Some(200),
                format!(
                    "the server listed `{}` under {}/metadata/{}, which is not a name: nothing is read from it",
                    crate::text::server_text(name),
                    self.remote.mount,
                    self.remote.prefix
                ),
                "the server or an entry on it is hostile or broken: ask its operator; pull scopes by name meanwhile".into(),
            ));
        }
        Ok(folder.then_some(base))
    }

    fn list(&self, path: &str) -> Result<Vec<String>> {
        let op = format!("list {}/metadata/{path}", self.remote.mount);
        let (status, body) = self.send("LIST", &self.url("metadata", path), None, &op)?;
        match status {
            200 => Ok(serde_json::from_slice::<ListResponse>(&body)
                .map_err(|_| bad_answer(self.remote, &op))?
                .data
                .keys),
            404 => Ok(Vec::new()),
            _ => Err(refused(self.remote, status, &body, &op)),
        }
    }

    /// Checks the token with `auth/token/lookup-self`.
    pub fn check_token(&self) -> Result<()> {
        let op = "look up the token (auth/token/lookup-self)";
        let url = format!("{}/v1/auth/token/lookup-self", self.remote.url);
        let (status, body) = self.send("GET", &url, None, op)?;
        match status {
            200 => Ok(()),
            _ => Err(refused(self.remote, status, &body, op)),
        }
    }
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}/{name}")
    }
}
