//! `devvault scope inherit CHILD [PARENT] [--rm]`: show, set or remove the environment an
//! environment inherits (the logic and every check are `Vault::set_parent`'s).

use crate::Scope;
use anyhow::Result;

/// Sets `parent` (or removes the link with `rm`; with neither, prints the current parent).
pub fn run(ctx: &super::Ctx, child: &Scope, parent: Option<Scope>, rm: bool) -> Result<()> {
    let mut vault = ctx.unlock()?;
    if rm {
        vault.set_parent(child, None)?;
        crate::os::console::status!("{child} inherits nothing now.");
        return Ok(());
    }
    let Some(parent) = parent else {
        let line = match vault.parent_of(child)? {
            Some(p) => format!("{child} inherits {p}\n"),
            None => format!("{child} inherits nothing\n"),
        };
        crate::os::console::product(line.as_bytes())?;
        return Ok(());
    };
    vault.set_parent(child, Some(&parent))?;
    crate::os::console::status!(
        "{child} inherits {parent}: keys {child} does not set come from {parent} (`devvault ls {child}` shows where each comes from)."
    );
    Ok(())
}
