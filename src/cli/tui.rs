//! `devvault tui` (and `devvault` with no arguments): the terminal UI, with its settings
//! (auto-lock, clipboard clearing, the Argon2id cost of a vault created on first run).

use super::init::KdfArgs;
use crate::Scope;
use crate::tui::app::Config;
use anyhow::Result;
use clap::Args;
use std::time::Duration;

#[derive(Args, Debug)]
pub struct Tui {
    /// Lock after this long without a key press, e.g. 5m or 30s
    #[arg(
        long,
        value_name = "DURATION",
        env = "DEVVAULT_LOCK_AFTER",
        default_value = "5m"
    )]
    lock_after: String,
    /// Clear a copied value from the clipboard after this long
    #[arg(
        long,
        value_name = "DURATION",
        env = "DEVVAULT_CLIPBOARD_CLEAR",
        default_value = "30s"
    )]
    clear_after: String,
    #[command(flatten)]
    kdf: KdfArgs,
}

impl Tui {
    /// The settings `devvault` alone gets: defaults and environment variables.
    pub fn from_env() -> Result<Tui> {
        use clap::FromArgMatches;
        let cmd = <Tui as Args>::augment_args(clap::Command::new("tui"));
        Ok(Tui::from_arg_matches(&cmd.try_get_matches_from(["tui"])?)?)
    }

    /// `devvault --lock-after D` (no command): D instead of the default or environment.
    pub fn lock_after(mut self, given: Option<String>) -> Tui {
        if let Some(d) = given {
            self.lock_after = d;
        }
        self
    }

    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let path = ctx.vault_path()?;
        let secs = |s: &str, flag: &str| -> Result<Duration> {
            crate::os::session::parse_duration(s)
                .map(Duration::from_secs)
                .map_err(|e| super::UsageError(format!("{flag}: {e:#}")).into())
        };
        let cwd = std::env::current_dir()?;
        let env_file = Some(cwd.join(".env")).filter(|p| p.is_file());
        let linked = super::link::find_scope().ok();
        let config = Config {
            vault_path: path.display().to_string(),
            import_scope: linked.clone().or_else(|| scope_for_dir(&cwd)),
            open_scope: linked,
            env_file,
            lock_after: secs(&self.lock_after, "--lock-after")?,
            clear_after: secs(&self.clear_after, "--clear-after")?,
            reveal_for: Duration::from_secs(30),
            color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        };
        let kdf = self.kdf.params(crate::crypto::KdfParams::DEFAULT)?;
        crate::tui::run(crate::tui::Options { path, config, kdf })
    }
}

/// `myapp/dev` for a directory named `MyApp`: where a first import goes when no
/// `.devvault.toml` names a scope.
fn scope_for_dir(dir: &std::path::Path) -> Option<Scope> {
    let name: String = dir
        .file_name()?
        .to_string_lossy()
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    let name = name.trim_start_matches(|c: char| !c.is_ascii_alphanumeric());
    Scope::parse(&format!("{name}/dev")).ok()
}
