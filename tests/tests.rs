//! The integration tests: ONE test binary (one link instead of one per file), with one
//! module per suite and the helpers they share in `common/`. Run one suite with
//! `cargo test --test integration <suite>::`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

mod agents;
mod audit;
mod bundle;
mod bundle_properties;
mod check;
mod cli;
mod cli_errors;
mod clipboard;
mod completion;
mod concurrency;
mod crash;
mod crash_receive;
mod faults;
mod formats;
mod frozen;
mod grant;
mod header_properties;
mod hook;
mod keychain;
mod limits;
mod memory;
mod migrate;
mod migrate_more;
mod offboard;
mod onboard;
mod readers;
mod references;
mod remote;
mod remote_failures;
mod remote_foreign;
mod rotation;
mod rotation_cli;
mod scan;
mod scope_marks;
mod sweep;
mod tamper;
mod tui;
mod tui_lifecycle;
mod unlock;
mod vault;
