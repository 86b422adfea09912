//! What `receive` and `pull` share about incoming keys: the preview line of each key (a
//! hint at the new value, the incoming note, a flag on dangerous names; never a value),
//! and the rule that a dangerous name lands only when the user names it (`--allow-env
//! NAME`, or typed on a terminal); otherwise nothing of that bundle or entry lands.

use crate::dangerous;
use crate::preview::printable;
use crate::vault::{KeyChange, Outcome};
use anyhow::Result;
use std::io::{IsTerminal, Write};

/// Writes one preview line: `  changed   KEY  (host a -> b; note "...") DANGEROUS: ...`.
pub fn write_line(
    out: &mut impl Write,
    what: &str,
    key: &str,
    change: Option<&KeyChange>,
) -> Result<()> {
    write!(out, "  {what:<9} {key}")?;
    if let Some(c) = change {
        let mut parts = Vec::new();
        parts.extend(c.hint.clone());
        if let Some(n) = &c.note {
            parts.push(format!("note \"{}\"", printable(n)));
        }
        if !parts.is_empty() {
            write!(out, "  ({})", parts.join("; "))?;
        }
        if c.dangerous {
            write!(
                out,
                "  [dangerous: changes how programs load code or find binaries]"
            )?;
        }
    }
    writeln!(out)?;
    Ok(())
}

/// The word for an outcome.
pub fn outcome_word(o: Outcome) -> &'static str {
    match o {
        Outcome::Added => "added",
        Outcome::Changed => "changed",
        Outcome::Unchanged => "unchanged",
    }
}

/// The dangerous names among `changes`.
pub fn flagged<'a>(changes: impl IntoIterator<Item = &'a KeyChange>) -> Vec<String> {
    dangerous::find(
        changes
            .into_iter()
            .filter(|c| c.dangerous)
            .map(|c| c.key.as_str()),
    )
}

/// Lets `flagged` names in only when each is in `allowed`, or (without `yes`, on a
/// terminal) typed by the user; otherwise an error naming them: nothing of `source` lands.
pub fn admit(flagged: &[String], allowed: &[String], yes: bool, source: &str) -> crate::Result<()> {
    let missing = dangerous::not_allowed(flagged, allowed);
    if missing.is_empty() {
        return Ok(());
    }
    let list = missing.join(", ");
    if !yes && std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
        crate::os::console::status!(
            "{source} sets {list}: names that change how programs load code or find binaries (a command run with them can run someone else's code)."
        );
        crate::os::console::prompt(format_args!(
            "Type these names to import them, or press Enter to import nothing: "
        ));
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .map_err(|e| crate::Error::io("cannot read the answer", e))?;
        let typed: Vec<String> = line.split_whitespace().map(str::to_string).collect();
        if dangerous::not_allowed(&missing, &typed).is_empty() {
            return Ok(());
        }
    }
    Err(crate::Error::invalid(
        format!(
            "{source} sets {list}, names that change how programs load code or find binaries; nothing was imported from it"
        ),
        format!(
            "check where those values lead, then pass {} (--yes alone never imports them)",
            dangerous::allow_flags(&missing)
        ),
    ))
}
