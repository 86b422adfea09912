//! The TUI's vocabulary: [`Action`] (a main-screen command from the keymap), [`Msg`]
//! (something that happened: a key, a tick, a vault result) and [`Effect`] (what `update`
//! asks the driver to do). Data only.

use super::input::Edit;
use crate::{ExportFormat, KeyName, Passphrase, Scope, SecretMeta, SecretValue};
use std::path::PathBuf;
use std::time::Instant;

/// Main-screen commands, from the keymap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Move up one row.
    Up,
    /// Move down one row.
    Down,
    /// Up one page.
    PageUp,
    /// Down one page.
    PageDown,
    /// First row.
    Top,
    /// Last row.
    Bottom,
    /// Switch pane.
    SwitchPane,
    /// Focus the scopes pane.
    Left,
    /// Focus the secrets pane.
    Right,
    /// Reveal or hide the selected value.
    Reveal,
    /// Copy the selected value.
    Copy,
    /// Copy the selected key's name.
    CopyName,
    /// Order the table by name, age or rotation due (cycles).
    Sort,
    /// Start filtering.
    Filter,
    /// Add a key.
    Add,
    /// Edit the selected key.
    Edit,
    /// Delete the selected key.
    Delete,
    /// Rotate the selected key.
    Rotate,
    /// The selected key's history.
    History,
    /// Roll back to the selected version (in the history view).
    Rollback,
    /// The audit log.
    Audit,
    /// Read the vault again (another process may have changed it).
    Reload,
    /// Export the scope to a file.
    Export,
    /// New project or environment.
    New,
    /// Lock the vault.
    Lock,
    /// Remove, rename, copy or compare the selected scope.
    ScopeOps,
    /// Import a `.env` file into the selected scope.
    Import,
    /// The selected scope's removed keys, restorable.
    Trash,
    /// Help overlay.
    Help,
    /// Close the filter or dialog.
    Back,
    /// Quit.
    Quit,
}

/// Something that happened.
#[derive(Debug)]
pub enum Msg {
    /// The clock moved: a monotonic instant and the Unix time.
    Tick(Instant, i64),
    /// The terminal was resized.
    Resize(u16, u16),
    /// A main-screen command.
    Act(Action),
    /// An edit to the focused text field.
    Input(Edit),
    /// Enter in a field.
    Submit,
    /// Esc in a field or dialog.
    Cancel,
    /// Tab / Shift-Tab between fields.
    NextField(isize),
    /// Show or mask the value being typed.
    ToggleMask,
    /// Yes to a confirmation.
    Yes,
    /// A click at (column, row).
    Click(u16, u16),
    /// The wheel at (column, row); true = down.
    Scroll(u16, u16, bool),
    /// The vault was created.
    Created,
    /// The vault was unlocked.
    Unlocked,
    /// The passphrase was wrong (or another unlock error).
    UnlockFailed(String),
    /// Every scope's listing.
    Loaded(Vec<(Scope, Vec<SecretMeta>)>),
    /// Every scope: these listed, the others (second) still to load.
    Listed(Vec<(Scope, Vec<SecretMeta>)>, Vec<Scope>),
    /// The listings of scopes that were still to load.
    ScopesLoaded(Vec<(Scope, Vec<SecretMeta>)>),
    /// Nothing happened: carry on with work in the background (a filter scan, loading).
    Idle,
    /// One scope's listing after a write; select `select` if given.
    ScopeLoaded(Scope, Vec<SecretMeta>, Option<KeyName>),
    /// A value to show.
    Revealed(Scope, KeyName, SecretValue),
    /// A value to edit.
    EditLoaded(Scope, KeyName, SecretValue),
    /// A value is on the clipboard.
    Copied(KeyName),
    /// The clipboard countdown ended; true when our value was still there and was cleared.
    ClipboardCleared(bool),
    /// A key's versions.
    HistoryLoaded(Scope, KeyName, Vec<crate::rotation::VersionInfo>),
    /// An old version's value to show.
    VersionRevealed(u32, SecretValue),
    /// Recent audit events.
    AuditLoaded(Vec<crate::audit::AuditEvent>),
    /// The scope shown when the vault was last used (sent once, before the first listing).
    LastScope(Option<Scope>),
    /// Select this scope (after a listing: a scope made, renamed or copied into).
    SelectScope(Scope),
    /// What importing `path` into `scope` would do.
    ImportPreviewed {
        /// Into.
        scope: Scope,
        /// The `.env`.
        path: PathBuf,
        /// Added, changed, unchanged key names.
        report: crate::model::ImportReport,
        /// The first-run import.
        first_run: bool,
    },
    /// An import is done.
    Imported(super::scopes::AfterImport),
    /// A scope's removed keys.
    TrashLoaded(Scope, Vec<crate::vault::Trashed>),
    /// Two environments compared by key name.
    DiffLoaded(Scope, Scope, crate::ScopeDiff),
    /// A message for the footer.
    Info(String),
    /// An error for the footer.
    Failed(String),
    /// The revealed value's note (its current version's), if it has one.
    Note(Option<String>),
    /// A key's name is on the clipboard.
    NameCopied(KeyName),
}

