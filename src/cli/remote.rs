//! `devvault remote add|ls|rm|login|logout|status`: team remotes on HashiCorp Vault /
//! OpenBao KV v2, and how a command reaches one ([`access`]: the token from `VAULT_TOKEN`,
//! then `~/.vault-token` (both only for the server `VAULT_ADDR` names), then the OS
//! keychain, and `VAULT_NAMESPACE`, `VAULT_CACERT`, `VAULT_SKIP_VERIFY` as the vault CLI
//! reads them). Tokens live only there, never in the vault file.

use crate::Vault;
use crate::kv::plan::ScopeStatus;
use crate::kv::{Access, RemoteConfig, Token};
use crate::os::keychain::{self, store_name, token_account};
use crate::text::Escaped;
use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Subcommand};
use std::io::IsTerminal;

#[derive(Args, Debug)]
pub struct Remote {
    #[command(subcommand)]
    action: Action,
}

#[derive(Subcommand, Debug)]
#[command(defer = true)]
enum Action {
    /// Add a remote (or change one): NAME and the server's address (default: VAULT_ADDR)
    Add {
        /// A name for the remote, e.g. `team`
        name: String,
        /// The server's address, e.g. https://vault.example.com:8200 [default: $VAULT_ADDR]
        url: Option<String>,
        /// The KV version 2 mount
        #[arg(long, default_value = "secret")]
        mount: String,
        /// The path under the mount where scopes live (<mount>/data/<prefix>/<project>/<env>)
        #[arg(long, default_value = "devvault")]
        prefix: String,
        /// The namespace (X-Vault-Namespace) [default: $VAULT_NAMESPACE when pushing]
        #[arg(long)]
        namespace: Option<String>,
        /// Allow plain http:// to a host that is not this machine (the token travels in clear)
        #[arg(long)]
        insecure_http: bool,
    },
    /// List the remotes
    Ls {
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Remove a remote, what was synced with it, and its token in the OS keychain
    Rm {
        /// The remote's name
        name: String,
    },
    /// Store a token for a remote in the OS keychain (from VAULT_TOKEN, ~/.vault-token or a prompt)
    Login {
        /// The remote's name (optional with one remote)
        name: Option<String>,
    },
    /// Delete a remote's token from the OS keychain
    Logout {
        /// The remote's name (optional with one remote)
        name: Option<String>,
    },
    /// Per scope: in sync, local ahead, remote ahead, diverged, deleted/destroyed/metadata
    /// deleted on remote, or unreadable (exit 6 at the end when any is unreadable)
    Status {
        /// The remote (optional with one remote)
        #[arg(long)]
        remote: Option<String>,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
}

impl Remote {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let mut vault = ctx.unlock()?;
        match &self.action {
            Action::Add {
                name,
                url,
                mount,
                prefix,
                namespace,
                insecure_http,
            } => {
                let url = match url {
                    Some(u) => u.clone(),
                    None => std::env::var("VAULT_ADDR").map_err(|_| {
                        super::UsageError("give the server's address (or set VAULT_ADDR)".into())
                    })?,
                };
                let config = RemoteConfig::new(
                    name,
                    &url,
                    mount,
                    prefix,
                    namespace.as_deref(),
                    *insecure_http,
                )?;
                vault.add_remote(&config)?;
                if config.insecure_http && !config.url.starts_with("https://") {
                    crate::os::console::status!(
                        "warning: remote {name} uses plain http:// (--insecure-http): its token and values travel in clear"
                    );
                }
                crate::os::console::status!(
                    "remote {name}: {} (scopes at {}/data/{}); next: `devvault remote login {name}`",
                    config.url,
                    config.mount,
                    config.prefix
                );
                Ok(())
            }
            Action::Ls { json } => ls(&mut vault, *json),
            Action::Rm { name } => {
                vault.remove_remote(name)?;
                let token = match keychain::delete_token(&vault.id_hex(), name) {
                    Ok(true) => "; its token was deleted from the OS keychain",
                    _ => "",
                };
                crate::os::console::status!("remote {name} removed{token}");
                Ok(())
            }
            Action::Login { name } => login(&mut vault, name.as_deref()),
            Action::Logout { name } => {
                let config = vault.remote(name.as_deref())?;
                let gone = keychain::delete_token(&vault.id_hex(), &config.name)?;
                let what = if gone { "deleted from" } else { "was not in" };
                crate::os::console::status!(
                    "the token of remote {} {what} the {}",
                    config.name,
                    store_name()
                );
                Ok(())
            }
            Action::Status { remote, json } => status(&mut vault, remote.as_deref(), *json),
        }
    }
}

fn ls(vault: &mut Vault, json: bool) -> Result<()> {
    let remotes = vault.remotes()?;
    if json {
        crate::os::console::outln!("{}", serde_json::to_string_pretty(&remotes)?)?;
        return Ok(());
    }
    if remotes.is_empty() {
        crate::os::console::status!(
            "no remote; add one with `devvault remote add NAME URL --mount secret --prefix devvault`"
        );
    }
    for r in remotes {
        let ns = r
            .namespace
            .as_deref()
            .map(|n| format!(" namespace {}", Escaped::line(n)))
            .unwrap_or_default();
        let insecure = if r.insecure_http {
            "  (insecure http allowed)"
        } else {
            ""
        };
        crate::os::console::outln!(
            "{}  {}  {}/data/{}{ns}{insecure}",
            r.name,
            r.shown_url(),
            r.mount,
            r.prefix
        )?;
    }
    Ok(())
}

fn status(vault: &mut Vault, remote: Option<&str>, json: bool) -> Result<()> {
    let config = vault.remote(remote)?;
    let list = vault.remote_status(Some(&config.name), &access(vault, &config)?)?;
    if json {
        crate::os::console::outln!("{}", serde_json::to_string_pretty(&list)?)?;
    } else {
        table(&list)?;
    }
    let bad: Vec<&ScopeStatus> = list.iter().filter(|s| s.problem.is_some()).collect();
    for s in &bad {
        let why = s.problem.as_deref().unwrap_or_default();
        crate::os::console::status!("error: {}: {}", s.scope, Escaped::message(why));
    }
    if bad.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = bad.iter().map(|s| s.scope.as_str()).collect();
    Err(crate::Error::Remote {
        remote: config.name.clone(),
        url: config.url.clone(),
        status: None,
        what: format!(
            "{} of {} scopes cannot be read: {}",
            bad.len(),
            list.len(),
            names.join(", ")
        ),
        fix: "fix their entries on the server (each field a valid key name, e.g. `bao kv put`)"
            .into(),
    }
    .into())
}

fn table(list: &[ScopeStatus]) -> Result<()> {
    let width = super::output::width(list.iter().map(|s| s.scope.len()), 5);
    crate::os::console::outln!("{:width$}  {:26}  REMOTE  SYNCED", "SCOPE", "STATE")?;
    for s in list {
        let synced = s.synced_version.map_or("-".to_string(), |v| v.to_string());
        crate::os::console::outln!(
            "{:width$}  {:26}  {:>6}  {:>6}",
            s.scope,
            s.state.as_str(),
            s.remote_version,
            synced
        )?;
    }
    Ok(())
}

fn login(vault: &mut Vault, name: Option<&str>) -> Result<()> {
    let config = vault.remote(name)?;
    let token = match env_token(&config) {
        Some(t) => t,
        None => match home_token(&config) {
            Some(t) => t,
            None if std::io::stdin().is_terminal() => {
                let t = zeroize::Zeroizing::new(
                    rpassword::prompt_password(format!(
                        "token for {} ({}): ",
                        config.name, config.url
                    ))
                    .context("cannot read the token from the terminal")?,
                );
                Token::new(&t)
            }
            None => bail!(
                "no token: set VAULT_TOKEN, write ~/.vault-token (`bao login`), or run in a terminal to be asked"
            ),
        },
    };
    let mut access = transport();
    access.token = token;
    vault.check_remote_access(Some(&config.name), &access)?;
    let id = vault.id_hex();
    keychain::store_token(&id, &config.name, access.token.expose_secret()).map_err(|e| {
        anyhow!("the token works but was not stored in the {}: {e:#}. To fix: run devvault where the {} is unlocked, or give the token to each command as VAULT_TOKEN or ~/.vault-token (with VAULT_ADDR={})", store_name(), store_name(), Escaped::line(&config.url))
    })?;
    crate::os::console::status!(
        "token for remote {} checked and stored in the {} (service devvault, account {})",
        config.name,
        store_name(),
        token_account(&id, &config.name)
    );
    Ok(())
}

/// `VAULT_TOKEN`, when `VAULT_ADDR` names `config`'s server: a token meant for another
/// server is never sent to this one (said on stderr when skipped).
fn env_token(config: &RemoteConfig) -> Option<Token> {
    let t = zeroize::Zeroizing::new(std::env::var("VAULT_TOKEN").ok()?);
    if t.trim().is_empty() || !meant_for(config, "VAULT_TOKEN") {
        return None;
    }
    Some(Token::new(&t))
}

/// Whether `VAULT_ADDR` names `config`'s server, so that the vault CLI's token (`what`) is
/// meant for it; when not, says so on stderr.
fn meant_for(config: &RemoteConfig, what: &str) -> bool {
    let addr = std::env::var("VAULT_ADDR").unwrap_or_default();
    if config.is_at(&addr) {
        return true;
    }
    let shown = if addr.is_empty() {
        "unset".to_string()
    } else {
        Escaped::line(&addr).to_string()
    };
    crate::os::console::status!(
        "note: {what} not used for remote {} ({}): VAULT_ADDR ({shown}) names another server; set VAULT_ADDR={} to use it, or `devvault remote login {}`",
        config.name,
        Escaped::line(&config.url),
        Escaped::line(&config.url),
        config.name
    );
    false
}

/// `~/.vault-token` (what `bao login` / `vault login` wrote), on the same terms as
/// `VAULT_TOKEN`.
fn home_token(config: &RemoteConfig) -> Option<Token> {
    let home = std::env::var_os("HOME")?;
    let text = zeroize::Zeroizing::new(
        std::fs::read_to_string(std::path::Path::new(&home).join(".vault-token")).ok()?,
    );
    if text.trim().is_empty() || !meant_for(config, "~/.vault-token") {
        return None;
    }
    Some(Token::new(&text))
}

/// The transport options of the vault CLI's environment, with an empty token.
fn transport() -> Access {
    let mut access = Access::new(Token::new(""));
    access.namespace = std::env::var("VAULT_NAMESPACE")
        .ok()
        .filter(|n| !n.is_empty());
    access.ca_cert = std::env::var_os("VAULT_CACERT")
        .filter(|p| !p.is_empty())
        .map(Into::into);
    access.skip_verify = std::env::var("VAULT_SKIP_VERIFY").is_ok_and(|v| {
        !matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "" | "0" | "false" | "f" | "no"
        )
    });
    if access.skip_verify {
        crate::os::console::status!(
            "warning: VAULT_SKIP_VERIFY is set: the server's TLS certificate is not checked, so anyone on the network can read the token and values; unset it and trust the server's CA with VAULT_CACERT=PATH"
        );
    }
    access
}

