//! `devvault unlock --for 15m`: holds the vault key in the kernel keyring so that commands
//! in this login session need no passphrase until it expires or `devvault lock`. It takes
//! the passphrase (or the OS keychain slot), never the session key itself, so a session
//! unlock cannot renew itself; replacing one is said out loud.

use anyhow::Result;
use clap::Args;

#[derive(Args, Debug)]
pub struct Unlock {
    /// How long: 30s, 15m, 2h, 1d (at most 7d)
    #[arg(long = "for", value_name = "DURATION", default_value = "15m", value_parser = crate::os::session::parse_duration)]
    duration: u64,
}

impl Unlock {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let path = ctx.vault_path()?;
        let vault = crate::os::passphrase::unlock_without_session(&path)?;
        if crate::os::session::load(&vault.id_hex()).is_some() {
            crate::os::console::status!("this replaces the session unlock that was active");
        }
        crate::os::session::store(&vault.id_hex(), &vault.session_key(), self.duration)?;
        let mut st = crate::os::prompt_state::load(vault.path());
        st.session_ends = Some(crate::os::prompt_state::now() + self.duration as i64);
        crate::os::prompt_state::save(vault.path(), st);
        crate::os::console::status!(
            "unlocked {} for {} in this login session (`devvault lock` forgets it now)",
            vault.path().display(),
            super::output::duration(self.duration)
        );
        Ok(())
    }
}
