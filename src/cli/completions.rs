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
        let full = super::Cli::command();
        // Hidden commands, if any, are left out of the completions.
        let mut cmd = strip_hidden(full);
        // Into a buffer: the generators panic when their writer fails.
        let mut script = Vec::new();
        clap_complete::generate(self.shell, &mut cmd, "devvault", &mut script);
        crate::os::console::product(&script)
    }
}

/// The command without its hidden subcommands (clap has no way to remove one, so the tree
/// is rebuilt from the visible ones).
fn strip_hidden(cmd: clap::Command) -> clap::Command {
    let visible: Vec<clap::Command> = cmd
        .get_subcommands()
        .filter(|c| !c.is_hide_set())
        .cloned()
        .collect();
    let mut bare = clap::Command::new("devvault");
    for arg in cmd.get_arguments() {
        bare = bare.arg(arg.clone());
    }
    bare.subcommands(visible)
}
