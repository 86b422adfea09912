//! `devvault stale`: every secret of every project past its maximum age (the key's
//! policy, its scope's, or 90 days), most overdue first. Never values.

use super::output::{age, date};
use crate::rotation::format_max_age;
use anyhow::Result;
use clap::Args;
use std::io::Write;

#[derive(Args, Debug)]
pub struct Stale {
    /// Print JSON
    #[arg(long)]
    json: bool,
}

impl Stale {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let now = crate::vault::now();
        let mut stale = ctx.unlock()?.stale(now)?;
        stale.sort_by_key(|s| std::cmp::Reverse(s.overdue_days));
        if self.json {
            return super::output::json(&stale);
        }
        if stale.is_empty() {
            crate::os::console::status!("no secret is past its maximum age");
            return Ok(());
        }
        let sw = super::output::width(stale.iter().map(|s| s.scope.to_string().len()), 5);
        let kw = super::output::width(stale.iter().map(|s| s.key.as_str().len()), 3);
        let mut out = crate::os::console::stdout();
        writeln!(
            out,
            "{:sw$}  {:kw$}  {:16}  {:>5}  {:>7}  OVERDUE",
            "SCOPE", "KEY", "UPDATED", "AGE", "MAX AGE"
        )?;
        for s in &stale {
            writeln!(
                out,
                "{:sw$}  {:kw$}  {:16}  {:>5}  {:>7}  {}d",
                s.scope.to_string(),
                s.key.as_str(),
                date(s.updated),
                age(s.updated, now),
                format_max_age(s.max_age),
                s.overdue_days
            )?;
        }
        crate::os::console::status!(
            "{} secrets past their maximum age; rotate them with `devvault rotate SCOPE KEY`",
            stale.len()
        );
        Ok(())
    }
}
