//! `devvault allow`: lets the shell hook load the nearest `.devvault.toml` (from the
//! current directory up) as it is now; recorded, sealed, in the vault by path and digest,
//! so an edit (or a new `.devvault.local.toml`) needs `allow` again. Like `direnv allow`.

use anyhow::{Result, bail};
use clap::Args;

#[derive(Args, Debug)]
pub struct Allow {}

impl Allow {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let Some(link) = super::hook::link_file()? else {
            bail!(super::UsageError(no_link()?));
        };
        let mut vault = ctx.unlock()?;
        vault.hook_allow(&link.path, Some(&link.digest))?;
        crate::os::console::status!(
            "allowed {} (scope {}): the shell hook loads it from the next prompt, until it changes or `devvault deny`",
            link.path.display(),
            link.scope
        );
        Ok(())
    }
}

/// The usage error when no link file is found.
pub(super) fn no_link() -> Result<String> {
    Ok(format!(
        "no {} in {} or its parents up to the repository root or home directory; run `devvault link PROJECT[/ENV]` first",
        super::link::FILE,
        std::env::current_dir()?.display()
    ))
}
