//! The command line: the clap `Cli`/`Command` definitions (their doc comments are the help
//! text), the context every subcommand gets (vault path, unlock, scope resolution), and the
//! mapping of errors to exit codes. One file per subcommand beside this one.

mod agent_rules;
mod allow;
mod allow_env;
mod audit;
mod check;
mod clipboard_hold;
mod complete;
mod completions;
mod confirm;
mod creation;
mod ctx;
mod deny;
mod doctor;
mod errors;
mod example;
mod export;
mod exposure;
mod generator;
mod get;
mod grant;
mod hidden;
mod history;
mod hook;
mod identity;
mod import;
mod import_from;
mod incoming;
mod inherit;
mod init;
mod inject;
mod keychain;
mod link;
mod local_env;
mod lock;
mod ls;
mod mark;
mod mcp;
mod mcp_run;
mod mcp_server;
mod mcp_tools;
mod mv;
mod offboard;
mod onboard;
mod onboard_request;
mod output;
mod passwd;
mod policy;
mod positionals;
mod projects;
mod pull;
mod push;
mod read;
mod receive;
mod redact;
mod rekey;
mod remote;
mod rm;
mod rollback;
mod rotate;
mod run;
mod run_redact;
mod scan;
mod scope;
mod select;
mod set;
mod share;
mod stale;
mod sweep;
mod trust;
mod tui;
mod unlock;

pub use ctx::Ctx;
use ctx::watch_reads;
pub use errors::{UsageError, arg, check_by, check_with, exit_code, is_broken_pipe, split_scope};

use anyhow::Result;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// The `devvault` command: parse the arguments, run the command, print an error as
/// `error: ...` and map it to the documented exit code (a closed stdout pipe is success).
pub fn main() -> ExitCode {
    // `COMPLETE=bash devvault ...`: dynamic shell completion, then exit.
    complete::handle();
    // The internal clipboard holder (`get --copy` starts it) is recognised before clap, so
    // it is in no help, completion or "did you mean" suggestion.
    if std::env::args_os()
        .nth(1)
        .is_some_and(|a| a == clipboard_hold::NAME)
    {
        let hold = clipboard_hold::HoldCli::parse_from(std::env::args_os().skip(1));
        return match hold.run() {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                crate::os::console::status!("error: {err:#}");
                ExitCode::from(1)
            }
        };
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // `get app/dev -n KEY`: clap takes no positional after an option once one optional
        // positional was given; the same words with the options last are tried once.
        Err(e) => match positionals::options_last(&e).map(Cli::try_parse_from) {
            Some(Ok(cli)) => cli,
            _ => return positionals::parse_failed(e),
        },
    };
    match cli.run() {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            // Errors can quote a server's or a file's text: nothing in it may act on the terminal.
            let text = format!("{err:#}");
            crate::os::console::status!("error: {}", crate::text::Escaped::message(&text));
            ExitCode::from(exit_code(&err))
        }
    }
}

/// A terminal vault for developers' secrets.
///
/// Secrets live in one encrypted SQLite file, unlocked by a master passphrase. Give them back
/// where they are needed with `export` and `run`.
#[derive(Parser, Debug)]
#[command(
    name = "devvault",
    version,
    propagate_version = true,
    max_term_width = 100
)]
#[command(
    after_help = "Unlock sources, in order: DEVVAULT_PASSPHRASE_FILE (a file), \
DEVVAULT_PASSPHRASE_COMMAND (its stdout), DEVVAULT_PASSPHRASE (for CI), then a no-echo prompt.\n\
Exit codes: 0 ok, 1 error, 2 usage, 3 wrong passphrase, 4 not found, 5 integrity failure, \
6 remote error (unreachable, TLS, refused), 7 sync conflict (pull, or --theirs/--ours), \
8 outcome unknown (the disk failed after the change was written: check before retrying)."
)]
pub struct Cli {
    /// The vault file [default: the platform data directory, e.g. ~/.local/share/devvault/vault.db]
    #[arg(long, global = true, env = "DEVVAULT_VAULT", value_name = "PATH")]
    vault: Option<PathBuf>,

    /// Unlock a vault whose Argon2id parameters exceed what devvault spends unasked (more
    /// than 2 GiB of memory, or memory x passes above 4 GiB): only if you chose them
    #[arg(long, global = true)]
    allow_expensive_kdf: bool,

    /// With no command: lock the terminal UI after this long without a key press (e.g. 5m)
    #[arg(long, value_name = "DURATION")]
    lock_after: Option<String>,

    #[command(subcommand)]
    command: Option<Command>,
}

