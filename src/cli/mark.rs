//! `devvault mark [SCOPE] KEY --not-secret | --secret`: whether the leak scan looks for a
//! key's value (`NODE_ENV=development` is configuration, not a secret).

use crate::KeyName;
use anyhow::Result;
use clap::Args;

#[derive(Args, Debug)]
#[command(
    allow_missing_positional = true,
    override_usage = "devvault mark [OPTIONS] [SCOPE] <KEY> (--not-secret | --secret)"
)]
pub struct Mark {
    /// PROJECT[/ENV] [default: the scope in .devvault.toml]
    #[arg(add = super::complete::scopes())]
    scope: Option<String>,
    /// The key
    #[arg(add = super::complete::keys())]
    key: String,
    /// The value is not a secret: `scan` and the pre-commit hook leave it alone
    #[arg(long, conflicts_with = "secret", required_unless_present = "secret")]
    not_secret: bool,
    /// The value is a secret again (the default)
    #[arg(long)]
    secret: bool,
}

impl Mark {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let scope = ctx.scope(self.scope.as_deref())?;
        let key = super::arg(KeyName::new(&self.key))?;
        ctx.unlock()?
            .mark_not_secret(&scope, &key, self.not_secret)?;
        match self.not_secret {
            true => {
                crate::os::console::status!(
                    "Marked {key} in {scope} as not secret: scans leave its value alone."
                )
            }
            false => crate::os::console::status!(
                "Marked {key} in {scope} as secret: scans look for its value."
            ),
        }
        Ok(())
    }
}
