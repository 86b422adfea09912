//! `devvault rotate [SCOPE] KEY`: a new version of an existing key from stdin, a no-echo
//! prompt or `--generate`; the old version is kept in history. `--note` and `--url` keep
//! why it was rotated and where the old value is revoked.

use crate::rotation::Rotation;
use anyhow::Result;
use clap::Args;

#[derive(Args, Debug)]
#[command(allow_missing_positional = true)]
pub struct Rotate {
    /// PROJECT[/ENV] [default: the scope in .devvault.toml]
    #[arg(add = super::complete::scopes())]
    scope: Option<String>,
    /// The key (its new value comes from stdin, a prompt or --generate)
    #[arg(add = super::complete::keys())]
    key: String,
    #[command(flatten)]
    generate: super::generator::GenArgs,
    #[command(flatten)]
    input: super::set::ValueInput,
    /// A note kept with the new version (e.g. "old key revoked in the dashboard")
    #[arg(long, value_name = "TEXT")]
    note: Option<String>,
    /// Where this key is issued and revoked, kept for later versions
    #[arg(long, value_name = "URL")]
    url: Option<String>,
}

impl Rotate {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let (scope, key) = super::set::scope_and_key(ctx, self.scope.as_deref(), &self.key)?;
        let mut vault = ctx.unlock()?;
        // A missing key is reported before a value is typed for it.
        let names: Vec<String> = vault
            .list(&scope)?
            .into_iter()
            .map(|m| m.key.to_string())
            .collect();
        if !names.iter().any(|n| n == key.as_str()) {
            anyhow::bail!(crate::Error::not_found(
                format!("key `{key}` in {scope}"),
                key.as_str(),
                names.iter().map(String::as_str),
            ));
        }
        let value = match self.generate.value()? {
            Some(v) => v,
            None => super::set::read_value(&key, &self.input)?,
        };
        let options = Rotation {
            note: self.note.clone(),
            url: self.url.clone(),
        };
        let version = vault
            .rotate_with(&scope, &key, &value, &options)
            .map_err(|e| super::check_with(e, format!("devvault history {scope} {key}")))?;
        crate::os::console::status!(
            "{key}: rotated in {scope}, now version {version} (the previous one is kept in history)"
        );
        Ok(())
    }
}
