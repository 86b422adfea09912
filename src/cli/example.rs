//! `devvault example [SCOPE]`: prints a `.env.example` for the scope: every key with its
//! comments (version note, provider URL) and an empty value, or with `--references` a
//! reference to each key (`KEY=devvault://PROJECT/ENV/KEY`). Never a value. The scope is
//! flattened: inherited keys are listed too.

use anyhow::Result;
use clap::Args;
use std::io::Write;

#[derive(Args, Debug)]
pub struct Example {
    /// PROJECT[/ENV] [default: from .devvault.toml]
    scope: Option<String>,
    /// Give each key a reference (`KEY=devvault://PROJECT/ENV/KEY`) instead of an empty
    /// value: a .env safe to commit, for `devvault run --env-file`
    #[arg(long)]
    references: bool,
}

impl Example {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let scope = ctx.scope(self.scope.as_deref())?;
        let keys = ctx.unlock()?.example(&scope)?;
        let mut out = crate::os::console::stdout();
        match self.references {
            true => {
                writeln!(
                    out,
                    "# References to {scope}'s keys; no values (made by `devvault example --references`)."
                )?;
                writeln!(out, "# Use it with `devvault run --env-file FILE -- CMD`.")?;
            }
            false => {
                writeln!(
                    out,
                    "# Keys this project needs; no values (made by `devvault example`)."
                )?;
                writeln!(out, "# Fill them in your vault with `devvault onboard`.")?;
            }
        }
        for (key, comments) in keys {
            writeln!(out)?;
            // Escaped: a `\r`, U+2028 or other line end in a note never starts a live line.
            for c in comments {
                writeln!(out, "{}", crate::text::comment_line(&c))?;
            }
            match self.references {
                true => writeln!(
                    out,
                    "{key}={}",
                    crate::reference::Reference::of(&scope, &key)
                )?,
                false => writeln!(out, "{key}=")?,
            }
        }
        out.flush()?;
        Ok(())
    }
}
