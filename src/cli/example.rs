//! `devvault example [SCOPE]`: prints a `.env.example` for the scope: every key with its
//! comments (version note, provider URL) and an empty value, or with `--references` a
//! reference to each key (`KEY=devvault://PROJECT/ENV/KEY`). Never a value. The scope is
//! flattened: inherited keys are listed too. The schema rule lines of the repository's
//! current `.env.example` ([`crate::schema`]) are kept, each right above its key, and keys
//! only the schema lists stay listed.

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
        let mut keys = ctx.unlock()?.example(&scope)?;
        let schema = current_schema();
        for e in &schema {
            if !keys.iter().any(|(k, _)| k == &e.key) {
                keys.push((e.key.clone(), e.comments.clone()));
            }
        }
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
            if let Some(e) = schema.iter().find(|e| e.key == key && e.ruled) {
                writeln!(out, "# {}", e.rule.line())?;
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

/// The schema of the repository's `.env.example`, when there is one that reads (a file
/// that does not is left for `check` to report).
fn current_schema() -> Vec<crate::schema::Entry> {
    let Ok(file) = super::onboard::example_file(None) else {
        return Vec::new();
    };
    let text = std::fs::read_to_string(&file).unwrap_or_default();
    crate::schema::parse(&text, &file.display().to_string()).unwrap_or_default()
}
