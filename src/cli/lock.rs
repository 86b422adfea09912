//! `devvault lock`: forgets the session unlock held in the kernel keyring now.

use anyhow::Result;
use clap::Args;

#[derive(Args, Debug)]
pub struct Lock {}

impl Lock {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let locked = ctx.open_locked()?;
        let had = crate::os::session::forget(&locked.id_hex()).unwrap_or(false);
        let mut st = crate::os::prompt_state::load(locked.path());
        st.session_ends = None;
        crate::os::prompt_state::save(locked.path(), st);
        if had {
            crate::os::console::status!(
                "locked {}: the session key is gone",
                locked.path().display()
            );
        } else {
            crate::os::console::status!(
                "{} was not unlocked for this session",
                locked.path().display()
            );
        }
        Ok(())
    }
}