/// How to reach `config`, the token taken in the vault CLI's order: `VAULT_TOKEN`, then
/// `~/.vault-token` (both only when `VAULT_ADDR` names the remote's server), then the token
/// `remote login` stored in the OS keychain; the access names its source, for messages.
/// No token is a remote error (exit 6) saying where it looked.
pub fn access(vault: &Vault, config: &RemoteConfig) -> Result<Access> {
    let mut access = transport();
    let (token, source) = if let Some(t) = env_token(config) {
        (t, "VAULT_TOKEN")
    } else if let Some(t) = home_token(config) {
        (t, "~/.vault-token")
    } else {
        match keychain::load_token(&vault.id_hex(), &config.name) {
            Ok(Some(t)) => (Token::new(&t), "the OS keychain (`devvault remote login`)"),
            Ok(None) => return Err(no_token(config, "holds none for it".into()).into()),
            Err(e) => {
                let why = format!(
                    "could not be read ({})",
                    Escaped::message(&format!("{e:#}"))
                );
                return Err(no_token(config, why).into());
            }
        }
    };
    access.token = token;
    access.source = Some(source.to_string());
    Ok(access)
}

/// No token for `config`: where devvault looked, and how to give one.
fn no_token(config: &RemoteConfig, keychain: String) -> crate::Error {
    crate::Error::Remote {
        remote: config.name.clone(),
        url: config.url.clone(),
        status: None,
        what: format!(
            "no token: VAULT_TOKEN and ~/.vault-token are not set for this server, and the {} {keychain}",
            store_name()
        ),
        fix: format!(
            "run `devvault remote login {}`, or set VAULT_ADDR={} with VAULT_TOKEN or ~/.vault-token (`bao login`)",
            config.name,
            Escaped::line(&config.url)
        ),
    }
}
