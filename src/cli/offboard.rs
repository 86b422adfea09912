//! `devvault offboard NAME`: when a teammate leaves, shows the plan (every key NAME received
//! whose current version NAME saw, from the exposure ledger), then, confirmed, rotates each
//! key (a generated value shaped like the old one with `--generate`, else a no-echo prompt
//! showing where the key is issued), pushes its scope to the remotes that hold it, writes a
//! bundle of the new values for each remaining recipient into `--out-dir DIR`, and removes
//! NAME from trust. A progress line per step on stderr; resumable (the progress is sealed in
//! the vault, a second run skips what is done); `--dry-run`; `--verify` lists the keys still
//! at a version NAME saw (exit 1 when there is one).

use super::output::date;
use crate::bundle::{self, Lock, Recipient};
use crate::rotation::Rotation;
use crate::vault::{OffboardPlan, Pick, PlannedKey, Receiver, Step, Via, generator_like};
use crate::{KeyName, Scope, SecretValue, Vault};
use anyhow::{Context, Result, bail};
use clap::Args;
use std::path::{Path, PathBuf};

#[derive(Args, Debug)]
pub struct Offboard {
    /// The teammate who leaves: the name given at `trust add`
    name: String,
    /// Only check: list the keys still at a version NAME saw (exit 1 when there is one)
    #[arg(long)]
    verify: bool,
    /// Show the plan and change nothing
    #[arg(long, conflicts_with = "verify")]
    dry_run: bool,
    /// Go ahead without asking (needed without a terminal)
    #[arg(long, short = 'y')]
    yes: bool,
    /// Generate every new value (shaped like the old one) instead of asking for it
    #[arg(long, conflicts_with = "verify")]
    generate: bool,
    /// The directory for the bundles of new values, one per remaining recipient (made 0700)
    #[arg(long, value_name = "DIR", conflicts_with = "verify")]
    out_dir: Option<PathBuf>,
    /// Print the plan (or what --verify finds) as JSON
    #[arg(long)]
    json: bool,
}

