//! `devvault completions SHELL`: prints a completion script.

use anyhow::Result;
use clap::{Args, CommandFactory};

#[derive(Args, Debug)]
pub struct Completions {
    /// bash, zsh, fish, elvish or powershell
    shell: clap_complete::Shell,
}

impl Completions {
    pub fn run(&self, _ctx: &super::Ctx) -> Result<()> {
        let mut cmd = super::Cli::command();
        // Into a buffer: the generators panic when their writer fails.
        let mut script = Vec::new();
        clap_complete::generate(self.shell, &mut cmd, "devvault", &mut script);
        crate::os::console::product(&script)
    }
}
