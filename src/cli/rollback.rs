//! `devvault rollback [SCOPE] KEY VERSION`: restores an earlier version's value as a new
//! version. A version that does not exist exits 4 and lists the versions there are.

use crate::KeyName;
use anyhow::{Result, bail};
use clap::Args;

#[derive(Args, Debug)]
#[command(override_usage = "devvault rollback [OPTIONS] [SCOPE] <KEY> <VERSION>")]
pub struct Rollback {
    /// PROJECT[/ENV] [default: the scope in .devvault.toml]
    #[arg(add = super::complete::scopes())]
    scope: Option<String>,
    /// The key (required)
    #[arg(add = super::complete::keys())]
    key: Option<String>,
    /// The version to restore, e.g. 3 or v3 (required; `devvault history KEY` lists them)
    #[arg(value_name = "VERSION")]
    to_version: Option<String>,
}

impl Rollback {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let (scope, key, version) = super::positionals::scope_first(
            [&self.scope, &self.key, &self.to_version],
            "KEY VERSION",
        )?;
        let scope = ctx.scope(scope)?;
        let key = super::arg(KeyName::new(key))?;
        let Ok(version) = version.trim_start_matches(['v', 'V']).parse::<u64>() else {
            bail!(super::UsageError(format!(
                "`{}` is not a version number; `devvault history {key}` lists them",
                version.escape_debug()
            )));
        };
        let now_at = ctx.unlock()?.rollback(&scope, &key, version)?;
        crate::os::console::status!(
            "{key}: version {version} restored in {scope} as version {now_at}"
        );
        Ok(())
    }
}
