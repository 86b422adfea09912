//! `devvault inject -i TEMPLATE [-o FILE]`: renders a text file whose `{{ devvault://... }}`
//! references (1Password's `op inject` syntax with devvault's scheme) are replaced by their
//! values, from the flattened scopes with templates expanded. Without `-o` the result goes
//! to stdout; with it, the file is written like `export -o` (0600 by atomic rename, no
//! overwrite without `--force`, never a file git tracks unless `--allow-tracked`, recorded
//! for `doctor`). An unclosed `{{` or an unknown reference names its line and writes nothing.

use crate::audit::EventKind;
use crate::flows::Input;
use crate::reference::{Piece, split_template};
use anyhow::{Context, Result};
use clap::Args;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct Inject {
    /// The template (`-` = stdin)
    #[arg(long, short = 'i', value_name = "TEMPLATE")]
    input: String,
    /// Write to FILE (mode 0600, atomic) instead of stdout; `-` is stdout
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Replace an existing FILE that is not devvault's own output for the same scope
    #[arg(long)]
    force: bool,
    /// Write FILE even though git tracks it (one `commit -a` from publishing the values)
    #[arg(long)]
    allow_tracked: bool,
}

impl Inject {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let input = Input::from_arg(&self.input);
        let name = input.name();
        let bytes = input.read()?;
        let text = std::str::from_utf8(&bytes)
            .map_err(|e| anyhow::anyhow!("{name}: not UTF-8 text (byte {})", e.valid_up_to()))?;
        let pieces =
            split_template(text).with_context(|| format!("{name}: nothing was written"))?;
        let refs: Vec<_> = pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Ref(r, line) => Some((r.clone(), format!("{name} line {line}"))),
                Piece::Text(_) => None,
            })
            .collect();
        let output = self.output.as_ref().filter(|p| p.as_os_str() != "-");
        if let Some(path) = output {
            super::export::check_target(path, self.allow_tracked)?;
        }
        let mut vault = ctx.unlock()?;
        // The record names the first scope referenced (doctor lists the file under it).
        let scope = refs.first().map(|(r, _)| r.scope.clone());
        if let (Some(path), Some(scope)) = (output, &scope) {
            super::export::check_replace(&mut vault, path, scope, self.force)?;
        }
        let values = vault
            .resolve(&refs, EventKind::Export)
            .with_context(|| format!("{name}: nothing was written"))?;
        let mut values = values.into_iter();
        let mut out = zeroize::Zeroizing::new(String::with_capacity(text.len()));
        for p in &pieces {
            match p {
                Piece::Text(t) => out.push_str(t),
                Piece::Ref(..) => {
                    if let Some(v) = values.next() {
                        out.push_str(v.expose_secret());
                    }
                }
            }
        }
        match (output, scope) {
            (None, _) => crate::os::console::product(out.as_bytes()),
            (Some(path), Some(scope)) => {
                crate::flows::write_recorded(&mut vault, &scope, path, out.as_bytes())?;
                if crate::os::private_file::is_tracked_risk(path) {
                    crate::os::console::status!(
                        "warning: {} is not git-ignored; add it to .gitignore before it is committed",
                        path.display()
                    );
                }
                crate::os::console::status!(
                    "Wrote {} with {} {} to {} (mode 0600).",
                    name,
                    refs.len(),
                    if refs.len() == 1 {
                        "reference filled"
                    } else {
                        "references filled"
                    },
                    path.display()
                );
                Ok(())
            }
            (Some(path), None) => {
                if std::fs::symlink_metadata(path).is_ok() && !self.force {
                    anyhow::bail!(super::UsageError(format!(
                        "{} already exists; nothing was written. Pass --force to replace it, or choose another path",
                        path.display()
                    )));
                }
                crate::os::private_file::stage(path, out.as_bytes())?.commit()?;
                crate::os::console::status!(
                    "Wrote {name} with no reference to {} (mode 0600).",
                    path.display()
                );
                Ok(())
            }
        }
    }
}
