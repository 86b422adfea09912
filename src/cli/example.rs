//! `devvault example [SCOPE]`: prints a `.env.example` for the scope: every key with its
//! comments (version note, provider URL) and an empty value. Never a value.

use anyhow::Result;
use clap::Args;
use std::io::Write;

#[derive(Args, Debug)]
pub struct Example {
    /// PROJECT[/ENV] [default: from .devvault.toml]
    scope: Option<String>,
}

impl Example {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let scope = ctx.scope(self.scope.as_deref())?;
        let keys = ctx.unlock()?.example(&scope)?;
        let mut out = crate::os::console::stdout();
        writeln!(
            out,
            "# Keys this project needs; no values (made by `devvault example`)."
        )?;
        writeln!(out, "# Fill them in your vault with `devvault onboard`.")?;
        for (key, comments) in keys {
            writeln!(out)?;
            // Escaped: a `\r`, U+2028 or other line end in a note never starts a live line.
            for c in comments {
                writeln!(out, "{}", crate::text::comment_line(&c))?;
            }
            writeln!(out, "{key}=")?;
        }
        out.flush()?;
        Ok(())
    }
}
