//! `devvault import [SCOPE] FILE`: loads a .env file (`-` = stdin) in one transaction and
//! reports, per key name, what was added, changed or already the same.

use crate::flows::Input;
use crate::{KeyName, SecretValue};
use anyhow::Result;
use clap::Args;

#[derive(Args, Debug)]
#[command(allow_missing_positional = true)]
pub struct Import {
    /// PROJECT[/ENV] [default: the scope in .devvault.toml]
    #[arg(add = super::complete::scopes())]
    scope: Option<String>,
    /// The .env file (`-` = stdin)
    #[arg(value_hint = clap::ValueHint::FilePath)]
    file: String,
    /// Print the report as JSON
    #[arg(long)]
    json: bool,
    /// Show what would be added, changed or unchanged; write nothing
    #[arg(long)]
    dry_run: bool,
    /// Make the project or environment even when its name is close to an existing one
    #[arg(long)]
    create: bool,
    /// The scope (the positional's other spelling)
    #[arg(long = "scope", value_name = "SCOPE", conflicts_with = "scope")]
    scope_flag: Option<String>,
    /// Read another manager's file or store: keepassxc, pass, bitwarden, dotenvx, 1password
    #[arg(long, value_name = "FORMAT")]
    from: Option<String>,
    /// With --from: put P in front of every key name
    #[arg(long, value_name = "P", requires = "from")]
    prefix: Option<String>,
    /// With --from: write without the confirmation asked on a terminal
    #[arg(long, short = 'y', requires = "from")]
    yes: bool,
    /// With --from: let this name that changes how programs load code in (repeatable)
    #[arg(long, value_name = "NAME", requires = "from")]
    allow_env: Vec<String>,
}

impl Import {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let scope = ctx.scope(self.scope.as_deref().or(self.scope_flag.as_deref()))?;
        if let Some(from) = &self.from {
            let request = super::import_from::Request {
                file: &self.file,
                prefix: self.prefix.as_deref().unwrap_or(""),
                yes: self.yes,
                allow_env: &self.allow_env,
                json: self.json,
                dry_run: self.dry_run,
                create: self.create,
            };
            return super::import_from::run(&request, ctx, &scope, from);
        }
        let input = Input::from_arg(&self.file);
        let bytes = input.read()?;
        let origin = input.name();
        let text = std::str::from_utf8(&bytes)
            .map_err(|e| anyhow::anyhow!("{origin}: not UTF-8 text (byte {})", e.valid_up_to()))?;
        let origin = origin.as_str();
        let parsed = crate::dotenv::parse(text, origin)?;
        let repeated: Vec<&str> = parsed
            .iter()
            .filter(|e| e.repeated)
            .map(|e| e.key.as_str())
            .collect();
        if !repeated.is_empty() {
            crate::os::console::status!(
                "warning: {origin} sets {} more than once; the last value is the one imported",
                repeated.join(", ")
            );
        }
        let entries: Vec<(KeyName, SecretValue, Option<String>)> = parsed
            .into_iter()
            .map(|e| {
                let note = crate::dotenv::comments_above(text, e.line).join("\n");
                (e.key, e.value, Some(note).filter(|n| !n.is_empty()))
            })
            .collect();
        let mut vault = ctx.unlock()?;
        let report = if self.dry_run {
            let plain: Vec<(KeyName, SecretValue)> =
                entries.into_iter().map(|(k, v, _)| (k, v)).collect();
            vault.import_preview(&scope, &plain)?
        } else {
            super::creation::check(&mut vault, &scope, self.create)?;
            vault
                .import_noted(&scope, &entries)
                .map_err(|e| super::check_with(e, format!("devvault ls {scope}")))?
        };
        super::import_from::report(&scope, &report, self.json, self.dry_run)
    }
}
