//! The shell hook's pure half: the hook code each shell evaluates (`devvault hook SHELL`,
//! the scripts in `hook/`), and the code that loads a scope into a shell or clears it,
//! with every value in that shell's own quoting. Which names the hook never sets: the one
//! list of [`crate::dangerous`] names, plus the variables shells themselves treat
//! specially (the prompt, history, zsh's and fish's own). No I/O; the command is
//! `cli/hook.rs`.

use crate::model::KeyName;
use crate::secret::SecretValue;
use zeroize::Zeroizing;

/// The shells the hook speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shell {
    /// GNU bash (`PROMPT_COMMAND`).
    Bash,
    /// zsh (a `precmd` hook).
    Zsh,
    /// fish (a `fish_prompt` event handler).
    Fish,
    /// direnv's bash: a `use_devvault` function for an `.envrc`.
    Direnv,
}

/// Upper-case names shells give a meaning of their own beyond [`crate::dangerous`]: prompts
/// (which bash and zsh expand, running `$(..)`), the shell's timeout, zsh's function and
/// module paths, the shell's own counters. Compared in ASCII upper case.
const SHELL_EXACT: &[&str] = &[
    "PS0",
    "PS1",
    "PS2",
    "PS3",
    "PROMPT",
    "PROMPT2",
    "PROMPT3",
    "PROMPT4",
    "RPROMPT",
    "RPROMPT2",
    "RPS1",
    "RPS2",
    "SPROMPT",
    "TMOUT",
    "FPATH",
    "MODULE_PATH",
    "MANPATH",
    "MAILPATH",
    "MAILCHECK",
    "PSVAR",
    "FIGNORE",
    "TERM",
    "PWD",
    "OLDPWD",
    "SHLVL",
    "UID",
    "EUID",
    "GID",
    "EGID",
    "PPID",
    "RANDOM",
    "SECONDS",
    "LINENO",
    "OPTIND",
    "OPTARG",
    "REPLY",
    "COLUMNS",
    "LINES",
    "INPUTRC",
    "FCEDIT",
    "CMD_DURATION",
    "EPOCHSECONDS",
    "EPOCHREALTIME",
    "KEYTIMEOUT",
    "WORDCHARS",
    "READNULLCMD",
    "NULLCMD",
    "POSTEDIT",
    "TMPPREFIX",
    "_",
];

/// Prefixes of the same kind: bash's and zsh's own, history, completion, fish's, the hook's.
const SHELL_PREFIXES: &[&str] = &[
    "BASH",
    "ZSH",
    "HIST",
    "SAVEHIST",
    "READLINE",
    "COMP_",
    "FISH",
    "__FISH",
    "__DEVVAULT",
];

/// Lower-case names zsh and fish keep for themselves (special, tied or read-only), compared
/// exactly: `STATUS` is an ordinary name, `status` is not.
const SHELL_LOWER: &[&str] = &[
    "fpath",
    "module_path",
    "manpath",
    "mailpath",
    "psvar",
    "fignore",
    "watch",
    "argv",
    "status",
    "pipestatus",
    "signals",
    "prompt",
    "histchars",
    "options",
    "parameters",
    "commands",
    "functions",
    "aliases",
    "builtins",
    "dirstack",
    "history",
    "historywords",
    "jobdirs",
    "jobstates",
    "jobtexts",
    "modules",
    "nameddirs",
    "reswords",
    "userdirs",
    "widgets",
    "keymaps",
    "mapfile",
    "sysparams",
    "terminfo",
    "termcap",
    "errnos",
    "version",
    "umask",
    "hostname",
    "zle_highlight",
];

/// Why the hook leaves a key of the scope unset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Skip {
    /// A [`crate::dangerous`] name (use `devvault run --allow-env` for those).
    Dangerous,
    /// A variable the shell itself uses.
    ShellSpecial,
    /// Not a shell variable name (holds `.` or `-`).
    NotIdentifier,
    /// The value holds a NUL byte, which no environment can carry.
    Nul,
}

impl Skip {
    /// A few words for the notice naming the keys.
    pub fn why(self) -> &'static str {
        match self {
            Skip::Dangerous => {
                "they change how programs load code or find binaries (`devvault run --allow-env NAME` gives them to one command)"
            }
            Skip::ShellSpecial => "the shell itself uses them",
            Skip::NotIdentifier => "they are not shell variable names",
            Skip::Nul => "their values hold a NUL byte",
        }
    }
}