/// Each subcommand's arguments are built only when it is the one invoked (`defer`): building
/// the whole tree was a tenth of a short command's time. Help and completions build it all.
#[derive(Subcommand, Debug)]
#[command(defer = true)]
enum Command {
    /// The terminal UI (also what `devvault` alone opens)
    Tui(tui::Tui),
    /// Create the vault: the passphrase is asked twice (or taken from a source), Argon2id calibrated
    Init(init::Init),
    /// Write .devvault.toml here so later commands need no scope (safe to commit: no secrets)
    Link(link::Link),
    /// List projects and their environments
    Projects(projects::Projects),
    /// List the keys of a scope with their dates, versions and rotation status; never values
    Ls(ls::Ls),
    /// Set a key: the value comes from stdin or a no-echo prompt, never the command line
    Set(set::Set),
    /// Print one value raw, for scripts, or copy it to the clipboard (--copy)
    Get(get::Get),
    /// Delete a key (its versions are kept in history until --purge)
    Rm(rm::Rm),
    /// Rename a key, with its history and policy
    Mv(mv::Mv),
    /// Remove, rename, copy or compare scopes: `scope rm|mv|cp|diff`
    Scope(scope::ScopeCmd),
    /// Load a .env file (`-` = stdin), or with `--from FORMAT` another manager's file
    /// (keepassxc, pass, bitwarden, dotenvx, 1password); reports added / changed / unchanged
    Import(import::Import),
    /// Print a scope as dotenv, shell, json, yaml, docker or k8s, or write it to a file
    Export(export::Export),
    /// Run a command with the scope's variables in its environment; no file is written
    Run(run::Run),
    /// Rotate a key: a new version from stdin, a prompt or --generate; the old one is kept
    Rotate(rotate::Rotate),
    /// List a key's versions with dates and what made them; values only with --reveal
    History(history::History),
    /// Restore an earlier version of a key as a new version
    Rollback(rollback::Rollback),
    /// List every secret past its maximum age, across all projects
    Stale(stale::Stale),
    /// Show or set the maximum age of a scope's or a key's secrets (default 90d)
    Policy(policy::Policy),
    /// Show the tamper-evident audit log (never values); `audit verify` checks the chain
    Audit(audit::Audit),
    /// Change the passphrase (and optionally the Argon2id cost): a new vault key, everything
    /// re-sealed, atomic; --keep-key only rewraps the key
    Passwd(passwd::Passwd),
    /// Make a new vault key and re-seal everything under it (atomic); the passphrase stays
    Rekey(rekey::Rekey),
    /// Manage the OS keychain slot: enable, disable, status
    Keychain(keychain::Keychain),
    /// Hold the vault key in the kernel keyring for a while (headless and SSH machines)
    Unlock(unlock::Unlock),
    /// Forget every cached key now (the kernel keyring's session unlock)
    Lock(lock::Lock),
    /// Team remotes on HashiCorp Vault / OpenBao KV v2: add, ls, rm, login, logout, status
    Remote(remote::Remote),
    /// Write a scope to a team remote (check-and-set; stops if someone pushed since)
    Push(push::Push),
    /// Bring a team remote's changes in (old values kept in history); --all for every scope
    Pull(pull::Pull),
    /// Print a .env.example for the scope: keys and comments, no values (--references: a
    /// reference to each key)
    Example(example::Example),
    /// Check the scope (or, with --env, this environment) against the .env.example schema
    Check(check::Check),
    /// Print the value a reference (devvault://PROJECT/ENV/KEY) names, raw like `get`
    Read(read::Read),
    /// Fill a template's {{ devvault://PROJECT/ENV/KEY }} references; stdout or -o FILE (0600)
    Inject(inject::Inject),
    /// Fill the keys of the repository's .env.example that the scope lacks (no-echo prompts)
    Onboard(onboard::Onboard),
    /// Write scopes into an age-encrypted bundle for a teammate
    Share(share::Share),
    /// Preview and import a bundle made by `share` (in one transaction)
    Receive(receive::Receive),
    /// Answer a teammate's `onboard --request`: show who asks and for what, then write a
    /// signed bundle of exactly the asked-for keys this vault holds, to their identity
    Grant(grant::Grant),
    /// Who received a key at which versions (share, grant, push), or what --to NAME received
    Exposure(exposure::Exposure),
    /// A teammate leaves: rotate every key they saw, push, re-share, remove them from trust
    Offboard(offboard::Offboard),
    /// Print this vault's identity line (age1... devvault-sign:...), for teammates
    Identity(identity::Identity),
    /// Trust teammates' signed bundles: add NAME LINE, ls, rm NAME
    Trust(trust::Trust),
    /// Allow dangerous env names (PATH, BASH_ENV, GIT_*...) for `run` in a scope
    AllowEnv(allow_env::AllowEnv),
    /// Find the vault's values in files and git history (file:line, key, scope; never values)
    Scan(scan::Scan),
    /// Mark a key as not secret (the scan leaves its value alone), or as secret again
    Mark(mark::Mark),
    /// Check for leaks around the vault: .env files, file modes, plaintext exports, keychain
    Doctor(doctor::Doctor),
    /// Print instructions for coding agents (for AGENTS.md or CLAUDE.md): use `run --redact`, never read .env
    AgentRules(agent_rules::AgentRules),
    /// Serve coding agents over MCP (stdio): key names and allowed commands, never values;
    /// `mcp allow SCOPE -- CMD..`, `mcp ls`, `mcp revoke` manage what its `run` tool may start
    Mcp(mcp::Mcp),
    /// Make `run` redact the scope's values from its output by default: on, off, status
    Redact(redact::Redact),
    /// Print shell completions
    Completions(completions::Completions),
    /// Print the shell hook that loads the linked scope on cd: eval "$(devvault hook bash)"
    Hook(hook::Hook),
    /// Let the shell hook load the nearest .devvault.toml as it is now (like direnv allow)
    Allow(allow::Allow),
    /// Stop the shell hook loading the nearest .devvault.toml
    Deny(deny::Deny),
}

