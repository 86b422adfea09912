//! `devvault audit [--since 7d]`: the tamper-evident log of what happened (never values),
//! after checking the whole chain; `devvault audit verify` only checks it (exit 5 naming
//! the first bad entry when it was tampered with).

use super::output::date;
use crate::text::Escaped;
use anyhow::Result;
use clap::{Args, Subcommand};
use std::io::Write;

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Audit {
    #[command(subcommand)]
    action: Option<Action>,
    /// Only events this recent: e.g. 1h, 7d, 2w, 1mo (s, m, h, d, w, mo, y)
    #[arg(long, value_name = "AGE", value_parser = parse_age)]
    since: Option<u64>,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand, Debug)]
#[command(defer = true)]
enum Action {
    /// Check the whole chain: every entry present, in order and unchanged (exit 5 if not)
    Verify {
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Show or set strict-audit: refuse reads whose audit entry cannot be written (a
    /// read-only vault, a full disk) instead of returning the value with a warning (off by
    /// default)
    Strict {
        /// on or off
        #[arg(value_parser = ["on", "off"])]
        state: Option<String>,
    },
}

fn parse_age(s: &str) -> Result<u64, String> {
    crate::duration::parse(s).map_err(|e| e.to_string())
}

impl Audit {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let mut vault = ctx.unlock()?;
        if let Some(Action::Strict { state }) = &self.action {
            if let Some(state) = state {
                vault.set_strict_audit(state == "on")?;
            }
            let now = if vault.strict_audit()? { "on" } else { "off" };
            return crate::os::console::outln!("strict-audit {now}");
        }
        if let Some(Action::Verify { json }) = self.action {
            let report = vault.audit_verify()?;
            if json {
                return super::output::json(&report);
            }
            let span = match (report.first, report.last) {
                (Some(a), Some(b)) => format!(", {} to {} UTC", date(a), date(b)),
                _ => String::new(),
            };
            crate::os::console::outln!("audit log intact: {} entries{span}", report.entries)?;
            if report.unverified > 0 {
                crate::os::console::outln!(
                    "{} of them are failed-unlock counts recorded without the key: unverified (anyone able to write the vault file could have added them)",
                    report.unverified
                )?;
            }
            return Ok(());
        }
        let since = self
            .since
            .map_or(i64::MIN, |s| crate::vault::now() - s as i64);
        let events = vault.audit_events(since)?;
        if self.json {
            return super::output::json(&events);
        }
        let col = |f: fn(&crate::audit::AuditEvent) -> usize, min: usize| {
            super::output::width(events.iter().map(f), min)
        };
        let sw = col(|e| e.scope.as_deref().map_or(1, str::len), 5);
        let kw = col(|e| e.key.as_deref().map_or(1, str::len), 3);
        let mut out = crate::os::console::stdout();
        writeln!(
            out,
            "{:>5}  {:16}  {:16}  {:sw$}  {:kw$}  DETAIL",
            "SEQ", "TIME (UTC)", "EVENT", "SCOPE", "KEY"
        )?;
        for e in &events {
            let line = format!(
                "{:>5}  {:16}  {:16}  {:sw$}  {:kw$}  {}",
                e.seq,
                date(e.at),
                e.kind.as_str(),
                Escaped::line(e.scope.as_deref().unwrap_or("-")),
                Escaped::line(e.key.as_deref().unwrap_or("-")),
                Escaped::line(&detail(e))
            );
            writeln!(out, "{}", line.trim_end())?;
        }
        Ok(())
    }
}

/// The detail column; unverified entries say so.
fn detail(e: &crate::audit::AuditEvent) -> String {
    let d = e.detail.as_deref().unwrap_or("");
    if e.unverified {
        format!("{d} [unverified: recorded without the key]")
    } else {
        d.to_string()
    }
}
