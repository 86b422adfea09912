//! devvault: a terminal vault for developers' secrets.
//!
//! One encrypted SQLite file holds every project's secrets. [`Vault`] is the only entry point
//! the front ends (the `devvault` command line and the terminal UI) use; everything below it
//! is pure (crypto, formats, names) or sees only ciphertext (the store).
//!
//! The front ends live here too, behind the default `cli` feature: [`cli`] (the command
//! line), [`tui`] (the terminal UI) and [`os`] (passphrase sources, keychain, session unlock,
//! clipboard). `src/main.rs` only hardens the process and calls [`cli::main`]. The core never
//! imports them. See ARCHITECTURE.md for the layers.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod audit;
pub mod bundle;
#[cfg(feature = "cli")]
pub mod cli;
pub mod crypto;
pub mod dangerous;
pub mod dotenv;
pub mod duration;
pub mod error;
#[cfg(feature = "cli")]
pub mod flows;
pub mod format;
pub mod generate;
pub mod hook;
pub mod kv;
pub mod migrate;
pub mod model;
#[cfg(feature = "cli")]
pub mod os;
pub mod passphrase_policy;
pub mod preview;
pub mod redact;
pub mod reference;
pub mod request;
pub mod rotation;
pub mod scan;
pub mod schema;
pub mod secret;
pub mod signing;
mod store;
pub mod template;
pub mod text;
#[cfg(feature = "cli")]
pub mod tui;
pub mod vault;

pub use error::{Error, Result};
pub use format::ExportFormat;
pub use model::{EnvName, KeyName, ProjectName, Scope, ScopeDiff, SecretMeta, Target};
pub use secret::{Passphrase, SecretValue, VaultKey};
pub use vault::Vault;
