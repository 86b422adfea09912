//! `devvault set [SCOPE] KEY`: the value comes from stdin (one trailing newline dropped
//! unless `--raw`), a no-echo prompt on a terminal, or `--generate` (with `--charset`).
//! Never from argv.

use crate::flows::read_capped;
use crate::vault::Outcome;
use crate::{KeyName, Scope, SecretValue};
use anyhow::{Result, bail};
use clap::Args;
use std::io::IsTerminal;

#[derive(Args, Debug)]
#[command(override_usage = "devvault set [OPTIONS] [SCOPE] <KEY>")]
pub struct Set {
    /// [PROJECT[/ENV]] KEY
    #[arg(num_args = 1..=3, required = true, value_name = "ARGS")]
    args: Vec<String>,
    #[command(flatten)]
    generate: super::generator::GenArgs,
    #[command(flatten)]
    input: ValueInput,
    /// Make the project or environment even when its name is close to an existing one
    #[arg(long)]
    create: bool,
    /// Mark the value as a template: `${KEY}` of the (flattened) scope expands on export,
    /// run, inject and read; `$${` is a literal `${`. Without it the value is plain
    #[arg(long)]
    template: bool,
}

/// How a value is read: shared by `set` and `rotate`.
#[derive(Args, Debug)]
pub struct ValueInput {
    /// Keep stdin exactly, trailing newline included
    #[arg(long)]
    pub raw: bool,
    /// Store an empty value (an empty stdin is otherwise refused)
    #[arg(long)]
    pub allow_empty: bool,
    /// At the prompt, read several typed lines until Ctrl-D (a paste is always taken whole)
    #[arg(long)]
    pub multiline: bool,
}

const NO_ARGV: &str = "values are never taken on the command line, where shell history and \
`ps` would show them; pipe the value in (`printf %s \"$VALUE\" | devvault set KEY`), \
type it at the prompt, or use --generate";

impl Set {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let (scope, key) = scope_and_key(ctx, &self.args)?;
        let mut vault = ctx.unlock()?;
        super::creation::check(&mut vault, &scope, self.create)?;
        let value = match self.generate.value()? {
            Some(v) => v,
            None => read_value(&key, &self.input)?,
        };
        let outcome = vault
            .set_marked(&scope, &key, &value, Some(self.template))
            .map_err(|e| super::check_with(e, format!("devvault history {scope} {key}")))?;
        let what = match outcome {
            Outcome::Added => "added",
            Outcome::Changed => "changed",
            Outcome::Unchanged => "unchanged",
        };
        let mark = if self.template { " (a template)" } else { "" };
        crate::os::console::status!("{key}: {what} in {scope}{mark}");
        Ok(())
    }
}

/// Interprets `[SCOPE] KEY`, refusing a value typed as a third argument or as `KEY=value`
/// (the error names the key and never repeats what follows `=`).
pub fn scope_and_key(ctx: &super::Ctx, args: &[String]) -> Result<(Scope, KeyName)> {
    if let Some(key) = args
        .iter()
        .filter_map(|a| a.split_once('='))
        .find_map(|(k, _)| KeyName::new(k).ok())
    {
        bail!(super::UsageError(format!(
            "`{key}=...` puts the value on the command line; {NO_ARGV}"
        )));
    }
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
    Ok((ctx.scope(scope)?, super::arg(KeyName::new(&rest[0]))?))
}

/// Reads a value from stdin, or prompts without echo when stdin is a terminal; an empty
/// value is refused unless `--allow-empty`.
pub fn read_value(key: &KeyName, input: &ValueInput) -> Result<SecretValue> {
    let (value, source) = if std::io::stdin().is_terminal() {
        (
            super::hidden::prompt_value(key, input.multiline)?,
            "the value typed",
        )
    } else {
        (read_stdin(key, input.raw)?, "stdin")
    };
    if value.expose_secret().is_empty() && !input.allow_empty {
        bail!(super::UsageError(format!(
            "{source} for {key} was empty; nothing was changed (pass --allow-empty to store an empty value)"
        )));
    }
    Ok(value)
}

fn read_stdin(key: &KeyName, raw: bool) -> Result<SecretValue> {
    let stdin = std::io::stdin();
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
