//! A synchronous KV version 2 client (ureq with rustls): check the mount, read and write one
//! entry with check-and-set, list the scopes under a prefix (naming what is skipped), and
//! look up the token. Every failure is
//! an [`Error::Remote`] naming the remote, the HTTP status and the fix; a token never
//! appears in a message. Response bodies holding values are read into zeroized buffers.

use super::payload::{self, Entry, Field, Shape, pairs};
use super::plan::{self, Base, Digest, Gone, State};
use super::{Access, RemoteConfig};
use crate::error::Result;
use failure::{bad_answer, fail, messages, refused, transport};
use std::collections::BTreeMap;
use std::time::Duration;
use zeroize::Zeroizing;

mod failure;
mod listing;
mod mount;

pub use failure::is_bad_entry;
pub use listing::Listing;

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
    /// How the latest version went, when it is not live.
    pub gone: Option<Gone>,
    /// How the live entry is laid out (devvault's, or another tool's plain fields).
    pub shape: Shape,
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
    #[serde(default)]
    deletion_time: String,
    #[serde(default)]
    destroyed: bool,
}

impl VersionMeta {
    fn gone(&self) -> Gone {
        if self.destroyed {
            Gone::Destroyed
        } else {
            Gone::Deleted
        }
    }
}

#[derive(serde::Deserialize)]
struct WriteResponse {
    data: VersionMeta,
}

/// The state of a scope from its last sync, its local digest and what the server holds
/// (see [`plan::state`] and [`plan::state_without`]).
pub fn state_of(base: Option<&Base>, local: Option<Digest>, fetched: Option<&Remote>) -> State {
    match fetched.and_then(|r| r.entries.as_ref().map(|e| (r.version, e))) {
        Some((v, e)) => plan::state(base, local, Some((v, plan::digest(&pairs(e))))),
        None => plan::state_without(base, local, fetched.and_then(|r| r.gone)),
    }
}

impl<'a> Client<'a> {
    /// [`Client::new`], then [`Client::check_mount`]: a client whose mount exists and is
    /// KV version 2.
    pub fn connect(remote: &'a RemoteConfig, access: &'a Access) -> Result<Self> {
        let client = Client::new(remote, access)?;
        client.check_mount()?;
        Ok(client)
    }

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

    /// The server's refusal of `op` (its status and body), naming where the token came from.
    fn refused(&self, status: u16, body: &[u8], op: &str) -> crate::error::Error {
        refused(self.remote, self.access.source.as_deref(), status, body, op)
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

    /// The entry at `path` (under the mount's `data/`), None when there is none (never
    /// written, or erased with `kv metadata delete`). A 404 from a mount that is not there
    /// ("no handler for route") is an error naming the mount, not "no entry".
    pub fn read(&self, path: &str) -> Result<Option<Remote>> {
        let op = format!("read {}/data/{path}", self.remote.mount);
        let (status, body) = self.send("GET", &self.url("data", path), None, &op)?;
        let parsed: Option<ReadResponse> = serde_json::from_slice(&body).ok();
        let data = parsed.and_then(|p| p.data);
        match status {
            200 => {
                let data = data.ok_or_else(|| bad_answer(self.remote, &op))?;
                let Some(map) = data.data else {
                    return Ok(Some(gone_remote(data.metadata)));
                };
                if data
                    .metadata
                    .as_ref()
                    .is_some_and(|m| !m.deletion_time.is_empty())
                {
                    return Ok(Some(gone_remote(data.metadata)));
                }
                let version = data.metadata.map_or(0, |m| m.version);
                let shape = payload::shape_of(&map);
                let entries = payload::entries(map).map_err(|why| {
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
                })?;
                Ok(Some(Remote {
                    version,
                    entries: Some(entries),
                    gone: None,
                    shape,
                }))
            }
            404 if failure::no_route(&body) => Err(mount::missing(self.remote)),
            // A deleted or destroyed latest version answers 404 with its metadata.
            404 => Ok(data.and_then(|d| d.metadata).map(|m| gone_remote(Some(m)))),
            _ => Err(self.refused(status, &body, &op)),
        }
    }

    /// Writes `entries` at `path` with check-and-set on `cas`; the new version, or None when
    /// someone else wrote first (the check-and-set failed).
    pub fn write(&self, path: &str, entries: &[Entry], cas: u64) -> Result<Option<u64>> {
        self.write_as(path, entries, cas, Shape::Devvault)
    }

    /// [`Client::write`] in `shape` (an entry another tool wrote keeps its plain shape).
    pub fn write_as(
        &self,
        path: &str,
        entries: &[Entry],
        cas: u64,
        shape: Shape,
    ) -> Result<Option<u64>> {
        let op = format!("write {}/data/{path}", self.remote.mount);
        let body = payload::write_body_as(entries, cas, shape);
        let (status, answer) = self.send("POST", &self.url("data", path), Some(&body), &op)?;
        match status {
            200 | 204 => {
                let w: WriteResponse =
                    serde_json::from_slice(&answer).map_err(|_| bad_answer(self.remote, &op))?;
                Ok(Some(w.data.version))
            }
            400 if messages(&answer).contains("check-and-set") => Ok(None),
            _ => Err(self.refused(status, &answer, &op)),
        }
    }

    /// Checks the token with `auth/token/lookup-self`.
    pub fn check_token(&self) -> Result<()> {
        let op = "look up the token (auth/token/lookup-self)";
        let url = format!("{}/v1/auth/token/lookup-self", self.remote.url);
        let (status, body) = self.send("GET", &url, None, op)?;
        match status {
            200 => Ok(()),
            _ => Err(self.refused(status, &body, op)),
        }
    }
}

/// A remote entry whose latest version is not live.
fn gone_remote(meta: Option<VersionMeta>) -> Remote {
    Remote {
        version: meta.as_ref().map_or(0, |m| m.version),
        entries: None,
        gone: Some(meta.map_or(Gone::Deleted, |m| m.gone())),
        shape: Shape::Devvault,
    }
}
