//! `devvault ls [SCOPE]`: the keys of a scope with version, dates, age and rotation status
//! (`due in 78d`, `overdue 12d`), then, when any key has them, where an inherited key comes
//! from and which values are templates; never values.

use anyhow::Result;
use clap::Args;
use std::io::Write;

#[derive(Args, Debug)]
pub struct Ls {
    /// PROJECT[/ENV] [default: from .devvault.toml]
    scope: Option<String>,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

impl Ls {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let scope = ctx.scope(self.scope.as_deref())?;
        let keys = ctx.unlock()?.list_sources(&scope)?;
        if self.json {
            return super::output::json(&keys);
        }
        let now = crate::vault::now();
        let width = super::output::width(keys.iter().map(|k| k.meta.key.as_str().len()), 3);
        let extra = keys
            .iter()
            .any(|k| k.template || k.inherited_from.is_some());
        let mut out = crate::os::console::stdout();
        writeln!(
            out,
            "{:width$}  {:>7}  {:16}  {:16}  {:>5}  {}",
            "KEY",
            "VERSION",
            "CREATED",
            "UPDATED",
            "AGE",
            if extra {
                "ROTATION      FROM"
            } else {
                "ROTATION"
            }
        )?;
        for listed in &keys {
            let k = &listed.meta;
            let status = match k.overdue_days {
                Some(d) => format!("overdue {d}d"),
                None => {
                    let left = (k.updated + k.max_age as i64 - now).max(0);
                    format!("due in {}d", left / 86_400)
                }
            };
            let line = format!(
                "{:width$}  {:>7}  {:16}  {:16}  {:>5}  {status}",
                k.key.as_str(),
                k.version,
                super::output::date(k.created),
                super::output::date(k.updated),
                super::output::age(k.updated, now)
            );
            match extra {
                false => writeln!(out, "{line}")?,
                true => writeln!(out, "{line:<w$}  {}", from(listed), w = width + 66)?,
            }
        }
        Ok(())
    }
}

/// The FROM column: `here` or the scope inherited from, and `template` when it is one.
fn from(k: &crate::vault::Listed) -> String {
    let place = k.inherited_from.as_deref().unwrap_or("here");
    match k.template {
        true => format!("{place}, template"),
        false => place.to_string(),
    }
}
