//! `devvault mark [SCOPE] KEY --not-secret | --secret`: whether the leak scan looks for a
//! key's value (`NODE_ENV=development` is configuration, not a secret).

use crate::KeyName;
use anyhow::Result;
use clap::Args;

#[derive(Args, Debug)]
#[command(override_usage = "devvault mark [OPTIONS] [SCOPE] <KEY> (--not-secret | --secret)")]
pub struct Mark {
    /// [PROJECT[/ENV]] KEY
    #[arg(num_args = 1..=2, required = true, value_name = "ARGS")]
    args: Vec<String>,
    /// The value is not a secret: `scan` and the pre-commit hook leave it alone
    #[arg(long, conflicts_with = "secret", required_unless_present = "secret")]
    not_secret: bool,
    /// The value is a secret again (the default)
    #[arg(long)]
    secret: bool,
}

impl Mark {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let (scope, rest) = super::split_scope(&self.args, 1);
        let scope = ctx.scope(scope)?;
        let key = super::arg(KeyName::new(&rest[0]))?;
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
