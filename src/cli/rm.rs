//! `devvault rm [SCOPE] KEY`: deletes a key; its last value stays in history.

use anyhow::Result;
use clap::Args;
use devvault::KeyName;

#[derive(Args, Debug)]
pub struct Rm {
    /// [PROJECT[/ENV]] KEY
    #[arg(num_args = 1..=2, required = true, value_name = "ARGS")]
    args: Vec<String>,
}

impl Rm {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let (scope, rest) = super::split_scope(&self.args, 1);
        let scope = ctx.scope(scope)?;
        let key = KeyName::new(&rest[0])?;
        ctx.unlock()?.remove(&scope, &key)?;
        eprintln!("removed {key} from {scope} (its last value is kept in history)");
        Ok(())
    }
}