/// Why a value is saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveKind {
    /// A new key.
    Add,
    /// A changed value.
    Edit,
}

/// Where a rotated value comes from.
#[derive(Debug)]
pub enum RotateHow {
    /// Generated, to a checked spec.
    Generate(crate::generate::Generator),
    /// Pasted by the user.
    Paste(SecretValue),
}

/// What the driver should do.
#[derive(Debug)]
pub enum Effect {
    /// Create the vault with this passphrase.
    Create(Passphrase),
    /// Unlock with this passphrase.
    Unlock(Passphrase),
    /// List every scope, the keys of the first (answer: [`Msg::Listed`]).
    LoadAll,
    /// List the keys of these scopes (answer: [`Msg::ScopesLoaded`]).
    LoadScopes(Vec<Scope>),
    /// Fetch a value to show (answer: [`Msg::Revealed`]).
    Reveal(Scope, KeyName),
    /// Fetch a value to edit (answer: [`Msg::EditLoaded`]).
    FetchForEdit(Scope, KeyName),
    /// Copy a value to the clipboard (answer: [`Msg::Copied`]).
    Copy(Scope, KeyName),
    /// Clear the clipboard if it still holds our value.
    ClearClipboard,
    /// Copy a key's name to the clipboard (answer: [`Msg::NameCopied`]).
    CopyName(KeyName),
    /// Store a value (answer: [`Msg::ScopeLoaded`]).
    Save {
        /// Scope.
        scope: Scope,
        /// Key.
        key: KeyName,
        /// New value.
        value: SecretValue,
        /// Add or edit.
        kind: SaveKind,
    },
    /// Give a key a new version (answer: [`Msg::ScopeLoaded`]).
    Rotate {
        /// Scope.
        scope: Scope,
        /// Key.
        key: KeyName,
        /// Generated or pasted.
        how: RotateHow,
    },
    /// List a key's versions (answer: [`Msg::HistoryLoaded`]).
    LoadHistory(Scope, KeyName),
    /// Fetch an old version's value (answer: [`Msg::VersionRevealed`]).
    RevealVersion(Scope, KeyName, u32),
    /// Restore a version as a new one (answer: [`Msg::ScopeLoaded`]).
    Rollback(Scope, KeyName, u32),
    /// The audit events of the last N days (answer: [`Msg::AuditLoaded`]).
    LoadAudit(u32),
    /// Delete a key (answer: [`Msg::ScopeLoaded`]).
    Delete(Scope, KeyName),
    /// Write a scope to a file, 0600.
    Export {
        /// Scope.
        scope: Scope,
        /// Format.
        format: ExportFormat,
        /// File.
        path: PathBuf,
    },
    /// Import a `.env` file into a scope.
    Import(Scope, PathBuf),
    /// Show a new, empty scope (handled inside `update`; never reaches the driver).
    AddScope(Scope),
    /// Make an empty scope in the vault (answer: a listing, [`Msg::SelectScope`]).
    CreateScope(Scope),
    /// Ask before a scope operation (handled inside `update`; never reaches the driver).
    AskScopeOp(super::scopes::ScopeOp),
    /// Run a scope operation (answer: a listing, or [`Msg::DiffLoaded`]).
    RunScopeOp(super::scopes::ScopeOp),
    /// Preview importing a `.env` (answer: [`Msg::ImportPreviewed`]).
    ImportPreview {
        /// Into.
        scope: Scope,
        /// The file.
        path: PathBuf,
        /// The first-run import.
        first_run: bool,
    },
    /// Import a `.env`, then check every key landed (answer: [`Msg::Imported`]).
    ImportFile {
        /// Into.
        scope: Scope,
        /// The file.
        path: PathBuf,
        /// The first-run import.
        first_run: bool,
    },
    /// Write `.devvault.toml` naming `scope` in `dir`.
    LinkDir(PathBuf, Scope),
    /// Delete an imported plaintext `.env`.
    DeletePlain(PathBuf),
    /// Add an imported plaintext `.env` to the `.gitignore` beside it.
    IgnorePlain(PathBuf),
    /// List a scope's removed keys (answer: [`Msg::TrashLoaded`]).
    LoadTrash(Scope),
    /// List every scope again and say so (answer: a listing and "reloaded").
    Reload,
    /// Read again if another process changed the vault (answer: a listing, or nothing).
    CheckChanged,
    /// Remember the scope shown, for the next start.
    RememberScope(Scope),
    /// Drop the vault key and every value.
    Lock,
    /// Exit.
    Quit,
}
