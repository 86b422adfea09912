//! The `--generate [LEN] --charset CS --allow-weak` flags shared by `set` and `rotate`,
//! turned into a [`crate::generate::Generator`] before any vault call.

use crate::SecretValue;
use crate::generate::{Charset, Generator};
use anyhow::Result;
use clap::Args;

#[derive(Args, Debug)]
pub struct GenArgs {
    /// Generate a random value of LEN characters (words for --charset words) instead of
    /// reading one [default: 32 characters, or 8 words]
    #[arg(long, value_name = "LEN", num_args = 0..=1)]
    generate: Option<Option<usize>>,
    /// With --generate: alnum (default), base64, hex, words, or custom:CHARS
    #[arg(long, value_name = "CHARSET", value_parser = parse_charset, requires = "generate")]
    charset: Option<Charset>,
    /// With --generate: accept a value under 16 characters or 64 bits
    #[arg(long, requires = "generate")]
    allow_weak: bool,
}

fn parse_charset(s: &str) -> Result<Charset, String> {
    Charset::parse(s).map_err(|e| e.to_string())
}

impl GenArgs {
    /// The generated value, or `None` when `--generate` was not given; a weak spec is an
    /// error unless `--allow-weak`.
    pub fn value(&self) -> Result<Option<SecretValue>> {
        let Some(len) = self.generate else {
            return Ok(None);
        };
        let charset = self.charset.clone().unwrap_or(Charset::Alnum);
        let generator = Generator::new(charset, len);
        generator.check(self.allow_weak)?;
        Ok(Some(generator.generate()?))
    }
}
