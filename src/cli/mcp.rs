//! `devvault mcp`: the names-only Model Context Protocol server for coding agents (the
//! protocol loop in `mcp_server.rs`, the tools in `mcp_tools.rs`); `devvault mcp allow
//! SCOPE -- CMD..`, `mcp ls`, `mcp revoke` keep the commands its `run` tool may start.
//!
//! The server starts only when the vault is already unlocked by the session unlock or the
//! OS keychain: it never prompts and reads no passphrase source (an agent must not hold
//! one). No tool returns or sets a value or changes the vault; every call is audited.

use crate::Scope;
use anyhow::Result;
use clap::{Args, Subcommand};

#[derive(Args, Debug)]
pub struct Mcp {
    #[command(subcommand)]
    action: Option<Action>,
}

#[derive(Subcommand, Debug)]
enum Action {
    /// Let the MCP server's `run` tool start exactly CMD (these arguments) with SCOPE
    Allow {
        /// PROJECT/ENV
        scope: String,
        /// The command and its arguments, after `--`
        #[arg(last = true, required = true, value_name = "CMD")]
        cmd: Vec<String>,
    },
    /// List the commands allowed for the MCP server, per scope
    Ls {
        /// PROJECT/ENV [default: every scope]
        scope: Option<String>,
    },
    /// Stop allowing CMD (or, with --all, every command) for SCOPE
    Revoke {
        /// PROJECT/ENV
        scope: String,
        /// Every command of the scope
        #[arg(long, conflicts_with = "cmd")]
        all: bool,
        /// The command and its arguments, after `--`
        #[arg(last = true, value_name = "CMD", required_unless_present = "all")]
        cmd: Vec<String>,
    },
}

impl Mcp {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        match &self.action {
            None => serve(ctx),
            Some(Action::Allow { scope, cmd }) => change(ctx, scope, |p| {
                p.commands.push(cmd.clone());
                format!("mcp allow: {}", super::mcp_run::shown(cmd))
            }),
            Some(Action::Revoke { scope, all, cmd }) => change(ctx, scope, |p| {
                match all {
                    true => p.commands.clear(),
                    false => p.commands.retain(|c| c != cmd),
                }
                match all {
                    true => "mcp revoke: every command".to_string(),
                    false => format!("mcp revoke: {}", super::mcp_run::shown(cmd)),
                }
            }),
            Some(Action::Ls { scope }) => list(ctx, scope.as_deref()),
        }
    }
}

/// Starts the server on stdin/stdout once the vault is unlocked without a passphrase.
fn serve(ctx: &super::Ctx) -> Result<()> {
    let path = ctx.vault_path()?;
    let Some(vault) = crate::os::passphrase::unlock_cached(&path)? else {
        anyhow::bail!(crate::os::passphrase::Locked(format!(
            "the MCP server needs {} unlocked already and never asks for a passphrase; run `devvault unlock --for 8h` (or `devvault keychain enable`) in a terminal first",
            path.display()
        )));
    };
    let vault = super::watch_reads(vault)?;
    // Commands the agent runs get a session keyring of their own, as `run` gives.
    crate::os::session::detach()?;
    super::mcp_server::serve(vault)
}

/// Changes the allowed commands of `scope` with `edit` (which returns the audit detail).
fn change(
    ctx: &super::Ctx,
    scope: &str,
    edit: impl FnOnce(&mut crate::vault::AgentPolicy) -> String,
) -> Result<()> {
    let scope = super::arg(Scope::parse(scope))?;
    let mut vault = ctx.unlock()?;
    let mut policy = vault.agent_policy(&scope)?;
    let detail = edit(&mut policy);
    vault.set_agent_policy(policy, &detail)?;
    print_policy(&vault.agent_policy(&scope)?)
}

fn list(ctx: &super::Ctx, scope: Option<&str>) -> Result<()> {
    let want = scope.map(|s| super::arg(Scope::parse(s))).transpose()?;
    let mut vault = ctx.unlock()?;
    let all = vault.agent_policies()?;
    let shown = all
        .iter()
        .filter(|p| want.as_ref().is_none_or(|w| p.scope == w.to_string()))
        .filter(|p| !p.commands.is_empty());
    let mut any = false;
    for p in shown {
        any = true;
        print_policy(p)?;
    }
    if !any {
        crate::os::console::status!("no command is allowed for the MCP server");
    }
    Ok(())
}

fn print_policy(p: &crate::vault::AgentPolicy) -> Result<()> {
    if p.commands.is_empty() {
        crate::os::console::status!("{}: no command allowed for the MCP server", p.scope);
    }
    for c in &p.commands {
        crate::os::console::outln!("{}: {}", p.scope, super::mcp_run::shown(c))?;
    }
    Ok(())
}
