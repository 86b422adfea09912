//! `devvault init`: creates the vault with a passphrase slot, calibrating Argon2id upward
//! from the default to about half a second unless `--kdf-*` flags set it by hand.

use crate::Vault;
use crate::crypto::KdfParams;
use anyhow::Result;
use clap::Args;

#[derive(Args, Debug)]
pub struct Init {
    #[command(flatten)]
    kdf: KdfArgs,
    /// Accept a passphrase zxcvbn rates below 3 of 4 (e.g. `password`)
    #[arg(long)]
    allow_weak: bool,
}

// The `--kdf-*` flags of `init` and `passwd` (a plain comment: a doc comment here would
// replace the help text of every command that flattens it).
#[derive(Args, Debug)]
pub struct KdfArgs {
    /// Argon2id memory, e.g. 64MiB or 1GiB (floor 19MiB)
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    kdf_memory: Option<u32>,
    /// Argon2id passes (floor 2)
    #[arg(long, value_name = "N")]
    kdf_time: Option<u32>,
    /// Argon2id lanes (floor 1)
    #[arg(long, value_name = "N")]
    kdf_parallelism: Option<u32>,
}

/// Parses `64MiB`, `1GiB`, `65536KiB` (or a bare number of KiB) into KiB.
pub fn parse_size(s: &str) -> Result<u32, String> {
    let lower = s.trim().to_ascii_lowercase();
    let (num, unit) = lower
        .find(|c: char| !c.is_ascii_digit())
        .map_or((lower.as_str(), ""), |i| lower.split_at(i));
    let n: u64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a size; write e.g. 64MiB"))?;
    let kib = match unit.trim() {
        "" | "k" | "kib" | "kb" => n,
        "m" | "mib" | "mb" => n * 1024,
        "g" | "gib" | "gb" => n * 1024 * 1024,
        _ => return Err(format!("`{s}` has an unknown unit; use KiB, MiB or GiB")),
    };
    u32::try_from(kib).map_err(|_| format!("`{s}` is too large"))
}

impl KdfArgs {
    /// The parameters the flags set over `base`, checked; None when no flag was given.
    pub fn params(&self, base: KdfParams) -> Result<Option<KdfParams>> {
        if self.kdf_memory.is_none() && self.kdf_time.is_none() && self.kdf_parallelism.is_none() {
            return Ok(None);
        }
        let params = KdfParams {
            m_kib: self.kdf_memory.unwrap_or(base.m_kib),
            t: self.kdf_time.unwrap_or(base.t),
            p: self.kdf_parallelism.unwrap_or(base.p),
        };
        Ok(Some(params.check_budget()?))
    }
}

/// `m=64 MiB, t=3, p=4`.
pub fn describe(p: KdfParams) -> String {
    format!("m={} MiB, t={}, p={}", p.m_kib / 1024, p.t, p.p)
}

impl Init {
    pub fn run(&self, ctx: &super::Ctx) -> Result<()> {
        let path = ctx.vault_path()?;
        if path.exists() {
            anyhow::bail!(
                "a vault already exists at {}; use it, or pass --vault PATH to create another",
                path.display()
            );
        }
        let params = match self.kdf.params(KdfParams::DEFAULT)? {
            Some(p) => p,
            None => crate::crypto::calibrate(std::time::Duration::from_millis(500)),
        };
        let pass = crate::os::passphrase::new_passphrase("DEVVAULT_PASSPHRASE", self.allow_weak)?;
        Vault::create(&path, &pass, params)?;
        crate::os::console::status!("created {} (Argon2id {})", path.display(), describe(params));
        Ok(())
    }
}
