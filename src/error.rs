//! The core's one error type. Messages quote the bad input (never a secret value) and say
//! what to do next. Front ends map variants to exit codes (see `Error::exit_code`).

mod storage;

pub use storage::note_sqlite_log;
pub(crate) use storage::{READ_ONLY_FIX, commit_unsettled, describe_errno, forget_log, unsettled};

/// Everything the core can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The passphrase (or a keychain key) did not unwrap the vault key.
    #[error("wrong passphrase for {path}: the vault key could not be unwrapped")]
    WrongPassphrase {
        /// The vault file.
        path: String,
    },
    /// The passphrase (or key) given for another manager's file (`import --from`) did not
    /// open it (exit 3, as for the vault's own).
    #[error("wrong passphrase for {file}: {fix}")]
    SourceLocked {
        /// The source file or store, as shown.
        file: String,
        /// What to do.
        fix: String,
    },
    /// A vault, project, environment or key does not exist.
    #[error("{what} not found{}", suggestion.as_ref().map(|s| format!("; did you mean `{s}`?")).unwrap_or_default())]
    NotFound {
        /// What was looked for, e.g. ``key `X` in myapp/dev``.
        what: String,
        /// The closest existing name.
        suggestion: Option<String>,
    },
    /// An environment inherits one that no longer exists (it was purged): its reads name the
    /// broken link and the fix (exit 4, like any missing scope).
    #[error(
        "{parent}, which {child} inherits ({chain}), does not exist any more: remove the link with `devvault scope inherit {child} --rm`, or create {parent} again"
    )]
    MissingParent {
        /// The environment whose parent is gone (the nearest to it in the chain).
        child: String,
        /// The environment that is gone.
        parent: String,
        /// The chain from the scope read to the missing one, `a -> b -> c`.
        chain: String,
    },
    /// Tampered or corrupt data: a ciphertext, manifest, MAC or the audit chain failed its
    /// check, or SQLite found the file's structure damaged (never a failed read: that is
    /// [`Error::Storage`]).
    #[error(
        "integrity check failed: {what}; the vault file was modified outside devvault or is corrupt (restore it from a backup)"
    )]
    Integrity {
        /// What failed its check.
        what: String,
    },
    /// The caller gave something the core refuses; `fix` says what to do instead.
    #[error("{what}: {fix}")]
    InvalidInput {
        /// What is wrong, quoting the input.
        what: String,
        /// How to fix it.
        fix: String,
    },
    /// The vault file exists but is unsafe to use as it is (e.g. loose permissions).
    #[error("{what}: {fix}")]
    Unsafe {
        /// What is unsafe.
        what: String,
        /// How to fix it.
        fix: String,
    },
    /// The vault could not be written or read: a full disk, a file size limit, a read-only
    /// file system, a failing disk. The transaction was rolled back: nothing was changed.
    #[error("{}", storage_message(what, fix, path.as_deref()))]
    Storage {
        /// What failed: the system call, the file and the errno when known.
        what: String,
        /// How to fix it.
        fix: String,
        /// The vault file, when `what` does not name it.
        path: Option<String>,
    },
    /// A change was written but the disk failed before confirming it (an fsync after the
    /// commit record): the change may or may not be there, now or after a restart.
    #[error(
        "{what}: the change may or may not have been saved; once the disk is healthy, {}, and retry if it is missing",
        check.as_deref().unwrap_or("check with `devvault audit`")
    )]
    Unsettled {
        /// What failed, naming the file.
        what: String,
        /// How to see whether the change is there, e.g. "check with `devvault ls`" (the front
        /// end fills it in).
        check: Option<String>,
    },
    /// A team remote (HashiCorp Vault / OpenBao) could not be used: unreachable, TLS,
    /// refused (HTTP status), or an unexpected answer. The local vault was not changed.
    #[error("remote `{remote}` ({url}): {what}; {fix}")]
    Remote {
        /// The remote's name.
        remote: String,
        /// The remote's address.
        url: String,
        /// The HTTP status, when the server answered.
        status: Option<u16>,
        /// What failed (never a value or a token).
        what: String,
        /// How to fix it.
        fix: String,
    },
    /// A push or pull stopped because the other side changed too; `what` names the keys
    /// that differ (never values) and `fix` says what to run.
    #[error("{what}; {fix}")]
    Conflict {
        /// What differs, by key name.
        what: String,
        /// What to run next.
        fix: String,
    },
    /// SQLite failed.
    #[error("database error: {0}")]
    Db(rusqlite::Error),
    /// A bundle (`receive`) could not be opened or read; nothing was imported.
    #[error("{what}: {fix}")]
    Bundle {
        /// Why it failed (sets the exit code).
        kind: BundleFailure,
        /// What failed, naming the file.
        what: String,
        /// How to fix it.
        fix: String,
    },
    /// The file system failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        // Read first: the errno of the failed system call, before anything else runs.
        let errno = std::io::Error::last_os_error().raw_os_error();
        if let Some(kind) = storage::kind_of(&e, errno) {
            return storage::storage_error(kind, &e, errno);
        }
        match e {
            rusqlite::Error::InvalidColumnType(_, name, ty) => Error::integrity(format!(
                "column `{name}` holds a {ty} where devvault wrote another type"
            )),
            rusqlite::Error::FromSqlConversionFailure(_, ty, _) => {
                Error::integrity(format!("a stored {ty} value does not convert"))
            }
            e if is_corruption(&e) => Error::integrity(format!("SQLite reports: {e}")),
            e => Error::Db(e),
        }
    }
}

