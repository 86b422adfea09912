//! The pull half of [`super`]: what a pull would change ([`PullPreview`]), the decision
//! against the remote's entry, and the one transaction that writes the remote's values
//! through the normal write path (history kept, rotations kept as rotations).

use super::*;

/// What a pull would do to a scope: keys added or changed (with hints, never values) and
/// keys removed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PullPreview {
    /// Keys added or changed.
    pub changes: Vec<crate::vault::KeyChange>,
    /// Keys the remote no longer has.
    pub removed: Vec<KeyName>,
}

impl PullPreview {
    pub(super) fn between(ours: &[Entry], theirs: &[Entry]) -> PullPreview {
        let changes = theirs
            .iter()
            .filter_map(|t| {
                let old = ours.iter().find(|o| o.key == t.key).map(|o| &o.value);
                crate::vault::KeyChange::of(&t.key, old, &t.value, t.meta.note.as_deref())
            })
            .collect();
        let removed = ours
            .iter()
            .filter(|o| !theirs.iter().any(|t| t.key == o.key))
            .map(|o| o.key.clone())
            .collect();
        PullPreview { changes, removed }
    }

    /// Whether the pull changes nothing.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.removed.is_empty()
    }
}

impl Vault {
    /// Pulls a scope from a remote. Values that change go through the normal write path
    /// (old values kept in history, rotations kept as rotations with their date and note).
    /// Local changes not pushed stop the pull with [`Error::Conflict`] unless `resolution`
    /// says which side wins.
    pub fn pull(
        &mut self,
        remote: Option<&str>,
        scope: &Scope,
        access: &Access,
        resolution: Option<Resolution>,
    ) -> Result<SyncReport> {
        self.pull_gated(remote, scope, access, resolution, false, &mut |_, _| {
            Ok(true)
        })
    }

    /// [`Vault::pull`], but before anything is written `gate` sees what the pull would add,
    /// change and remove (never values) and says whether it lands; a refusal leaves the
    /// vault untouched (the report's action is `declined`), an error stops the pull. A scope
    /// whose remote entry was deleted, destroyed or erased stops with [`Error::Conflict`]
    /// naming it, unless `accept_deletion` (its keys are then removed here, kept in history).
    pub fn pull_gated(
        &mut self,
        remote: Option<&str>,
        scope: &Scope,
        access: &Access,
        resolution: Option<Resolution>,
        accept_deletion: bool,
        gate: &mut dyn FnMut(&Scope, &PullPreview) -> Result<bool>,
    ) -> Result<SyncReport> {
        let (config, base, local) = self.sync_start(remote, scope)?;
        let client = Client::connect(&config, access)?;
        let fetched = client.read(&config.path(scope))?;
        let ldigest = local.as_ref().map(|l| plan::digest(&pairs(l)));
        let st = judge(base.as_ref(), ldigest, fetched.as_ref());
        let rversion = fetched.as_ref().map_or(0, |r| r.version);
        let Some((version, theirs)) = fetched.and_then(|r| r.entries.map(|e| (r.version, e)))
        else {
            let gone = Gone {
                config: &config,
                scope,
                st,
                version: rversion,
                base,
                local: local.as_deref(),
                ldigest,
            };
            return self.pull_gone(gone, accept_deletion, gate);
        };
        let rdigest = plan::digest(&pairs(&theirs));
        let mut report = SyncReport::new(scope, st, "up-to-date", version);
        match plan::pull_action(st, resolution) {
            PullAction::Nothing => report.action = "local-ahead",
            PullAction::Record => self.record_base(
                &config.name,
                scope,
                Base {
                    version,
                    digest: rdigest,
                },
                None,
            )?,
            PullAction::KeepOurs => {
                report.action = "kept-ours";
                let event = Event::new(EventKind::Pull)
                    .scope(scope)
                    .detail(format!("kept local over {} version {version}", config.name));
                self.record_base(
                    &config.name,
                    scope,
                    Base {
                        version,
                        digest: rdigest,
                    },
                    Some(event),
                )?;
            }
            PullAction::Refuse => {
                let fix = format!(
                    "you have changes not pushed: push them after `devvault pull {scope} --ours`, or take the remote's with `devvault pull {scope} --theirs` (your values stay in history)"
                );
                let ours = local.as_deref().unwrap_or(&[]);
                return Err(conflict(&config, scope, st, ours, Some(&theirs), fix));
            }
            PullAction::Apply => {
                let preview = PullPreview::between(local.as_deref().unwrap_or(&[]), &theirs);
                if !preview.is_empty() && !gate(scope, &preview)? {
                    report.action = "declined";
                    return Ok(report);
                }
                report.action = "pulled";
                self.apply(
                    &config.name,
                    scope,
                    &theirs,
                    Base {
                        version,
                        digest: rdigest,
                    },
                    ldigest,
                    &mut report,
                )?;
            }
        }
        Ok(report)
    }

    /// Writes the remote's entries into the scope in one transaction, if the local content
    /// is still what the decision saw (`expect`).
    pub(super) fn apply(
        &mut self,
        remote: &str,
        scope: &Scope,
        theirs: &[Entry],
        base: Base,
        expect: Option<plan::Digest>,
        report: &mut SyncReport,
    ) -> Result<()> {
        let keys = &self.keys;
        self.store.write(|tx| {
            let mut edit = Edit::begin(tx, keys, scope, true, now())?;
            let ours = entries_of(keys, &edit.secrets)?;
            if expect.is_some_and(|d| d != plan::digest(&pairs(&ours))) {
                return Err(Error::Conflict {
                    what: format!("{scope} changed here while it was being pulled"),
                    fix: format!("run `devvault pull {scope}` again"),
                });
            }
            for e in theirs {
                let origin = origin_of(remote, base.version, &e.meta);
                match edit.put(&e.key, &e.value, &origin)?.0 {
                    crate::vault::Outcome::Added => report.added.push(e.key.to_string()),
                    crate::vault::Outcome::Changed => report.changed.push(e.key.to_string()),
                    crate::vault::Outcome::Unchanged => {}
                }
            }
            for o in ours
                .iter()
                .filter(|o| !theirs.iter().any(|t| t.key == o.key))
            {
                edit.remove(&o.key)?;
                report.removed.push(o.key.to_string());
            }
            let mut remotes = Remotes::load(tx, keys, &edit.snap.header)?;
            remotes.set_base(&mut edit.snap.header, remote, scope, base);
            edit.encryptions += remotes.save(tx, keys, &mut edit.snap.header)?;
            let detail = format!(
                "{remote} version {}: {} added, {} changed, {} removed",
                base.version,
                report.added.len(),
                report.changed.len(),
                report.removed.len()
            );
            edit.record(&Event::new(EventKind::Pull).scope(scope).detail(detail))?;
            edit.finish()
        })
    }
}

/// How a pulled value is recorded: a rotation stays a rotation with its date and note; a
/// value without devvault metadata (written by another tool, or changed by one since
/// devvault wrote it) is a change made outside devvault.
fn origin_of(remote: &str, version: u64, meta: &KeyMeta) -> Origin {
    if *meta == KeyMeta::default() {
        let mut origin = Origin::of(Change::Pull);
        origin.note = Some(format!(
            "changed outside devvault: remote `{remote}` version {version}"
        ));
        return origin;
    }
    Origin {
        change: if meta.change == Some(Change::Rotate) {
            Change::Rotate
        } else {
            Change::Pull
        },
        from: None,
        note: meta.note.clone(),
        url: meta.url.clone(),
        rotated_at: meta.rotated_at,
    }
}
