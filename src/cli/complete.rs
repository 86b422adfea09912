//! Dynamic shell completion of scope and key names (`source <(COMPLETE=bash devvault)`,
//! clap_complete's `CompleteEnv`). Names come only from a vault that is already unlocked by
//! the session unlock or the keychain slot: completion never prompts, never reads a
//! passphrase source, never prints a value, and writes nothing to stderr. A locked vault, a
//! missing one or any failure completes nothing.

use super::Ctx;
use crate::{Scope, Vault};
use clap_complete::engine::{ArgValueCandidates, CompletionCandidate};
use std::ffi::OsString;
use std::path::PathBuf;

/// Handles a completion request (`COMPLETE=SHELL` in the environment) and exits; returns at
/// once on a normal run.
pub fn handle() {
    clap_complete::CompleteEnv::with_factory(<super::Cli as clap::CommandFactory>::command)
        .complete();
}

/// Candidates for a scope argument: the vault's scopes, and, since the scope is optional,
/// the keys of the linked scope.
pub fn scopes() -> ArgValueCandidates {
    ArgValueCandidates::new(|| scope_names(&words()))
}

/// Candidates for a key argument: the keys of the scope named on the line, else of the
/// linked scope.
pub fn keys() -> ArgValueCandidates {
    ArgValueCandidates::new(|| key_names(&words()))
}

/// The words being completed (after `--` in `devvault -- devvault get app/dev ''`).
fn words() -> Vec<String> {
    let args: Vec<OsString> = std::env::args_os().collect();
    let start = args.iter().position(|a| a == "--").map_or(0, |i| i + 1);
    args[start..]
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect()
}

fn scope_names(words: &[String]) -> Vec<CompletionCandidate> {
    let Some(mut vault) = unlocked(words) else {
        return Vec::new();
    };
    let mut out: Vec<CompletionCandidate> = vault
        .scopes()
        .unwrap_or_default()
        .into_iter()
        .map(|s| CompletionCandidate::new(s.to_string()))
        .collect();
    if let Some(linked) = linked() {
        out.extend(keys_of(&mut vault, &linked));
    }
    out
}

fn key_names(words: &[String]) -> Vec<CompletionCandidate> {
    let Some(mut vault) = unlocked(words) else {
        return Vec::new();
    };
    let known = vault.scopes().unwrap_or_default();
    // The scope named on the line: the first word that is one of the vault's scopes.
    let named = words.iter().skip(1).find_map(|w| {
        Scope::parse(w)
            .ok()
            .filter(|s| known.contains(s) || known.iter().any(|k| k.project == s.project))
    });
    match named.or_else(linked) {
        Some(scope) => keys_of(&mut vault, &scope),
        None => Vec::new(),
    }
}

fn keys_of(vault: &mut Vault, scope: &Scope) -> Vec<CompletionCandidate> {
    let help = format!("key in {scope}");
    vault
        .list(scope)
        .unwrap_or_default()
        .into_iter()
        .map(|m| CompletionCandidate::new(m.key.to_string()).help(Some(help.clone().into())))
        .collect()
}

/// The linked scope of the current directory, if any.
fn linked() -> Option<Scope> {
    super::link::find_scope().ok()
}

/// The vault (from `--vault` on the line, `DEVVAULT_VAULT` or the default path), if the
/// session unlock or the keychain slot opens it; never a passphrase.
fn unlocked(words: &[String]) -> Option<Vault> {
    let given = words.iter().enumerate().find_map(|(i, w)| {
        w.strip_prefix("--vault=")
            .map(PathBuf::from)
            .or_else(|| (w == "--vault").then(|| words.get(i + 1).map(PathBuf::from))?)
    });
    let ctx = Ctx {
        vault_path: given.or_else(|| std::env::var_os("DEVVAULT_VAULT").map(PathBuf::from)),
    };
    let path = ctx.vault_path().ok()?;
    if !path.exists() {
        return None;
    }
    crate::os::passphrase::unlock_cached(&path).ok()?
}
