//! The one list of environment variable names that change how programs load code, find
//! binaries or run hooks. A vault may hold them (it is the user's), but `run` gives them to a
//! child, and `receive`/`pull` import them, only when the user names each one. Pure: no I/O.
//!
//! Where the list comes from:
//! - the dynamic loaders: ld.so(8) (`LD_*`), dyld(1) (`DYLD_*`), and glibc's `unsecvars.h`,
//!   the variables ld.so drops for set-uid programs (`GCONV_PATH`, `GETCONF_DIR`,
//!   `HOSTALIASES`, `LOCALDOMAIN`, `LOCPATH`, `MALLOC_TRACE`, `NIS_PATH`, `NLSPATH`,
//!   `RESOLV_HOST_CONF`, `RES_OPTIONS`, `TZDIR`);
//! - shells: bash(1) INVOCATION and Shell Variables (`BASH_ENV`, `ENV`, `SHELLOPTS`,
//!   `BASHOPTS`, `PS4`, `PROMPT_COMMAND`, `IFS`, `CDPATH`, `GLOBIGNORE`, exported functions
//!   `BASH_FUNC_*`), zsh(1) (`ZDOTDIR`), and `SHELL`, `PATH`, `HOME`, `XDG_CONFIG_HOME`
//!   (where every dotfile is read from);
//! - interpreters and runtimes: node(1) (`NODE_OPTIONS`, `NODE_PATH`), python(1)
//!   (`PYTHON*`), perlrun(1) (`PERL5*`, `PERLLIB`, `PERLIO`), ruby(1) (`RUBYOPT`, `RUBYLIB`,
//!   `GEM_HOME`, `GEM_PATH`, `BUNDLE_GEMFILE`), the JDK launcher (`JAVA_TOOL_OPTIONS`,
//!   `_JAVA_OPTIONS`, `JDK_JAVA_OPTIONS`, `CLASSPATH`), .NET (`DOTNET_STARTUP_HOOKS`,
//!   `CORECLR_*`), Lua (`LUA_INIT`, `LUA_PATH`, `LUA_CPATH`), PHP (`PHPRC`,
//!   `PHP_INI_SCAN_DIR`), Go (`GOFLAGS`), Rust (`RUSTC_WRAPPER`, `RUSTC_WORKSPACE_WRAPPER`,
//!   `RUSTC`, `CARGO_BUILD_RUSTC_WRAPPER`), npm (`NPM_CONFIG_*`, read case-insensitively);
//! - tools that run a program named by a variable: git(1) ENVIRONMENT VARIABLES (`GIT_*`,
//!   e.g. `GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_n` setting `core.fsmonitor`, `GIT_SSH_COMMAND`),
//!   less(1) (`LESSOPEN`, `LESSCLOSE`), `EDITOR`, `VISUAL`, `PAGER`, `MANPAGER`, `BROWSER`,
//!   `SSH_ASKPASS`, `SUDO_ASKPASS`, OpenSSL (`OPENSSL_CONF`, `OPENSSL_ENGINES`: engines are
//!   shared objects);
//! - devvault itself (`DEVVAULT_*`: the vault path and the passphrase command).
//!
//! Names are compared in ASCII upper case, so `npm_config_x` and `Path` count too.

/// Names that are dangerous exactly.
const EXACT: &[&str] = &[
    "BASH_ENV",
    "ENV",
    "SHELLOPTS",
    "BASHOPTS",
    "PS4",
    "PROMPT_COMMAND",
    "IFS",
    "CDPATH",
    "GLOBIGNORE",
    "ZDOTDIR",
    "SHELL",
    "PATH",
    "HOME",
    "XDG_CONFIG_HOME",
    "NODE_OPTIONS",
    "NODE_PATH",
    "PERLLIB",
    "PERLIO",
    "RUBYOPT",
    "RUBYLIB",
    "GEM_HOME",
    "GEM_PATH",
    "BUNDLE_GEMFILE",
    "JAVA_TOOL_OPTIONS",
    "_JAVA_OPTIONS",
    "JDK_JAVA_OPTIONS",
    "CLASSPATH",
    "DOTNET_STARTUP_HOOKS",
    "LUA_INIT",
    "LUA_PATH",
    "LUA_CPATH",
    "PHPRC",
    "PHP_INI_SCAN_DIR",
    "GOFLAGS",
    "RUSTC",
    "RUSTC_WRAPPER",
    "RUSTC_WORKSPACE_WRAPPER",
    "CARGO_BUILD_RUSTC_WRAPPER",
    "GCONV_PATH",
    "GETCONF_DIR",
    "HOSTALIASES",
    "LOCALDOMAIN",
    "LOCPATH",
    "MALLOC_TRACE",
    "NIS_PATH",
    "NLSPATH",
    "RESOLV_HOST_CONF",
    "RES_OPTIONS",
    "TZDIR",
    "LESSOPEN",
    "LESSCLOSE",
    "EDITOR",
    "VISUAL",
    "PAGER",
    "MANPAGER",
    "BROWSER",
    "SSH_ASKPASS",
    "SUDO_ASKPASS",
    "OPENSSL_CONF",
    "OPENSSL_ENGINES",
];

/// Prefixes that make a name dangerous.
const PREFIXES: &[&str] = &[
    "LD_",
    "DYLD_",
    "BASH_FUNC_",
    "PYTHON",
    "PERL5",
    "CORECLR_",
    "NPM_CONFIG_",
    "GIT_",
    "DEVVAULT_",
];

/// Whether `name` changes how programs load code or find binaries.
pub fn is_dangerous(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    EXACT.contains(&upper.as_str()) || PREFIXES.iter().any(|p| upper.starts_with(p))
}

/// The dangerous names among `names`, sorted and without duplicates.
pub fn find<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = names
        .into_iter()
        .filter(|n| is_dangerous(n))
        .map(str::to_string)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The names of `dangerous` not in `allowed`.
pub fn not_allowed(dangerous: &[String], allowed: &[String]) -> Vec<String> {
    dangerous
        .iter()
        .filter(|d| !allowed.contains(d))
        .cloned()
        .collect()
}

/// `--allow-env A --allow-env B`, the flags that allow `names`.
pub fn allow_flags(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("--allow-env {n}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_attacks_of_issue_15_are_on_the_list() {
        for n in [
            "BASH_ENV",
            "NODE_OPTIONS",
            "PATH",
            "GIT_CONFIG_COUNT",
            "GIT_CONFIG_KEY_0",
            "GIT_CONFIG_VALUE_0",
            "LD_PRELOAD",
            "DYLD_INSERT_LIBRARIES",
            "DEVVAULT_PASSPHRASE_COMMAND",
            "PYTHONSTARTUP",
            "PERL5OPT",
            "npm_config_script_shell",
            "HOME",
            "EDITOR",
            "_JAVA_OPTIONS",
        ] {
            assert!(is_dangerous(n), "{n}");
        }
        for n in [
            "DATABASE_URL",
            "API_KEY",
            "PATHNAME",
            "ENVIRONMENT",
            "GITHUB_TOKEN",
        ] {
            assert!(!is_dangerous(n), "{n}");
        }
    }

    #[test]
    fn find_sorts_and_dedups() {
        assert_eq!(
            find(["PATH", "A", "BASH_ENV", "PATH"]),
            vec!["BASH_ENV".to_string(), "PATH".to_string()]
        );
        let allowed = vec!["PATH".to_string()];
        assert_eq!(
            not_allowed(&find(["PATH", "BASH_ENV"]), &allowed),
            vec!["BASH_ENV".to_string()]
        );
    }
}