/// Whether a shell treats `name` specially (see [`SHELL_EXACT`] and [`SHELL_LOWER`]).
pub fn is_shell_special(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    SHELL_LOWER.contains(&name)
        || SHELL_EXACT.contains(&upper.as_str())
        || SHELL_PREFIXES.iter().any(|p| upper.starts_with(p))
}

/// Why the hook does not set `key` to `value`, if it does not.
pub fn skip(key: &KeyName, value: &SecretValue) -> Option<Skip> {
    if crate::dangerous::is_dangerous(key.as_str()) {
        Some(Skip::Dangerous)
    } else if is_shell_special(key.as_str()) {
        Some(Skip::ShellSpecial)
    } else if !key.is_shell_safe() {
        Some(Skip::NotIdentifier)
    } else if value.expose_secret().contains('\0') {
        Some(Skip::Nul)
    } else {
        None
    }
}

/// The digest `devvault allow` records for a link file: SHA-256 over its bytes and those of
/// the `.devvault.local.toml` beside it (`None` when there is none), in lowercase hex. Any
/// change to either (another scope, another environment) no longer matches.
pub fn digest(link: &[u8], local: Option<&[u8]>) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(b"devvault hook link v1\0");
    h.update((link.len() as u64).to_be_bytes());
    h.update(link);
    match local {
        Some(l) => {
            h.update([1]);
            h.update(l);
        }
        None => h.update([0]),
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The hook code `devvault hook SHELL` prints, calling devvault at `exe`. bash and zsh
/// share `hook/posix.sh` (the link file search and the prompt hook), put in at `@POSIX@`.
pub fn script(shell: Shell, exe: &str) -> String {
    let (text, quoted) = match shell {
        Shell::Bash => (include_str!("hook/bash.sh"), quote_posix(exe)),
        Shell::Zsh => (include_str!("hook/zsh.zsh"), quote_posix(exe)),
        Shell::Fish => (include_str!("hook/fish.fish"), quote_fish(exe)),
        Shell::Direnv => (include_str!("hook/direnv.sh"), quote_posix(exe)),
    };
    let name = match shell {
        Shell::Zsh => "zsh",
        _ => "bash",
    };
    let common = include_str!("hook/posix.sh").replace("@SHELL@", name);
    text.replace("@POSIX@", common.trim_end())
        .replace("@DEVVAULT@", &quoted)
}

/// `s` in POSIX single quotes (bash, zsh, sh): exact for every string without NUL.
pub fn quote_posix(s: &str) -> String {
    let mut out = String::with_capacity(quoted_len(Shell::Bash, s));
    push_quoted(&mut out, Shell::Bash, s);
    out
}

/// `s` in fish single quotes, where only `\\` and `\'` are escapes.
pub fn quote_fish(s: &str) -> String {
    let mut out = String::with_capacity(quoted_len(Shell::Fish, s));
    push_quoted(&mut out, Shell::Fish, s);
    out
}

/// Appends `s` quoted for `shell` to `out`, with no copy of it elsewhere (a value is
/// quoted straight into the zeroized load code).
fn push_quoted(out: &mut String, shell: Shell, s: &str) {
    out.push('\'');
    for c in s.chars() {
        match (shell, c) {
            (Shell::Fish, '\\') => out.push_str("\\\\"),
            (Shell::Fish, '\'') => out.push_str("\\'"),
            (_, '\'') => out.push_str("'\\''"),
            _ => out.push(c),
        }
    }
    out.push('\'');
}

/// The length of `s` quoted for `shell` (see [`push_quoted`]).
fn quoted_len(shell: Shell, s: &str) -> usize {
    let extra = |b: &u8| match (shell, b) {
        (Shell::Fish, b'\\' | b'\'') => 1,
        (Shell::Fish, _) => 0,
        (_, b'\'') => 3,
        _ => 0,
    };
    s.len() + 2 + s.as_bytes().iter().map(extra).sum::<usize>()
}

/// The code that undoes whatever the hook set (restoring what it replaced) and, when
/// `pending`, makes the hook try again at the next prompt.
pub fn clear(shell: Shell, pending: bool) -> String {
    let flag = if pending { "1" } else { "" };
    match shell {
        Shell::Fish => format!("__devvault_unload\nset -g __devvault_pending '{flag}'\n"),
        Shell::Direnv => String::new(),
        _ => format!("__devvault_unload\n__devvault_pending={flag}\n"),
    }
}

/// bash's and zsh's undo of a load: unset every name it set, then put back (exported) the
/// values it replaced, saved as `NAME=value` words in `__devvault_save`. Constant, so
/// undoing costs two builtins whatever the size of the scope.
const POSIX_RESTORE: &str = "unset -v \"${__devvault_names[@]}\"; if [ ${#__devvault_save[@]} -gt 0 ]; then export \"${__devvault_save[@]}\"; fi; __devvault_names=() __devvault_save=()";

/// fish's: erase every name set, then put back the values replaced (kept in
/// `__devvault_old_NAME`, lists intact) of the names in `__devvault_had`.
const FISH_RESTORE: &str = "set -q __devvault_names[1]; and set -e $__devvault_names; for __devvault_n in $__devvault_had; set -l __devvault_o __devvault_old_$__devvault_n; set -gx $__devvault_n $$__devvault_o; set -e $__devvault_o; end; set -g __devvault_names; set -g __devvault_had";

/// fish's save of what a load replaces, run before the values are set.
const FISH_SAVE: &str = "set -g __devvault_had; for __devvault_n in $__devvault_names; if set -q $__devvault_n; set -g __devvault_old_$__devvault_n $$__devvault_n; set -a __devvault_had $__devvault_n; end; end";

/// The code that sets `entries` (already filtered by [`skip`]) in `shell`, first undoing
/// an earlier load, and leaves in `__devvault_restore` the code that restores what they
/// replace. bash and zsh save what each name held with one array assignment
/// (`${NAME+"NAME=$NAME"}` is no word at all when NAME is unset) and set every value with
/// one `export`, so the shell runs a few builtins, not a few per key; the restore code is
/// the same constant for every load (`__devvault_unload` evaluates it, as it did the
/// per-key code of earlier versions, so a shell that loaded the old hook keeps working).
pub fn load(shell: Shell, entries: &[(&KeyName, &SecretValue)]) -> Zeroizing<String> {
    let size: usize = entries
        .iter()
        .map(|(k, v)| 6 * k.as_str().len() + quoted_len(shell, v.expose_secret()) + 16)
        .sum();
    let mut out = Zeroizing::new(String::with_capacity(size + 1024));
    out.push_str(&clear(shell, false));
    match shell {
        Shell::Direnv => {
            for (k, v) in entries {
                push_all(&mut out, &["export ", k.as_str(), "="]);
                push_quoted(&mut out, shell, v.expose_secret());
                out.push('\n');
            }
        }
        Shell::Fish => {
            out.push_str("set -g __devvault_names");
            for (k, _) in entries {
                push_all(&mut out, &[" ", k.as_str()]);
            }
            push_all(&mut out, &["\n", FISH_SAVE, "\n"]);
            for (k, v) in entries {
                push_all(&mut out, &["set -gx ", k.as_str(), " "]);
                push_quoted(&mut out, shell, v.expose_secret());
                out.push('\n');
            }
            out.push_str("set -g __devvault_restore ");
            push_quoted(&mut out, shell, FISH_RESTORE);
            out.push('\n');
        }
        Shell::Bash | Shell::Zsh => {
            out.push_str("__devvault_names=(");
            for (i, (k, _)) in entries.iter().enumerate() {
                push_all(&mut out, &[if i == 0 { "" } else { " " }, k.as_str()]);
            }
            out.push_str(")\n__devvault_save=(");
            for (i, (k, _)) in entries.iter().enumerate() {
                let (k, sep) = (k.as_str(), if i == 0 { "${" } else { " ${" });
                push_all(&mut out, &[sep, k, "+\"", k, "=$", k, "\"}"]);
            }
            out.push_str(")\n__devvault_restore=");
            push_quoted(&mut out, shell, POSIX_RESTORE);
            out.push('\n');
            if !entries.is_empty() {
                out.push_str("export");
                for (k, v) in entries {
                    push_all(&mut out, &[" ", k.as_str(), "="]);
                    push_quoted(&mut out, shell, v.expose_secret());
                }
                out.push('\n');
            }
        }
    }
    out
}

/// Appends `parts` to `out` (names and code, never a value).
fn push_all(out: &mut String, parts: &[&str]) {
    for p in parts {
        out.push_str(p);
    }
}

#[cfg(test)]
mod tests;
