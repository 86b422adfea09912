//! `devvault rollback [SCOPE] KEY VERSION`: restores an earlier version's value as a new
//! version. A version that does not exist exits 4 and lists the versions there are.

use crate::KeyName;
use anyhow::{Result, bail};
use clap::Args;

#[derive(Args, Debug)]
#[command(override_usage = "devvault rollback [OPTIONS] [SCOPE] <KEY> <VERSION>")]
pub struct Rollback {
    /// [PROJECT[/ENV]] KEY VERSION
    #[arg(num_args = 2..=3, required = true, value_name = "ARGS")]
    args: Vec<String>,
}

impl Rollback {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let (scope, rest) = super::split_scope(&self.args, 2);
        let scope = ctx.scope(scope)?;
        let key = super::arg(KeyName::new(&rest[0]))?;
        let Ok(version) = rest[1].trim_start_matches(['v', 'V']).parse::<u64>() else {
            bail!(super::UsageError(format!(
                "`{}` is not a version number; `devvault history {key}` lists them",
                rest[1].escape_debug()
            )));
        };
        let now_at = ctx.unlock()?.rollback(&scope, &key, version)?;
        crate::os::console::status!(
            "{key}: version {version} restored in {scope} as version {now_at}"
        );
        Ok(())
    }
}
