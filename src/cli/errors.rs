//! How the command line fails: usage errors (exit 2), the documented exit code of every
//! error, a closed stdout pipe (success), and the advice an unsettled change gets.

use super::run;
use anyhow::Result;

/// Names the command that shows whether a change whose outcome is unknown
/// ([`crate::Error::Unsettled`]) landed.
pub fn check_with(e: crate::Error, command: String) -> crate::Error {
    check_by(e, format!("check with `{command}`"))
}

/// [`check_with`] with the whole advice, e.g. "try `devvault ls` with the new passphrase".
pub fn check_by(e: crate::Error, advice: String) -> crate::Error {
    match e {
        crate::Error::Unsettled { what, .. } => crate::Error::Unsettled {
            what,
            check: Some(advice),
        },
        e => e,
    }
}

/// A name given as an argument, checked: a bad one is a usage error (exit 2).
pub fn arg<T>(parsed: crate::Result<T>) -> Result<T> {
    parsed.map_err(|e| UsageError(e.to_string()).into())
}

/// A usage error: exit code 2.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// Splits 1..=`max` positionals into an optional leading scope and the rest.
pub fn split_scope(args: &[String], want: usize) -> (Option<&str>, &[String]) {
    if args.len() > want {
        (Some(args[0].as_str()), &args[1..])
    } else {
        (None, args)
    }
}

/// The documented exit code of an error.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    if err.downcast_ref::<UsageError>().is_some() {
        return 2;
    }
    if err
        .downcast_ref::<crate::os::passphrase::Locked>()
        .is_some()
    {
        return 3;
    }
    if err.downcast_ref::<run::RunError>().is_some() {
        return 127;
    }
    err.chain()
        .find_map(|e| e.downcast_ref::<crate::Error>())
        .map(|e| e.exit_code() as u8)
        .unwrap_or(1)
}

/// Whether the error is a closed stdout (e.g. `devvault export | head`).
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<crate::os::console::Closed>().is_some()
            || e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || e.downcast_ref::<serde_json::Error>()
                .and_then(serde_json::Error::io_error_kind)
                .is_some_and(|k| k == std::io::ErrorKind::BrokenPipe)
    })
}
