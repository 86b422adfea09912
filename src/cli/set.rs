//! `devvault set [SCOPE] KEY`: the value comes from stdin (one trailing newline dropped
//! unless `--raw`), a no-echo prompt on a terminal, or `--generate` (with `--charset`).
//! Never from argv.

use crate::flows::read_capped;
use crate::vault::Outcome;
use crate::{KeyName, Scope, SecretValue};
use anyhow::{Context, Result, bail};
use clap::Args;
use std::io::IsTerminal;

#[derive(Args, Debug)]
pub struct Set {
    /// [PROJECT[/ENV]] KEY
    #[arg(num_args = 1..=3, required = true, value_name = "ARGS")]
    args: Vec<String>,
    #[command(flatten)]
    generate: super::generator::GenArgs,
    /// Keep stdin exactly, trailing newline included
    #[arg(long)]
    raw: bool,
}

const NO_ARGV: &str = "values are never taken on the command line, where shell history and \
`ps` would show them; pipe the value in (`printf %s \"$VALUE\" | devvault set KEY`), \
type it at the prompt, or use --generate";

impl Set {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let (scope, key) = scope_and_key(ctx, &self.args)?;
        let value = match self.generate.value()? {
            Some(v) => v,
            None => read_value(&key, self.raw)?,
        };
        let outcome = ctx.unlock()?.set(&scope, &key, &value)?;
        let what = match outcome {
            Outcome::Added => "added",
            Outcome::Changed => "changed",
            Outcome::Unchanged => "unchanged",
        };
        eprintln!("{key}: {what} in {scope}");
        Ok(())
    }
}

/// Interprets `[SCOPE] KEY`, refusing a value typed as a third argument.
pub fn scope_and_key(ctx: &super::Ctx, args: &[String]) -> Result<(Scope, KeyName)> {
    let key_like = |s: &str| {
        s.chars().any(|c| c.is_ascii_uppercase())
            && s.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
    };
    let looks_like_value = args.len() == 3
        || (args.len() == 2 && Scope::parse(&args[0]).is_err() && key_like(&args[0]));
    if looks_like_value {
        bail!(super::UsageError(NO_ARGV.into()));
    }
    let (scope, rest) = super::split_scope(args, 1);
    Ok((ctx.scope(scope)?, KeyName::new(&rest[0])?))
}

/// Reads a value from stdin, or prompts without echo when stdin is a terminal.
pub fn read_value(key: &KeyName, raw: bool) -> Result<SecretValue> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        let v = rpassword::prompt_password(format!("Value for {key} (hidden): "))
            .context("cannot read the value from the terminal")?;
        return Ok(SecretValue::new(v));
    }
    let buf = read_capped(stdin.lock(), &format!("the value for {key} on stdin"))?;
    let mut end = buf.len();
    if !raw {
        if buf.ends_with(b"\r\n") {
            end -= 2;
        } else if buf.ends_with(b"\n") {
            end -= 1;
        }
    }
    let text = std::str::from_utf8(&buf[..end])
        .map_err(|_| anyhow::anyhow!("the value for {key} on stdin is not UTF-8 text; devvault stores text values (base64-encode binary data)"))?;
    Ok(SecretValue::new(text.to_string()))
}
