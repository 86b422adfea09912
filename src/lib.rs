//! devvault: a terminal vault for developers' secrets.
//!
//! One encrypted SQLite file holds every project's secrets. [`Vault`] is the only entry point
//! the front ends (the `devvault` command line and the terminal UI) use; everything below it
//! is pure (crypto, formats, names) or sees only ciphertext (the store).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod audit;
pub mod bundle;
pub mod crypto;
pub mod dotenv;
pub mod duration;
pub mod error;
pub mod format;
pub mod generate;
pub mod model;
pub mod remote;
pub mod rotation;
pub mod scan;
pub mod secret;
mod store;
pub mod vault;

pub use error::{Error, Result};
pub use format::ExportFormat;
pub use model::{EnvName, KeyName, ProjectName, Scope, ScopeDiff, SecretMeta, Target};
pub use secret::{Passphrase, SecretValue, VaultKey};
pub use vault::Vault;
