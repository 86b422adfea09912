//! The shell hook in real shells (bash, zsh and fish, driven in tmux): `cd` into a linked
//! directory sets the scope's variables only once the link file is allowed and the vault is
//! unlocked without asking; leaving unsets them and restores what they replaced; an
//! unallowed or edited link file loads nothing; a locked vault prints its one line once;
//! dangerous and shell-special names are never set; values arrive byte for byte. Also
//! `devvault hook direnv` with the real direnv. Needs tmux, bash, zsh, fish and direnv.

use crate::common;

use common::cli::Env;
use common::tmux::{Tmux, binary};
use predicates::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A value no naive quoting survives: quotes, `$(..)`, backquotes, backslashes, newlines,
/// globs, history and fish's own escapes.
const TRICKY: &str =
    "it's \"q\" $(touch PWNED) `touch PWNED2` \\ \\' \n2nd line * ! %s ${HOME} ; end";

#[derive(Clone, Copy)]
enum Sh {
    Bash,
    Zsh,
    Fish,
}

impl Sh {
    fn name(self) -> &'static str {
        match self {
            Sh::Bash => "bash",
            Sh::Zsh => "zsh",
            Sh::Fish => "fish",
        }
    }

    /// The shell without any user configuration.
    fn command(self) -> &'static str {
        match self {
            Sh::Bash => "bash --norc --noprofile",
            Sh::Zsh => "zsh -f",
            Sh::Fish => "fish --no-config",
        }
    }

    fn install(self) -> String {
        let bin = binary();
        match self {
            Sh::Fish => format!("'{bin}' hook fish | source"),
            s => format!("eval \"$('{bin}' hook {})\"", s.name()),
        }
    }
}

/// A vault with keys in `app/dev`, the work directory linked to it, and a shell.
struct Hooked {
    env: Env,
    tmux: Tmux,
    dumps: std::cell::Cell<u32>,
}

fn tool_missing(tool: &str) -> bool {
    std::process::Command::new(tool)
        .arg("--version")
        .output()
        .is_err()
}

fn seeded() -> Env {
    let env = Env::new();
    for (k, v) in [
        ("A", "alpha"),
        ("TRICKY", TRICKY),
        ("PRE", "from the vault"),
        ("PATH", "/evil"),
        ("LD_PRELOAD", "/evil.so"),
        ("PS1", "$(touch PWNED3)"),
    ] {
        env.set(&["app", k], v);
    }
    env.cmd().args(["link", "app"]).assert().success();
    std::fs::create_dir(env.work().join("sub")).unwrap();
    env
}

impl Hooked {
    fn start(sh: Sh, env: Env) -> Hooked {
        for tool in ["tmux", sh.name()] {
            assert!(
                !tool_missing(tool),
                "{tool} is not installed: `apt-get install {tool}`"
            );
        }
        let home = env.dir.path().to_string_lossy().into_owned();
        let vault = env.vault.to_string_lossy().into_owned();
        let cmd = format!(
            "env -i HOME='{home}' PATH=/usr/bin:/bin TERM=xterm PRE=original DEVVAULT_VAULT='{vault}' {}",
            sh.command()
        );
        let tmux = Tmux::start(&cmd, env.dir.path(), &[], 200, 50);
        let h = Hooked {
            env,
            tmux,
            dumps: std::cell::Cell::new(0),
        };
        h.line(&sh.install());
        h
    }

    /// Types a command line and Enter.
    fn line(&self, text: &str) {
        self.tmux.type_text(text);
        self.tmux.keys(&["Enter"]);
    }

