//! `devvault get [SCOPE] KEY`: prints one value raw on stdout, for scripts; with `--copy`,
//! puts it on the clipboard instead (marked secret, cleared after a timeout if unchanged).

use crate::{KeyName, SecretValue};
use anyhow::Result;
use clap::Args;
use std::io::Write;

#[derive(Args, Debug)]
#[command(allow_missing_positional = true)]
pub struct Get {
    /// PROJECT[/ENV] [default: the scope in .devvault.toml]
    #[arg(add = super::complete::scopes())]
    scope: Option<String>,
    /// The key
    #[arg(add = super::complete::keys())]
    key: String,
    /// Add a newline after the value (the default prints it exactly)
    #[arg(long, short = 'n', conflicts_with = "copy")]
    newline: bool,
    /// Copy the value to the clipboard instead of printing it (marked secret for clipboard
    /// managers; cleared after --clear-after if it is still there)
    #[arg(long, short = 'c')]
    copy: bool,
    /// With --copy: clear the clipboard after this long, e.g. 30s, 2m (1s to 7d)
    #[arg(
        long,
        value_name = "DURATION",
        env = "DEVVAULT_CLIPBOARD_CLEAR",
        default_value = "30s",
        value_parser = crate::os::session::parse_duration
    )]
    clear_after: u64,
}

impl Get {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let scope = ctx.scope(self.scope.as_deref())?;
        // Lenient: a key stored before the length limit can still be read and removed.
        let key = super::arg(KeyName::stored(&self.key))?;
        if self.copy {
            // Fail on a missing display before asking for a passphrase.
            let mut clipboard = crate::os::clipboard::Clipboard::open()?;
            let value = ctx.unlock()?.get(&scope, &key)?;
            return self.copy(&mut clipboard, &key, &value);
        }
        let value = ctx.unlock()?.get(&scope, &key)?;
        let mut out = crate::os::console::stdout();
        out.write_all(value.expose_secret().as_bytes())?;
        // On a terminal the prompt must not run on from the value's last line.
        let tty = std::io::IsTerminal::is_terminal(&std::io::stdout());
        if self.newline || (tty && !value.expose_secret().ends_with('\n')) {
            out.write_all(b"\n")?;
        }
        out.flush()?;
        Ok(())
    }

    fn copy(
        &self,
        clipboard: &mut crate::os::clipboard::Clipboard,
        key: &KeyName,
        value: &SecretValue,
    ) -> Result<()> {
        super::clipboard_hold::spawn(clipboard, value, self.clear_after)?;
        crate::os::console::status!(
            "copied {} to the clipboard; clears in {}",
            key.as_str(),
            spaced(&super::output::duration(self.clear_after))
        );
        Ok(())
    }
}

/// `30s` -> `30 s`, `2m` -> `2 min`.
fn spaced(short: &str) -> String {
    let (n, unit) = short.split_at(short.len() - 1);
    let unit = if unit == "m" { "min" } else { unit };
    format!("{n} {unit}")
}
