//! `devvault read REF`: prints the value a reference (`devvault://PROJECT/ENV/KEY`) names,
//! raw like `get`, from the flattened scope (inherited keys; a template expanded).

use crate::audit::EventKind;
use crate::reference::Reference;
use anyhow::Result;
use clap::Args;
use std::io::Write;

#[derive(Args, Debug)]
pub struct Read {
    /// devvault://PROJECT/ENV/KEY (devvault://PROJECT/KEY for the dev environment)
    reference: String,
    /// Add a newline after the value (the default prints it exactly)
    #[arg(long, short = 'n')]
    newline: bool,
}

impl Read {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let r = super::arg(Reference::parse(&self.reference))?;
        let label = "the argument".to_string();
        let mut values = ctx.unlock()?.resolve(&[(r, label)], EventKind::Get)?;
        let value = values
            .pop()
            .ok_or_else(|| anyhow::anyhow!("the reference gave no value"))?;
        let mut out = crate::os::console::stdout();
        out.write_all(value.expose_secret().as_bytes())?;
        let tty = std::io::IsTerminal::is_terminal(&std::io::stdout());
        if self.newline || (tty && !value.expose_secret().ends_with('\n')) {
            out.write_all(b"\n")?;
        }
        out.flush()?;
        Ok(())
    }
}
