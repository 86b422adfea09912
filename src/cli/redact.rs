//! `devvault redact on|off|status [SCOPE]`: whether `run` redacts the scope's values from
//! its command's output by default (`run --no-redact` still turns it off for one run).
//! Kept sealed in this vault only, beside the scope's agent settings.

use anyhow::Result;
use clap::{Args, ValueEnum};

#[derive(Args, Debug)]
pub struct Redact {
    /// on: `run` redacts by default; off: only with --redact; status: show it
    #[arg(value_enum)]
    state: State,
    /// PROJECT[/ENV] [default: from .devvault.toml]
    scope: Option<String>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum State {
    On,
    Off,
    Status,
}

impl Redact {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let scope = ctx.scope(self.scope.as_deref())?;
        let mut vault = ctx.unlock()?;
        let mut policy = vault.agent_policy(&scope)?;
        let want = match self.state {
            State::On => true,
            State::Off => false,
            State::Status => policy.redact,
        };
        if want != policy.redact {
            policy.redact = want;
            let word = if want { "on" } else { "off" };
            vault.set_agent_policy(policy, &format!("run redacts by default: {word}"))?;
        }
        match want {
            true => crate::os::console::outln!("{scope}: run redacts by default")?,
            false => crate::os::console::outln!("{scope}: run redacts only with --redact")?,
        }
        Ok(())
    }
}
