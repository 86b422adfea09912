//! The mount check made before any read or write of entries: the mount exists and is a
//! KV version 2 engine (`GET sys/internal/ui/mounts/<mount>`, which any token with a
//! capability under the mount may call). A KV version 1 mount would take devvault's write
//! at `<mount>/data/...` as a plain secret; a missing one answers 404 to everything, which
//! must not read as "no entry". Both stop with an error naming the mount, before anything
//! is written.

use super::Client;
use super::failure::{fail, messages};
use crate::error::{Error, Result};
use crate::kv::RemoteConfig;

#[derive(serde::Deserialize)]
struct MountAnswer {
    data: Option<MountData>,
}

#[derive(serde::Deserialize)]
struct MountData {
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    options: Option<MountOptions>,
}

#[derive(serde::Deserialize)]
struct MountOptions {
    #[serde(default)]
    version: Option<String>,
}

/// The mount is not there (or the token may do nothing under it).
pub(super) fn missing(remote: &RemoteConfig) -> Error {
    fail(
        remote,
        Some(404),
        format!(
            "the mount `{}` does not exist on the server (or the token's policy grants nothing under it)",
            remote.mount
        ),
        format!(
            "enable it (`bao secrets enable -version=2 -path={} kv`) or point the remote at the KV version 2 mount: `devvault remote add {} {} --mount MOUNT --prefix {}`",
            remote.mount, remote.name, remote.url, remote.prefix
        ),
    )
}

fn not_v2(remote: &RemoteConfig, what: &str) -> Error {
    fail(
        remote,
        Some(200),
        format!(
            "the mount `{}` is {what}, not a KV version 2 engine: nothing was read or written",
            remote.mount
        ),
        format!(
            "upgrade it (`bao kv enable-versioning {}`) or point the remote at a KV version 2 mount: `devvault remote add {} {} --mount MOUNT`",
            remote.mount, remote.name, remote.url
        ),
    )
}

impl Client<'_> {
    /// Checks that the remote's mount exists and is KV version 2. A server without the
    /// endpoint (404) is let through: the reads and writes then tell a missing mount by
    /// the server's "no handler for route".
    pub fn check_mount(&self) -> Result<()> {
        let remote = self.remote;
        let op = format!(
            "look up the mount {} (sys/internal/ui/mounts)",
            remote.mount
        );
        let url = format!("{}/v1/sys/internal/ui/mounts/{}", remote.url, remote.mount);
        let (status, body) = self.send("GET", &url, None, &op)?;
        match status {
            200 => {
                let answer: Option<MountAnswer> = serde_json::from_slice(&body).ok();
                let Some(data) = answer.and_then(|a| a.data) else {
                    return Ok(());
                };
                let version = data.options.and_then(|o| o.version).unwrap_or_default();
                match (data.kind.as_str(), version.as_str()) {
                    ("kv", "2") => Ok(()),
                    ("kv" | "generic", "1" | "") => Err(not_v2(remote, "KV version 1")),
                    (kind, _) => Err(not_v2(
                        remote,
                        &format!("a `{}` engine", crate::text::server_text(kind)),
                    )),
                }
            }
            403 if messages(&body).contains("preflight capability check") => Err(missing(remote)),
            404 => Ok(()),
            _ => Err(self.refused(status, &body, &op)),
        }
    }
}
