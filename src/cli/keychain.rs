//! `devvault keychain enable|disable|status`: the keychain slot, a second wrapping of the
//! vault key under a random key kept in the OS keychain so that later commands need no
//! passphrase. Enabling proves the passphrase; the passphrase itself is never stored.

use crate::os::keychain::{self, SERVICE, account, how_to_fix, store_name};
use crate::vault::KEYCHAIN_SLOT;
use anyhow::{Result, anyhow};
use clap::{Args, Subcommand};
use serde::Serialize;

#[derive(Args, Debug)]
pub struct Keychain {
    #[command(subcommand)]
    action: Action,
}

#[derive(Subcommand, Debug)]
#[command(defer = true)]
enum Action {
    /// Store a new keychain slot key in the OS keychain (asks the passphrase once)
    Enable,
    /// Remove the keychain slot from the vault and its entry from the OS keychain
    Disable,
    /// Whether the slot is enabled, in which store, since when, and whether it opens the vault
    Status {
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
}

impl Keychain {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        match self.action {
            Action::Enable => enable(ctx),
            Action::Disable => disable(ctx),
            Action::Status { json } => status(ctx, json),
        }
    }
}

fn enable(ctx: &super::Ctx) -> Result<()> {
    let mut vault = ctx.unlock_with_passphrase()?;
    let id = vault.id_hex();
    let key = vault.add_key_slot(KEYCHAIN_SLOT)?;
    let stored = keychain::store(&id, &key).and_then(|()| match keychain::load(&id)? {
        Some(back) if back.expose_secret() == key.expose_secret() => Ok(()),
        _ => Err(anyhow!("the {} gave back another entry", store_name())),
    });
    if let Err(e) = stored {
        let undo = match vault.remove_key_slot(KEYCHAIN_SLOT) {
            Ok(_) => String::new(),
            Err(u) => format!(
                " (and removing the new slot failed: {u:#}; run `devvault keychain disable`)"
            ),
        };
        return Err(anyhow!(
            "the keychain slot was not enabled{undo}: {e:#}. To fix: {}",
            how_to_fix()
        ));
    }
    crate::os::console::status!(
        "keychain slot enabled for {}: key stored in the {} (service {SERVICE}, account {}); \
         commands on this login now need no passphrase",
        vault.path().display(),
        store_name(),
        account(&id)
    );
    Ok(())
}

fn disable(ctx: &super::Ctx) -> Result<()> {
    let mut locked = ctx.open_locked()?;
    let id = locked.id_hex();
    let path = locked.path().display().to_string();
    if locked.has_slot(KEYCHAIN_SLOT)? {
        drop(locked);
        ctx.unlock()?.remove_key_slot(KEYCHAIN_SLOT)?;
        crate::os::console::status!("keychain slot removed from {path}");
    } else {
        crate::os::console::status!("{path} has no keychain slot");
    }
    let user = account(&id);
    match keychain::delete(&id) {
        Ok(true) => crate::os::console::status!(
            "keychain entry {SERVICE}/{user} deleted from the {}",
            store_name()
        ),
        Ok(false) => {
            crate::os::console::status!("the {} has no entry {SERVICE}/{user}", store_name())
        }
        Err(e) => crate::os::console::status!(
            "warning: could not remove the keychain entry {SERVICE}/{user} ({e:#}); the key it \
             holds no longer opens the vault; remove it later with `devvault keychain disable`"
        ),
    }
    Ok(())
}

#[derive(Serialize)]
struct Status {
    enabled: bool,
    store: &'static str,
    service: &'static str,
    account: String,
    /// `present`, `missing` or `unreadable` (see `error`).
    entry: &'static str,
    enabled_at: Option<i64>,
    opens_vault: Option<bool>,
    error: Option<String>,
}

fn status(ctx: &super::Ctx, json: bool) -> Result<()> {
    let mut locked = ctx.open_locked()?;
    let id = locked.id_hex();
    let path = locked.path().display().to_string();
    let mut s = Status {
        enabled: locked.has_slot(KEYCHAIN_SLOT)?,
        store: store_name(),
        service: SERVICE,
        account: account(&id),
        entry: "missing",
        enabled_at: None,
        opens_vault: None,
        error: None,
    };
    let found = keychain::status(&id).and_then(|at| match at {
        Some(at) => Ok(keychain::load(&id)?.map(|key| (at, key))),
        None => Ok(None),
    });
    match found {
        Ok(None) => {}
        Ok(Some((at, key))) => {
            s.entry = "present";
            s.enabled_at = Some(at);
            let opens = s.enabled && locked.unlock_with_slot_key(KEYCHAIN_SLOT, &key).is_ok();
            s.opens_vault = Some(opens);
        }
        Err(e) => {
            s.entry = "unreadable";
            s.error = Some(format!("{e:#}"));
        }
    }
    if json {
        return super::output::json(&s);
    }
    print_status(&s, &path)
}

fn print_status(s: &Status, path: &str) -> Result<()> {
    use std::io::Write;
    let mut out = crate::os::console::stdout();
    let state = if s.enabled { "enabled" } else { "disabled" };
    writeln!(out, "keychain slot: {state} for {path}")?;
    writeln!(
        out,
        "store:         {}, service {}, account {}",
        s.store, s.service, s.account
    )?;
    let entry = match (s.enabled_at, &s.error) {
        (Some(at), _) => format!("present, stored {} UTC", super::output::date(at)),
        (None, Some(e)) => format!("unreadable: {e}"),
        (None, None) => "missing".to_string(),
    };
    writeln!(out, "entry:         {entry}")?;
    if let Some(opens) = s.opens_vault.filter(|_| s.enabled) {
        let yes = if opens { "yes" } else { "NO" };
        writeln!(out, "opens vault:   {yes}")?;
    }
    let hint = match (s.enabled, s.entry, s.opens_vault) {
        (true, "present", Some(true)) => "commands need no passphrase on this login".to_string(),
        (true, "missing", _) | (true, "present", _) => {
            "the keychain entry is missing or does not open this vault; commands ask for \
             the passphrase: run `devvault keychain enable` to store a new key"
                .to_string()
        }
        (true, _, _) => format!(
            "commands fall back to the passphrase until the keychain answers: {}",
            how_to_fix()
        ),
        (false, "present", _) => {
            "a stale keychain entry remains: `devvault keychain disable` removes it".to_string()
        }
        (false, _, _) => {
            "`devvault keychain enable` stores a key so that commands need no passphrase"
                .to_string()
        }
    };
    writeln!(out, "{hint}")?;
    Ok(())
}