/// The core's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Shorthand for [`Error::InvalidInput`].
    pub fn invalid(what: impl Into<String>, fix: impl Into<String>) -> Self {
        Error::InvalidInput {
            what: what.into(),
            fix: fix.into(),
        }
    }

    /// Shorthand for [`Error::Integrity`].
    pub fn integrity(what: impl Into<String>) -> Self {
        Error::Integrity { what: what.into() }
    }

    /// Shorthand for [`Error::NotFound`] with the closest of `candidates` suggested.
    pub fn not_found<'a>(
        what: impl Into<String>,
        asked: &str,
        candidates: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        Error::NotFound {
            what: what.into(),
            suggestion: closest(asked, candidates),
        }
    }

    /// Shorthand for [`Error::Io`].
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }

    /// Names the vault file `path` in a storage error that does not name it yet.
    pub fn in_file(self, path: &std::path::Path) -> Self {
        match self {
            Error::Storage {
                what,
                fix,
                path: None,
            } => {
                let p = path.display().to_string();
                let path = (!what.contains(&p)).then_some(p);
                Error::Storage { what, fix, path }
            }
            e => e,
        }
    }

    /// Whether this is a storage error of a read-only vault or a full disk, as a read's
    /// audit entry meets them.
    pub fn is_storage(&self) -> bool {
        matches!(self, Error::Storage { .. })
    }

    /// The documented process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Unsettled { .. } => 8,
            Error::WrongPassphrase { .. } | Error::SourceLocked { .. } => 3,
            Error::NotFound { .. } | Error::MissingParent { .. } => 4,
            Error::Integrity { .. } => 5,
            Error::Remote { .. } => 6,
            Error::Conflict { .. } => 7,
            Error::Bundle { kind, .. } => match kind {
                BundleFailure::NotForYou | BundleFailure::WrongPassphrase => 3,
                BundleFailure::Corrupt
                | BundleFailure::BadSignature
                | BundleFailure::OtherRecipients => 5,
                BundleFailure::UnknownVersion
                | BundleFailure::Unsigned
                | BundleFailure::Untrusted
                | BundleFailure::Replay => 1,
            },
            _ => 1,
        }
    }
}

/// Why a bundle could not be opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BundleFailure {
    /// Encrypted to someone else (exit 3).
    NotForYou,
    /// The bundle passphrase is wrong (exit 3).
    WrongPassphrase,
    /// Truncated, tampered or not a bundle (exit 5).
    Corrupt,
    /// A format version this build does not read (exit 1).
    UnknownVersion,
    /// Signed, but the signature does not match its contents (exit 5).
    BadSignature,
    /// Signed for other recipients: re-encrypted by one of them (exit 5).
    OtherRecipients,
    /// Not signed, and `--unsigned` was not given (exit 1).
    Unsigned,
    /// Signed by a key not trusted here, and `--trust-new` was not given (exit 1).
    Untrusted,
    /// Older than the last bundle received from the same sender (exit 1).
    Replay,
}

fn storage_message(what: &str, fix: &str, path: Option<&str>) -> String {
    match path {
        Some(p) => format!("{p}: {what}; nothing was changed: {fix}"),
        None => format!("{what}; nothing was changed: {fix}"),
    }
}

fn is_corruption(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
    )
}

/// The candidate closest to `asked` by edit distance, if any is reasonably close.
pub fn closest<'a>(asked: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    candidates
        .into_iter()
        .map(|c| {
            (
                strsim::damerau_levenshtein(&asked.to_lowercase(), &c.to_lowercase()),
                c,
            )
        })
        .filter(|(d, c)| *d <= (c.len().max(asked.len()) / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let names = ["STRIPE_KEY", "DB_PASSWORD"];
        assert_eq!(closest("STRIPE_KY", names).as_deref(), Some("STRIPE_KEY"));
        assert_eq!(closest("stripe_key", names).as_deref(), Some("STRIPE_KEY"));
        assert_eq!(closest("TOTALLY_ELSE", names), None);
    }

    #[test]
    fn exit_codes_follow_the_contract() {
        assert_eq!(Error::WrongPassphrase { path: "v".into() }.exit_code(), 3);
        assert_eq!(Error::not_found("key `X`", "X", []).exit_code(), 4);
        assert_eq!(Error::integrity("x").exit_code(), 5);
        assert_eq!(Error::invalid("x", "y").exit_code(), 1);
        let remote = Error::Remote {
            remote: "team".into(),
            url: "https://v".into(),
            status: Some(403),
            what: "x".into(),
            fix: "y".into(),
        };
        assert_eq!(remote.exit_code(), 6);
        let conflict = Error::Conflict {
            what: "x".into(),
            fix: "y".into(),
        };
        assert_eq!(conflict.exit_code(), 7);
    }
}
