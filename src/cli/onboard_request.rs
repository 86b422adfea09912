//! `devvault onboard [SCOPE] --request [-o FILE]`: instead of asking for values, writes a
//! signed access request (see [`crate::request`]) for the keys the schema of the
//! repository's `.env.example` requires that the scope lacks, for a teammate's
//! `devvault grant`. Names only: a request holds no secret.

use crate::request::{self, Request};
use crate::{KeyName, Scope};
use anyhow::{Context, Result};
use std::path::Path;

/// Writes the request for `scope` against the schema in `file` to `output` (mode 0600) or
/// stdout; nothing is written when the scope lacks no required key.
pub(super) fn run(
    ctx: &super::Ctx,
    scope: &Scope,
    file: &Path,
    output: Option<&Path>,
) -> Result<()> {
    let name = file.display().to_string();
    let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {name}"))?;
    let schema = crate::schema::parse(&text, &name)?;
    let mut vault = ctx.unlock()?;
    // Keys the scope inherits count as present, as for `onboard` and `check`.
    let have: Vec<KeyName> = match vault.list_sources(scope) {
        Ok(list) => list.into_iter().map(|l| l.meta.key).collect(),
        Err(crate::Error::NotFound { .. }) => Vec::new(),
        Err(e) => return Err(e.into()),
    };
    let missing: Vec<KeyName> = schema
        .into_iter()
        .filter(|e| !e.rule.optional && !have.contains(&e.key))
        .map(|e| e.key)
        .collect();
    if missing.is_empty() {
        crate::os::console::status!("{scope} has every key {name} requires; no request needed.");
        return Ok(());
    }
    let req = Request {
        created: crate::vault::now(),
        from: vault.public_identity()?,
        scope: scope.clone(),
        keys: missing,
    };
    let armored = request::encode(&req, &vault.signing_secret()?)?;
    let n = req.keys.len();
    let keys = if n == 1 { "key" } else { "keys" };
    let fp = req.from.key.fingerprint();
    match output {
        Some(path) => {
            crate::os::private_file::write_private(path, armored.as_bytes())?;
            crate::os::console::status!(
                "Wrote a request for {n} {keys} of {scope} to {} (signed by {fp}). Send it to a teammate who holds them: they run `devvault grant {}`; tell them your fingerprint over another channel.",
                path.display(),
                path.display()
            );
        }
        None => {
            crate::os::console::outln!("{}", armored.trim_end())?;
            crate::os::console::status!("A request for {n} {keys} of {scope}, signed by {fp}.");
        }
    }
    Ok(())
}
