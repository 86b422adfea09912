//! `devvault get [SCOPE] KEY`: prints one value raw on stdout, for scripts.

use anyhow::Result;
use clap::Args;
use devvault::KeyName;
use std::io::Write;

#[derive(Args, Debug)]
pub struct Get {
    /// [PROJECT[/ENV]] KEY
    #[arg(num_args = 1..=2, required = true, value_name = "ARGS")]
    args: Vec<String>,
    /// Add a newline after the value (the default prints it exactly)
    #[arg(long, short = 'n')]
    newline: bool,
}

impl Get {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let (scope, rest) = super::split_scope(&self.args, 1);
        let scope = ctx.scope(scope)?;
        let key = KeyName::new(&rest[0])?;
        let value = ctx.unlock()?.get(&scope, &key)?;
        let mut out = std::io::stdout().lock();
        out.write_all(value.expose_secret().as_bytes())?;
        if self.newline {
            out.write_all(b"\n")?;
        }
        out.flush()?;
        Ok(())
    }
}