    /// The shell's exported environment, read after the prompt (through `env -0`).
    fn environment(&self) -> HashMap<String, String> {
        let n = self.dumps.get() + 1;
        self.dumps.set(n);
        let file = self.env.dir.path().join(format!("dump{n}"));
        let f = file.to_string_lossy();
        self.line(&format!("env -0 > '{f}.tmp' && mv '{f}.tmp' '{f}'"));
        let start = Instant::now();
        while !file.exists() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "the shell never wrote its environment; the screen is:\n{}",
                self.tmux.screen()
            );
            std::thread::sleep(Duration::from_millis(30));
        }
        let bytes = std::fs::read(&file).unwrap();
        String::from_utf8(bytes)
            .unwrap()
            .split('\0')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn allow(&self) {
        self.env.cmd().arg("allow").assert().success();
    }

    fn unlock(&self) {
        self.env
            .cmd()
            .args(["unlock", "--for", "5m"])
            .assert()
            .success();
    }

    /// How many times the hook read the scope (its audit entries).
    fn loads(&self) -> usize {
        let out = self.env.cmd().arg("audit").assert().success();
        String::from_utf8_lossy(&out.get_output().stdout)
            .lines()
            .filter(|l| l.contains("hook") && l.contains("app/dev") && l.contains("keys"))
            .count()
    }

    fn work(&self) -> PathBuf {
        self.env.work()
    }
}

impl Drop for Hooked {
    fn drop(&mut self) {
        let _ = self.env.cmd().arg("lock").output();
    }
}

fn no_pwned(dir: &Path) {
    for d in [dir.to_path_buf(), dir.join("work"), dir.join("work/sub")] {
        for f in ["PWNED", "PWNED2", "PWNED3"] {
            assert!(
                !d.join(f).exists(),
                "a value ran code: {}",
                d.join(f).display()
            );
        }
    }
}

/// cd in sets, cd within keeps (no new read), cd out unsets and restores.
fn loads_and_restores(sh: Sh) {
    let h = Hooked::start(sh, seeded());
    h.allow();
    h.unlock();
    let before = h.environment();
    assert_eq!(before.get("PRE").map(String::as_str), Some("original"));
    assert!(!before.contains_key("A"));

    h.line(&format!("cd '{}'", h.work().display()));
    h.tmux.wait_for("devvault: loaded app/dev");
    let inside = h.environment();
    assert_eq!(inside.get("A").map(String::as_str), Some("alpha"));
    assert_eq!(inside.get("TRICKY").map(String::as_str), Some(TRICKY));
    assert_eq!(
        inside.get("PRE").map(String::as_str),
        Some("from the vault")
    );
    assert_eq!(inside.get("PATH"), before.get("PATH"), "PATH was set");
    assert!(
        !inside.contains_key("LD_PRELOAD"),
        "a dangerous name was set"
    );
    assert_ne!(
        inside.get("PS1").map(String::as_str),
        Some("$(touch PWNED3)")
    );
    let screen = h.tmux.screen();
    assert!(
        screen.contains("devvault: not set: LD_PRELOAD, PATH"),
        "{screen}"
    );

    // Prompts and moves inside the linked tree run no devvault: one read in all.
    h.line("cd sub");
    h.tmux.keys(&["Enter"]);
    h.tmux.keys(&["Enter"]);
    let deeper = h.environment();
    assert_eq!(deeper.get("A").map(String::as_str), Some("alpha"));
    assert_eq!(h.loads(), 1, "{}", h.tmux.screen());

    h.line("cd ~");
    let after = h.environment();
    assert!(!after.contains_key("A"), "A is still set after leaving");
    assert!(!after.contains_key("TRICKY"));
    assert_eq!(after.get("PRE").map(String::as_str), Some("original"));
    no_pwned(h.env.dir.path());

    // Back in: loaded again; the link file edited: unloaded, one line naming it and the fix.
    h.line(&format!("cd '{}'", h.work().display()));
    assert_eq!(h.environment().get("A").map(String::as_str), Some("alpha"));
    let link = h.work().join(".devvault.toml");
    let mut text = std::fs::read_to_string(&link).unwrap();
    text.push_str("# edited\n");
    std::fs::write(&link, text).unwrap();
    h.tmux.keys(&["Enter"]);
    h.tmux
        .wait_for("changed since it was allowed (it now names app/dev)");
    let screen = h.tmux.screen();
    assert!(screen.contains("run `devvault allow` in"), "{screen}");
    let edited = h.environment();
    assert!(!edited.contains_key("A"), "an edited link file still loads");
    assert_eq!(edited.get("PRE").map(String::as_str), Some("original"));
}