impl Cli {
    /// Runs the chosen command.
    pub fn run(&self) -> Result<ExitCode> {
        crate::os::passphrase::allow_expensive_kdf(self.allow_expensive_kdf);
        let ctx = Ctx {
            vault_path: self.vault.clone(),
        };
        match &self.command {
            None => tui::Tui::from_env()?
                .lock_after(self.lock_after.clone())
                .run(&ctx)
                .map(|()| ExitCode::SUCCESS),
            Some(cmd) => match cmd {
                Command::Tui(c) => c.run(&ctx),
                Command::Init(c) => c.run(&ctx),
                Command::Link(c) => c.run(&ctx),
                Command::Projects(c) => c.run(&ctx),
                Command::Ls(c) => c.run(&ctx),
                Command::Set(c) => c.run(&ctx),
                Command::Get(c) => c.run(&ctx),
                Command::Rm(c) => c.run(&ctx),
                Command::Mv(c) => c.run(&ctx),
                Command::Scope(c) => c.run(&ctx),
                Command::Import(c) => c.run(&ctx),
                Command::Export(c) => c.run(&ctx),
                Command::Run(c) => c.run(&ctx),
                Command::Rotate(c) => c.run(&ctx),
                Command::History(c) => c.run(&ctx),
                Command::Rollback(c) => c.run(&ctx),
                Command::Stale(c) => c.run(&ctx),
                Command::Policy(c) => c.run(&ctx),
                Command::Audit(c) => c.run(&ctx),
                Command::Passwd(c) => c.run(&ctx),
                Command::Rekey(c) => c.run(&ctx),
                Command::Keychain(c) => c.run(&ctx),
                Command::Unlock(c) => c.run(&ctx),
                Command::Lock(c) => c.run(&ctx),
                Command::Remote(c) => c.run(&ctx),
                Command::Push(c) => c.run(&ctx),
                Command::Pull(c) => c.run(&ctx),
                Command::Example(c) => c.run(&ctx),
                Command::Read(c) => c.run(&ctx),
                Command::Inject(c) => c.run(&ctx),
                Command::Onboard(c) => c.run(&ctx),
                Command::Check(c) => c.run(&ctx),
                Command::Share(c) => c.run(&ctx),
                Command::Receive(c) => c.run(&ctx),
                Command::Grant(c) => c.run(&ctx),
                Command::Exposure(c) => c.run(&ctx),
                Command::Offboard(c) => c.run(&ctx),
                Command::Identity(c) => c.run(&ctx),
                Command::Trust(c) => c.run(&ctx),
                Command::AllowEnv(c) => c.run(&ctx),
                Command::Scan(c) => c.run(&ctx),
                Command::Mark(c) => c.run(&ctx),
                Command::Doctor(c) => c.run(&ctx),
                Command::AgentRules(c) => c.run(&ctx),
                Command::Mcp(c) => c.run(&ctx),
                Command::Redact(c) => c.run(&ctx),
                Command::Completions(c) => c.run(&ctx),
                Command::Hook(c) => c.run(&ctx),
                Command::Allow(c) => c.run(&ctx),
                Command::Deny(c) => c.run(&ctx),
            }
            .map(|()| ExitCode::SUCCESS),
        }
    }
}