impl Offboard {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let mut vault = ctx.unlock()?;
        if self.verify {
            return self.verify(&mut vault);
        }
        let plan = vault.offboard_plan(&self.name)?;
        let name = &plan.name;
        if let Some(at) = plan.finished {
            crate::os::console::status!(
                "{name} was offboarded at {}: nothing to do (`devvault offboard --verify {name}` checks it)",
                date(at)
            );
            return Ok(());
        }
        self.show(&plan)?;
        if self.dry_run {
            crate::os::console::status!("Dry run: nothing was changed.");
            return Ok(());
        }
        let out_dir = self.out_dir_for(&plan)?;
        // Only keys not rotated yet need a value (a resumed run may have none left).
        let to_rotate = plan.keys.iter().any(|k| !plan.rotated(&k.scope, &k.key));
        if !self.generate && to_rotate && !super::confirm::has_terminal() {
            bail!(super::UsageError(
                "there is no terminal to ask the new values on; pass --generate to generate them"
                    .into()
            ));
        }
        let n = plan.keys.len();
        super::confirm::confirm(
            &format!("Rotate these {n} keys and remove {name} from trust?"),
            self.yes,
        )?;
        vault.offboard_begin(&plan)?;
        let stopped = || {
            format!(
                "offboarding {name} stopped; what is done is kept: fix the cause and run `devvault offboard {name}` again to go on"
            )
        };
        for (i, k) in plan.keys.iter().enumerate() {
            self.rotate(&mut vault, &plan, k, (i + 1, n))
                .with_context(stopped)?;
        }
        for (scope, remote) in plan.pushes() {
            push(&mut vault, &plan, &scope, &remote).with_context(stopped)?;
        }
        for (r, items) in plan.shares() {
            reshare(&mut vault, &plan, &r, &items, out_dir.as_deref()).with_context(stopped)?;
        }
        vault.offboard_finish(name)?;
        crate::os::console::status!(
            "{name} offboarded: {n} {} rotated, {name} removed from trust. Check with `devvault offboard --verify {name}`.",
            if n == 1 { "key" } else { "keys" }
        );
        Ok(())
    }

    /// `--verify`: the keys still at a version NAME saw.
    fn verify(&self, vault: &mut Vault) -> Result<()> {
        let name = &self.name;
        let still = vault.offboard_verify(name)?;
        let printed = if self.json {
            super::output::json(&still)
        } else {
            still.iter().try_for_each(|s| {
                crate::os::console::outln!(
                    "{} {}  version {}, which {name} saw",
                    s.scope,
                    s.key,
                    s.version
                )
            })
        };
        // The verdict is the exit code, even when the list could not be written.
        if still.is_empty() {
            printed?;
        } else {
            let n = still.len();
            bail!(
                "{n} {} still at a version {name} saw: rotate them with `devvault offboard {name}`",
                if n == 1 { "key is" } else { "keys are" }
            );
        }
        crate::os::console::status!("No key is at a version {name} saw.");
        Ok(())
    }

    /// The plan on stdout (JSON with --json): the product of `--dry-run`; before a run, a
    /// report that a closed or failing stdout must not stop (the offboarding goes on).
    fn show(&self, plan: &OffboardPlan) -> Result<()> {
        if self.json {
            return if self.dry_run {
                super::output::json(plan)
            } else {
                super::output::json_report(plan)
            };
        }
        let name = &plan.name;
        if !plan.done.is_empty() {
            crate::os::console::status!(
                "Resuming the offboarding of {name} begun at {} ({} steps done).",
                date(plan.started),
                plan.done.len()
            );
        }
        for line in plan_lines(plan) {
            if self.dry_run {
                crate::os::console::outln!("{line}")?;
            } else {
                crate::os::console::report!("{line}");
            }
        }
        Ok(())
    }

    /// The bundles' directory, required when someone is left to re-share to.
    fn out_dir_for(&self, plan: &OffboardPlan) -> Result<Option<PathBuf>> {
        let pending = plan
            .shares()
            .iter()
            .any(|(r, _)| !plan.shared(&OffboardPlan::receiver_id(r)));
        match (&self.out_dir, pending) {
            (None, true) => bail!(super::UsageError(
                "other recipients received these keys and need the new values: pass --out-dir DIR for their bundles".into()
            )),
            (Some(dir), true) => {
                use std::os::unix::fs::DirBuilderExt;
                std::fs::DirBuilder::new()
                    .recursive(true)
                    .mode(0o700)
                    .create(dir)
                    .with_context(|| format!("cannot make {}", dir.display()))?;
                Ok(Some(dir.clone()))
            }
            (dir, false) => Ok(dir.clone()),
        }
    }

    /// Rotates one key unless it is rotated already (by this run or since NAME saw it).
    fn rotate(
        &self,
        vault: &mut Vault,
        plan: &OffboardPlan,
        k: &PlannedKey,
        (i, n): (usize, usize),
    ) -> Result<()> {
        let name = &plan.name;
        let (scope, key) = (Scope::parse_stored(&k.scope)?, KeyName::new(&k.key)?);
        let current = vault
            .list(&scope)?
            .into_iter()
            .find(|m| m.key == key && m.inherited_from.is_none())
            .map(|m| m.version);
        let Some(current) = current else {
            crate::os::console::status!("[{i}/{n}] {scope} {key}: no longer in the vault, skipped");
            return Ok(());
        };
        if plan.rotated(&k.scope, &k.key) || !k.seen.contains(&current) {
            if !plan.rotated(&k.scope, &k.key) {
                let step = rotated(k, current);
                vault.offboard_step(name, step)?;
            }
            crate::os::console::status!(
                "[{i}/{n}] {scope} {key}: already rotated (version {current}), skipped"
            );
            return Ok(());
        }
        let value = self.new_value(vault, &scope, &key, k.url.as_deref())?;
        let options = Rotation {
            note: Some(format!("offboarding {name}")),
            url: None,
        };
        let version = u32::try_from(vault.rotate_with(&scope, &key, &value, &options)?)?;
        vault.offboard_step(name, rotated(k, version))?;
        crate::os::console::status!("[{i}/{n}] {scope} {key}: rotated to version {version}");
        Ok(())
    }

    /// A generated value shaped like the current one, or one typed at a no-echo prompt.
    fn new_value(
        &self,
        vault: &mut Vault,
        scope: &Scope,
        key: &KeyName,
        url: Option<&str>,
    ) -> Result<SecretValue> {
        if self.generate {
            let old = vault.get(scope, key)?;
            let generator = generator_like(old.expose_secret());
            generator.check(false)?;
            return Ok(generator.generate()?);
        }
        match url {
            Some(u) => crate::os::console::status!(
                "{scope} {key}: make a new value at {} and revoke the old one there",
                crate::text::escape(u)
            ),
            None => crate::os::console::status!(
                "{scope} {key}: make a new value where it is issued and revoke the old one"
            ),
        }
        let value = super::hidden::prompt_value(key, false)?;
        if value.expose_secret().is_empty() {
            bail!(super::UsageError(format!(
                "the value typed for {key} was empty; nothing was changed for it"
            )));
        }
        Ok(value)
    }
}