#[test]
fn bash_cd_in_sets_cd_out_unsets_and_restores() {
    loads_and_restores(Sh::Bash);
}

#[test]
fn zsh_cd_in_sets_cd_out_unsets_and_restores() {
    loads_and_restores(Sh::Zsh);
}

#[test]
fn fish_cd_in_sets_cd_out_unsets_and_restores() {
    loads_and_restores(Sh::Fish);
}

/// Locked: one line per entry, nothing set, loaded at the first prompt after `unlock`.
/// Denied (never allowed): one line per entry, nothing set, loaded at the first prompt
/// after `allow`.
fn unallowed_then_locked(sh: Sh) {
    let h = Hooked::start(sh, seeded());
    h.allow();
    h.line(&format!("cd '{}'", h.work().display()));
    h.tmux
        .wait_for("devvault: app/dev is locked: devvault unlock --for 8h");
    h.tmux.keys(&["Enter"]);
    h.tmux.keys(&["Enter"]);
    assert!(!h.environment().contains_key("A"));
    let screen = h.tmux.screen();
    assert_eq!(
        screen.matches("app/dev is locked").count(),
        1,
        "the locked line is printed once per entry:\n{screen}"
    );
    h.unlock();
    h.tmux.keys(&["Enter"]);
    h.tmux.wait_for("devvault: loaded app/dev");
    assert_eq!(h.environment().get("A").map(String::as_str), Some("alpha"));

    h.env.cmd().arg("deny").assert().success();
    h.line("cd ~");
    h.line(&format!("cd '{}'", h.work().display()));
    h.tmux
        .wait_for("is not allowed to load secrets into this shell");
    h.tmux.keys(&["Enter"]);
    h.tmux.keys(&["Enter"]);
    assert!(!h.environment().contains_key("A"));
    let screen = h.tmux.screen();
    assert_eq!(
        screen.matches("is not allowed").count(),
        1,
        "the not-allowed line is printed once per entry:\n{screen}"
    );
    h.allow();
    h.tmux.keys(&["Enter"]);
    assert_eq!(h.environment().get("A").map(String::as_str), Some("alpha"));
}

#[test]
fn bash_unallowed_and_locked_load_nothing() {
    unallowed_then_locked(Sh::Bash);
}

#[test]
fn zsh_unallowed_and_locked_load_nothing() {
    unallowed_then_locked(Sh::Zsh);
}

#[test]
fn fish_unallowed_and_locked_load_nothing() {
    unallowed_then_locked(Sh::Fish);
}

#[test]
fn a_link_to_a_missing_scope_says_so_and_loads_nothing() {
    let env = seeded();
    env.cmd().args(["link", "app/nope"]).assert().success();
    let h = Hooked::start(Sh::Bash, env);
    h.allow();
    h.unlock();
    h.line(&format!("cd '{}'", h.work().display()));
    h.tmux.wait_for("names app/nope, which is not in the vault");
    assert!(!h.environment().contains_key("A"));
}

#[test]
fn deny_and_allow_need_a_link_and_are_audited() {
    let env = seeded();
    env.cmd().arg("allow").assert().success().stderr(
        predicates::str::contains("allowed ").and(predicates::str::contains("(scope app/dev)")),
    );
    env.cmd()
        .arg("deny")
        .assert()
        .success()
        .stderr(predicates::str::contains("denied "));
    env.cmd()
        .arg("deny")
        .assert()
        .success()
        .stderr(predicates::str::contains("was not allowed"));
    let audit = env.cmd().arg("audit").assert().success();
    let text = String::from_utf8_lossy(&audit.get_output().stdout).into_owned();
    assert!(text.contains("allowed for the shell hook"), "{text}");
    assert!(text.contains("denied for the shell hook"), "{text}");
    std::fs::remove_file(env.work().join(".devvault.toml")).unwrap();
    env.cmd().arg("allow").assert().code(2);
}

