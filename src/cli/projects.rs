//! `devvault projects`: every project with its environments and key counts.

use anyhow::Result;
use clap::Args;
use std::io::Write;

#[derive(Args, Debug)]
pub struct Projects {
    /// Print JSON
    #[arg(long)]
    json: bool,
}

impl Projects {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let projects = ctx.unlock()?.projects()?;
        if self.json {
            return super::output::json(&projects);
        }
        let mut out = crate::os::console::stdout();
        if projects.is_empty() {
            crate::os::console::status!(
                "no projects yet; add a secret with `devvault set PROJECT KEY`"
            );
        }
        for p in &projects {
            let envs: Vec<String> = p
                .environments
                .iter()
                .map(|e| {
                    format!(
                        "{} ({} key{})",
                        e.name,
                        e.keys,
                        if e.keys == 1 { "" } else { "s" }
                    )
                })
                .collect();
            writeln!(out, "{}  {}", p.project, envs.join(", "))?;
        }
        Ok(())
    }
}