/// The plan as lines: a heading, one line per key, the last step.
fn plan_lines(plan: &OffboardPlan) -> Vec<String> {
    let name = &plan.name;
    let mut out = vec![format!(
        "Offboarding {name} ({}): {} {} whose current version {name} saw",
        plan.fingerprint,
        plan.keys.len(),
        if plan.keys.len() == 1 { "key" } else { "keys" }
    )];
    for k in &plan.keys {
        let seen: Vec<String> = k.seen.iter().map(|v| format!("v{v}")).collect();
        let mut line = format!(
            "  {} {}  now v{}, {name} saw {}",
            k.scope,
            k.key,
            k.current,
            seen.join(", ")
        );
        if plan.rotated(&k.scope, &k.key) {
            line.push_str("  [rotated]");
        }
        if !k.remotes.is_empty() {
            line.push_str(&format!("; push to {}", k.remotes.join(", ")));
        }
        if !k.others.is_empty() {
            let to: Vec<String> = k.others.iter().map(label).collect();
            line.push_str(&format!("; re-share to {}", to.join(", ")));
        }
        out.push(line);
    }
    out.push(format!("Then {name} is removed from trust."));
    out
}

fn rotated(k: &PlannedKey, version: u32) -> Step {
    Step::Rotated {
        scope: k.scope.clone(),
        key: k.key.clone(),
        version,
    }
}

/// Pushes `scope` to `remote` unless this offboarding did already.
fn push(vault: &mut Vault, plan: &OffboardPlan, scope: &str, remote: &str) -> Result<()> {
    if plan.pushed(scope, remote) {
        crate::os::console::status!("{scope}: already pushed to {remote}, skipped");
        return Ok(());
    }
    let s = Scope::parse_stored(scope)?;
    let config = vault.remote(Some(remote))?;
    let access = super::remote::access(vault, &config)?;
    let report = vault
        .push(Some(remote), &s, &access, false)
        .with_context(|| format!("pushing {scope} to {remote}"))?;
    let step = Step::Pushed {
        scope: scope.to_string(),
        remote: remote.to_string(),
    };
    vault.offboard_step(&plan.name, step)?;
    crate::os::console::status!("{scope}: pushed to {remote} (version {})", report.version);
    Ok(())
}

/// Writes the bundle of the new values of `items` for `r` into `dir`, unless done.
fn reshare(
    vault: &mut Vault,
    plan: &OffboardPlan,
    r: &Receiver,
    items: &[(String, String)],
    dir: Option<&Path>,
) -> Result<()> {
    let id = OffboardPlan::receiver_id(r);
    if plan.shared(&id) {
        crate::os::console::status!("{}: bundle already written, skipped", label(r));
        return Ok(());
    }
    let Some(dir) = dir else {
        bail!(super::UsageError(
            "pass --out-dir DIR for the bundles".into()
        ));
    };
    let to = match r {
        Receiver::Teammate { recipient, .. } | Receiver::Recipient { recipient } => {
            Recipient::parse(recipient)?
        }
        Receiver::Passphrase | Receiver::Remote { .. } => return Ok(()),
    };
    let mut picks: Vec<Pick> = Vec::new();
    for (scope, key) in items {
        let (s, k) = (Scope::parse_stored(scope)?, KeyName::new(key)?);
        match picks.iter_mut().find(|(p, _)| *p == s) {
            Some((_, Some(keys))) => keys.push(k),
            _ => picks.push((s, Some(vec![k]))),
        }
    }
    let b = vault.bundle_keys_to(&picks, std::slice::from_ref(r), Via::Reshare)?;
    let secret = vault.signing_secret()?;
    let from = vault.public_identity()?;
    let plain = bundle::encode_signed(&b, &secret, &from, &[to.encode()])?;
    let data = bundle::encrypt(&plain, Lock::Recipients(std::slice::from_ref(&to)), false)?;
    let file = dir.join(format!("{}.age", file_stem(r)));
    crate::os::private_file::write_private(&file, &data)?;
    let shown = file.display().to_string();
    let step = Step::Shared {
        to: id,
        file: shown.clone(),
    };
    vault.offboard_step(&plan.name, step)?;
    crate::os::console::status!(
        "{}: new values of {} {} in {shown} (mode 0600): send it; they run `devvault receive {shown}`",
        label(r),
        items.len(),
        if items.len() == 1 { "key" } else { "keys" }
    );
    Ok(())
}

/// A receiver for the terminal, escaped.
fn label(r: &Receiver) -> String {
    crate::text::escape(&r.label())
}

/// The bundle's file name: a teammate's name, else `recipient-` and part of the key.
fn file_stem(r: &Receiver) -> String {
    match r {
        Receiver::Teammate { name, .. } => name.clone(),
        other => {
            let id = OffboardPlan::receiver_id(other);
            let part: String = id
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .skip(8)
                .take(12)
                .collect();
            format!("recipient-{part}")
        }
    }
}
