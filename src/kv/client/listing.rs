//! Listing the scopes stored under a remote's prefix (`LIST <mount>/metadata/<prefix>`, then
//! each project folder). Every name the server lists is checked before it goes into a
//! request path: one that could leave the prefix is refused, one that is not a devvault
//! scope is left out and named. Part of [`Client`]; reads nothing but names.

use super::Client;
use super::failure::{self, bad_answer, fail};
use super::mount;
use crate::error::Result;

/// A listing of the scopes under the prefix.
#[derive(Debug, Default)]
pub struct Listing {
    /// The scopes (`project/env`), sorted.
    pub scopes: Vec<String>,
    /// What was left out, as paths under the prefix (`org/app/`, `MyApp/`, `app/dev/`).
    pub skipped: Vec<String>,
}

#[derive(serde::Deserialize)]
struct ListResponse {
    data: ListData,
}

#[derive(serde::Deserialize)]
struct ListData {
    keys: Vec<String>,
}

impl Client<'_> {
    /// The scopes (`project/env`) stored under the prefix, sorted. Every name the server
    /// lists is checked before it goes into a request path: one that could leave the prefix
    /// (`..`, a `/` inside, a control character) is refused; other names that are not devvault
    /// scopes (folders nested deeper, names that are not project or environment names) are
    /// left out and named in [`Listing::skipped`].
    pub fn scopes(&self) -> Result<Listing> {
        use crate::model::{EnvName, ProjectName};
        let mut out = Listing::default();
        for listed in self.list(&self.remote.prefix)? {
            let folder = self.listed_folder(&listed)?;
            let Some(project) = folder.filter(|p| ProjectName::new(p).is_ok()) else {
                out.skipped.push(crate::text::server_text(&listed));
                continue;
            };
            let under = join(&self.remote.prefix, project);
            for env in self.list(&under)? {
                if self.listed_folder(&env)?.is_none() && EnvName::new(&env).is_ok() {
                    out.scopes.push(format!("{project}/{env}"));
                } else {
                    out.skipped
                        .push(crate::text::server_text(&format!("{project}/{env}")));
                }
            }
        }
        out.scopes.sort();
        Ok(out)
    }

    /// A name from a LIST reply: `Some(folder)` for `folder/`, None for an entry; an error
    /// for a name that is not one path segment.
    fn listed_folder<'n>(&self, name: &'n str) -> Result<Option<&'n str>> {
        let (base, folder) = match name.strip_suffix('/') {
            Some(b) => (b, true),
            None => (name, false),
        };
        if base.is_empty()
            || base == "."
            || base == ".."
            || base.contains(['/', '\\', '%', '?', '#'])
            || base.chars().any(crate::text::is_hostile)
        {
            return Err(fail(
                self.remote,
                Some(200),
                format!(
                    "the server listed `{}` under {}/metadata/{}, which is not a name: nothing is read from it",
                    crate::text::server_text(name),
                    self.remote.mount,
                    self.remote.prefix
                ),
                "the server or an entry on it is hostile or broken: ask its operator; pull scopes by name meanwhile".into(),
            ));
        }
        Ok(folder.then_some(base))
    }

    fn list(&self, path: &str) -> Result<Vec<String>> {
        let op = format!("list {}/metadata/{path}", self.remote.mount);
        let (status, body) = self.send("LIST", &self.url("metadata", path), None, &op)?;
        match status {
            200 => Ok(serde_json::from_slice::<ListResponse>(&body)
                .map_err(|_| bad_answer(self.remote, &op))?
                .data
                .keys),
            404 if failure::no_route(&body) => Err(mount::missing(self.remote)),
            404 => Ok(Vec::new()),
            _ => Err(self.refused(status, &body, &op)),
        }
    }
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}/{name}")
    }
}
