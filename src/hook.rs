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

/// The hook code `devvault hook SHELL` prints, calling devvault at `exe`.
pub fn script(shell: Shell, exe: &str) -> String {
    let (text, quoted) = match shell {
        Shell::Bash => (include_str!("hook/bash.sh"), quote_posix(exe)),
        Shell::Zsh => (include_str!("hook/zsh.zsh"), quote_posix(exe)),
        Shell::Fish => (include_str!("hook/fish.fish"), quote_fish(exe)),
        Shell::Direnv => (include_str!("hook/direnv.sh"), quote_posix(exe)),
    };
    text.replace("@DEVVAULT@", &quoted)
}

/// `s` in POSIX single quotes (bash, zsh, sh): exact for every string without NUL.
pub fn quote_posix(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// `s` in fish single quotes, where only `\\` and `\'` are escapes.
pub fn quote_fish(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

fn quote(shell: Shell, s: &str) -> String {
    match shell {
        Shell::Fish => quote_fish(s),
        _ => quote_posix(s),
    }
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

/// The code that sets `entries` (already filtered by [`skip`]) in `shell`, first undoing
/// an earlier load, and keeps the code that restores the variables they replace.
pub fn load(shell: Shell, entries: &[(&KeyName, &SecretValue)]) -> Zeroizing<String> {
    let mut out = Zeroizing::new(clear(shell, false));
    let mut restore = String::new();
    for (k, v) in entries {
        let value = Zeroizing::new(quote(shell, v.expose_secret()));
        let (save, set, undo) = match shell {
            Shell::Fish => (
                format!(
                    "if set -q {k}; set -g __devvault_old_{k} ${k}; else; set -e __devvault_old_{k}; end\n"
                ),
                format!("set -gx {k} "),
                format!(
                    "if set -q __devvault_old_{k}; set -gx {k} $__devvault_old_{k}; set -e __devvault_old_{k}; else; set -e {k}; end; "
                ),
            ),
            Shell::Direnv => (String::new(), format!("export {k}="), String::new()),
            _ => (
                format!(
                    "if [ -n \"${{{k}+x}}\" ]; then __devvault_old_{k}=${k}; else unset __devvault_old_{k}; fi\n"
                ),
                format!("export {k}="),
                format!(
                    "if [ -n \"${{__devvault_old_{k}+x}}\" ]; then export {k}=\"$__devvault_old_{k}\"; unset __devvault_old_{k}; else unset {k}; fi; "
                ),
            ),
        };
        out.push_str(&save);
        out.push_str(&set);
        out.push_str(&value);
        out.push('\n');
        restore.push_str(&undo);
    }
    match shell {
        Shell::Fish => out.push_str(&format!(
            "set -g __devvault_restore {}\n",
            quote_fish(&restore)
        )),
        Shell::Direnv => {}
        _ => out.push_str(&format!("__devvault_restore={}\n", quote_posix(&restore))),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_keeps_every_byte() {
        assert_eq!(quote_posix("a'b"), "'a'\\''b'");
        assert_eq!(quote_fish("a'b\\c"), "'a\\'b\\\\c'");
    }

    #[test]
    fn shell_specials_and_dangerous_names_are_skipped() {
        let v = SecretValue::from("x");
        let k = |s: &str| KeyName::new(s).unwrap();
        assert_eq!(skip(&k("PATH"), &v), Some(Skip::Dangerous));
        assert_eq!(skip(&k("path"), &v), Some(Skip::Dangerous));
        assert_eq!(skip(&k("PS1"), &v), Some(Skip::ShellSpecial));
        assert_eq!(skip(&k("fpath"), &v), Some(Skip::ShellSpecial));
        assert_eq!(skip(&k("fish_user_paths"), &v), Some(Skip::ShellSpecial));
        assert_eq!(skip(&k("__devvault_restore"), &v), Some(Skip::ShellSpecial));
        assert_eq!(skip(&k("a.b"), &v), Some(Skip::NotIdentifier));
        assert_eq!(skip(&k("A"), &SecretValue::from("a\0b")), Some(Skip::Nul));
        assert_eq!(skip(&k("DATABASE_URL"), &v), None);
        assert_eq!(skip(&k("STATUS"), &v), None);
        assert_eq!(skip(&k("status"), &v), Some(Skip::ShellSpecial));
    }
}
