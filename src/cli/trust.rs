//! `devvault trust add NAME LINE | ls | rm NAME`: the teammates whose signed bundles
//! `receive` accepts, pinned by their `devvault identity` line (sealed in the vault).

use crate::signing::PublicIdentity;
use anyhow::Result;
use clap::{Args, Subcommand};

#[derive(Args, Debug)]
pub struct Trust {
    #[command(subcommand)]
    action: Action,
}

#[derive(Subcommand, Debug)]
enum Action {
    /// Trust a teammate: NAME and the whole line their `devvault identity` prints
    Add {
        /// A local name for them (letters, digits, . _ @ -)
        name: String,
        /// Their line: `age1... devvault-sign:...` (quote it)
        identity: String,
    },
    /// List trusted teammates with their fingerprints
    Ls {
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Stop trusting a teammate
    Rm {
        /// The name given at `trust add`
        name: String,
    },
}

impl Trust {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        match &self.action {
            Action::Add { name, identity } => {
                crate::vault::check_trust_name(name)?;
                let id = PublicIdentity::parse(identity)?;
                ctx.unlock()?.trust(name, &id)?;
                crate::os::console::status!("trusted {name} ({})", id.key.fingerprint());
            }
            Action::Ls { json } => {
                let list = ctx.unlock()?.trusted()?;
                if *json {
                    let rows: Vec<_> = list
                        .iter()
                        .map(|t| {
                            serde_json::json!({
                                "name": t.name,
                                "fingerprint": t.fingerprint(),
                                "identity": t.identity,
                                "added": t.added,
                                "last_created": t.last_created,
                            })
                        })
                        .collect();
                    return super::output::json(&rows);
                }
                for t in &list {
                    crate::os::console::outln!("{}  {}", t.name, t.fingerprint())?;
                }
                if list.is_empty() {
                    crate::os::console::status!(
                        "no trusted teammates; add one with `devvault trust add NAME 'LINE'`"
                    );
                }
            }
            Action::Rm { name } => {
                ctx.unlock()?.untrust(name)?;
                crate::os::console::status!("no longer trusting {name}");
            }
        }
        Ok(())
    }
}
