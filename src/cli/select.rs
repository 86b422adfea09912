//! `--only KEY,..` and `--exclude KEY,..` of `run` and `export`: which keys of the scope go
//! out. A key named by `--only` that the scope lacks is an error naming it (exit 4).

use crate::{KeyName, SecretValue};
use anyhow::Result;
use clap::Args;

#[derive(Args, Debug, Default)]
pub struct Select {
    /// Only these keys (comma-separated, repeatable)
    #[arg(long, value_delimiter = ',', value_name = "KEY,..")]
    only: Vec<String>,
    /// Every key but these (comma-separated, repeatable)
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "KEY,..",
        conflicts_with = "only"
    )]
    exclude: Vec<String>,
}

impl Select {
    /// The entries kept, in their order.
    pub fn apply(
        &self,
        entries: Vec<(KeyName, SecretValue)>,
    ) -> Result<Vec<(KeyName, SecretValue)>> {
        if !self.only.is_empty() {
            let missing: Vec<&str> = self
                .only
                .iter()
                .map(String::as_str)
                .filter(|k| !entries.iter().any(|(e, _)| e.as_str() == *k))
                .collect();
            if !missing.is_empty() {
                return Err(crate::Error::NotFound {
                    what: format!("the --only keys {} in the scope", missing.join(", ")),
                    suggestion: None,
                }
                .into());
            }
            return Ok(entries
                .into_iter()
                .filter(|(k, _)| self.only.iter().any(|o| o == k.as_str()))
                .collect());
        }
        Ok(entries
            .into_iter()
            .filter(|(k, _)| !self.exclude.iter().any(|x| x == k.as_str()))
            .collect())
    }
}
