//! The operating system glue the front ends share: where passphrases come from
//! ([`passphrase`]), the OS keychain ([`keychain`]), the timed session unlock in the kernel
//! keyring ([`session`]), the clipboard ([`clipboard`]), private files ([`private_file`]) and
//! the one path to stdout and stderr ([`console`]).
//! Front-end side: the core ([`crate::Vault`] and below) never imports this module; it only
//! receives passphrases and keys and hands keys back.

pub mod clipboard;
pub mod console;
pub mod keychain;
pub mod passphrase;
pub mod private_file;
pub mod prompt_state;
pub mod session;