#[test]
fn hook_load_output_sets_exact_values_in_sh() {
    // The load code alone, in a plain POSIX sh, without a terminal: exact values, and a
    // locked vault prints its one line and sets nothing.
    let env = seeded();
    env.cmd().arg("allow").assert().success();
    let script = |unlocked: bool| {
        let mut c = env.cmd();
        c.env_remove("DEVVAULT_PASSPHRASE");
        if unlocked {
            env.cmd().args(["unlock", "--for", "1m"]).assert().success();
        } else {
            env.cmd().arg("lock").assert().success();
        }
        c.args(["hook", "bash", "--load"]).assert().success()
    };
    let locked = script(false);
    let out = locked.get_output();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "devvault: app/dev is locked: devvault unlock --for 8h\n"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("__devvault_pending=1"));
    let loaded = script(true);
    let code = String::from_utf8(loaded.get_output().stdout.clone()).unwrap();
    let dash = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "__devvault_unload() {{ :; }}\n{code}\nprintf '%s' \"$TRICKY\""
        ))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&dash.stdout), TRICKY);
    env.cmd().arg("lock").assert().success();
}

#[test]
fn direnv_use_devvault_loads_the_allowed_scope() {
    assert!(
        !tool_missing("direnv"),
        "direnv is not installed: `apt-get install direnv`"
    );
    let env = seeded();
    env.cmd().arg("allow").assert().success();
    env.cmd().args(["unlock", "--for", "1m"]).assert().success();
    let home = env.dir.path();
    let out = env.cmd().args(["hook", "direnv"]).assert().success();
    let rc = home.join(".config/direnv");
    std::fs::create_dir_all(&rc).unwrap();
    std::fs::write(rc.join("direnvrc"), &out.get_output().stdout).unwrap();
    std::fs::write(env.work().join(".envrc"), "use devvault\n").unwrap();
    let direnv = |args: &[&str]| {
        std::process::Command::new("direnv")
            .args(args)
            .current_dir(env.work())
            .env_clear()
            .env("HOME", home)
            .env("PATH", "/usr/bin:/bin")
            .env("DEVVAULT_VAULT", &env.vault)
            .output()
            .unwrap()
    };
    assert!(direnv(&["allow", "."]).status.success());
    let run = direnv(&["exec", ".", "env", "-0"]);
    let stdout = String::from_utf8(run.stdout).unwrap();
    let vars: HashMap<&str, &str> = stdout
        .split('\0')
        .filter_map(|kv| kv.split_once('='))
        .collect();
    assert_eq!(
        vars.get("TRICKY").copied(),
        Some(TRICKY),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(vars.get("A").copied(), Some("alpha"));
    assert!(!vars.contains_key("LD_PRELOAD"));
    assert_eq!(vars.get("PATH").copied(), Some("/usr/bin:/bin"));
    env.cmd().arg("lock").assert().success();
}

/// Values no encoding may bend, beside [`TRICKY`]: empty, trailing newlines, a lone quote,
/// a final backslash, unicode, what looks like an option or an assignment, fish's escapes.
const EDGES: &[(&str, &str)] = &[
    ("EMPTY", ""),
    ("NL", "two\n\n"),
    ("QUOTE", "'"),
    ("BACKSLASH", "end\\"),
    ("UNICODE", "ü✓ 日本 \u{1F512}"),
    ("DASH", "-n --"),
    ("ASSIGN", "B=1 C='2'"),
    ("DOLLARS", "$$ $1 ${A+x} $'\\x41' \\$A"),
    ("ESCAPES", "\\' (echo x) {a,b} ~"),
];

/// The environment a shell prints with `env -0` into `file`, as a map.
fn dumped(file: &Path) -> HashMap<String, String> {
    let bytes = std::fs::read(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    String::from_utf8(bytes)
        .unwrap()
        .split('\0')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// In each shell, with the hook's own functions (no terminal): the load code of one scope
/// sets every value byte for byte; loading another scope over it first restores what the
/// first replaced; unloading puts back exactly what was there (an exported value, a shell
/// variable of the user's, now exported) and unsets the rest.
#[test]
fn load_code_round_trips_edges_and_restores_in_bash_zsh_and_fish() {
    let env = seeded();
    for (k, v) in EDGES {
        // `set` drops one trailing newline of stdin: add one, so the value is exactly `v`.
        env.cmd()
            .args(["set", "app", k, "--allow-empty"])
            .write_stdin(format!("{v}\n"))
            .assert()
            .success();
    }
    env.cmd().arg("allow").assert().success();
    let other = env.work().join("other");
    std::fs::create_dir(&other).unwrap();
    env.set(&["app/other", "A"], "from other");
    env.set(&["app/other", "ONLY_OTHER"], "x");
    env.cmd()
        .current_dir(&other)
        .args(["link", "app/other"])
        .assert()
        .success();
    env.cmd()
        .current_dir(&other)
        .arg("allow")
        .assert()
        .success();
    env.cmd().args(["unlock", "--for", "1m"]).assert().success();
    let dir = env.dir.path();
    for sh in [Sh::Bash, Sh::Zsh, Sh::Fish] {
        assert!(!tool_missing(sh.name()), "install {}", sh.name());
        let name = sh.name();
        let out = |args: &[&str], cwd: &Path| {
            let o = env
                .cmd()
                .current_dir(cwd)
                .env_remove("DEVVAULT_PASSPHRASE")
                .args(args)
                .assert()
                .success();
            o.get_output().stdout.clone()
        };
        std::fs::write(dir.join("hook"), out(&["hook", name], &env.work())).unwrap();
        let load = out(&["hook", name, "--load"], &env.work());
        std::fs::write(dir.join("load1"), &load).unwrap();
        std::fs::write(dir.join("load2"), out(&["hook", name, "--load"], &other)).unwrap();
        let script = match sh {
            Sh::Fish => "source hook; set -gx PRE 'orig  *'; set -g A 'shell only'
source load1; env -0 > d1; source load2; env -0 > d2; __devvault_unload; env -0 > d3",
            _ => "eval \"$(cat hook)\"; export PRE='orig  *'; A='shell only'
eval \"$(cat load1)\"; env -0 > d1; eval \"$(cat load2)\"; env -0 > d2; __devvault_unload; env -0 > d3",
        };
        let run = std::process::Command::new(name)
            .args(match sh {
                Sh::Bash => &["--norc", "--noprofile", "-c"][..],
                Sh::Zsh => &["-f", "-c"][..],
                Sh::Fish => &["--no-config", "-c"][..],
            })
            .arg(script)
            .current_dir(dir)
            .env_clear()
            .env("HOME", dir)
            .env("PATH", "/usr/bin:/bin")
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        let (d1, d2, d3) = (
            dumped(&dir.join("d1")),
            dumped(&dir.join("d2")),
            dumped(&dir.join("d3")),
        );
        let get = |d: &HashMap<String, String>, k: &str| d.get(k).cloned();
        for (k, v) in EDGES.iter().chain(&[("TRICKY", TRICKY), ("A", "alpha")]) {
            assert_eq!(get(&d1, k).as_deref(), Some(*v), "{name}: {k}");
        }
        assert_eq!(get(&d1, "PRE").as_deref(), Some("from the vault"), "{name}");
        // The second scope over the first: only its keys, the rest restored.
        assert_eq!(get(&d2, "A").as_deref(), Some("from other"), "{name}");
        assert_eq!(get(&d2, "ONLY_OTHER").as_deref(), Some("x"), "{name}");
        assert_eq!(get(&d2, "PRE").as_deref(), Some("orig  *"), "{name}");
        for (k, _) in EDGES {
            assert_eq!(get(&d2, k), None, "{name}: {k} stayed after the next load");
        }
        assert_eq!(get(&d3, "A").as_deref(), Some("shell only"), "{name}");
        assert_eq!(get(&d3, "PRE").as_deref(), Some("orig  *"), "{name}");
        for k in ["ONLY_OTHER", "TRICKY", "EMPTY", "UNICODE"] {
            assert_eq!(get(&d3, k), None, "{name}: {k} stayed after unload");
        }
        for f in ["d1", "d2", "d3"] {
            std::fs::remove_file(dir.join(f)).unwrap();
        }
        no_pwned(dir);
    }
    env.cmd().arg("lock").assert().success();
}
