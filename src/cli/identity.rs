//! `devvault identity`: prints this vault's one-line public identity, `age1...
//! devvault-sign:<key>`: the age X25519 recipient teammates share to (usable alone with the
//! `age` CLI's `-r`) and the Ed25519 key its bundles are signed with (for their `trust add`).
//! Both are created (sealed in the vault) on first use. `--age` prints the recipient alone.

use anyhow::Result;
use clap::Args;

#[derive(Args, Debug)]
pub struct Identity {
    /// Print only the age recipient (`age1...`), e.g. for `age -r`
    #[arg(long)]
    age: bool,
    /// Also print the signing key's fingerprint on stderr
    #[arg(long)]
    fingerprint: bool,
}

impl Identity {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let id = ctx.unlock()?.public_identity()?;
        match self.age {
            true => crate::os::console::outln!("{}", id.age)?,
            false => crate::os::console::outln!("{id}")?,
        }
        if self.fingerprint {
            crate::os::console::status!("signing key fingerprint: {}", id.key.fingerprint());
        }
        Ok(())
    }
}
