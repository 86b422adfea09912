//! Honest under faults (issue 17): I/O errors injected into single system calls with
//! `strace -e inject=SYSCALL:error=EIO|ENOSPC:when=N` (Debian package `strace`), as SQLite's
//! own I/O-error tests and KeePassXC's failing-device tests do, on the vault's files and on
//! the command's own output; a read-only and a full file system (a tmpfs mounted for the
//! test: the suite runs as root in CI). After every fault: no panic or signal, a true
//! message, `PRAGMA integrity_check` ok, `audit verify` ok, exactly the old or the new state,
//! an exit code consistent with that state (0 new, 1 old, 8 either), and a retry works.

use crate::common;

use common::cli::{Env, PASS};
use common::crash::{assert_sound, bin};
use common::{key, scope};
use devvault::bundle::Recipient;
use devvault::{Passphrase, Vault};
use std::io::Write;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The documented exit code of a change whose outcome is unknown.
const UNKNOWN: i32 = 8;
const NEW_PASS: &str = "a new passphrase 5678";

/// A plain `devvault` with the vault's environment.
fn dv(env: &Env, pass: &str) -> Command {
    let mut c = Command::new(bin());
    with_vault(env, &mut c, pass);
    c
}

/// The vault's environment (and the new passphrase `passwd` takes) for `c`.
fn with_vault(env: &Env, c: &mut Command, pass: &str) {
    env.vault_env(c, pass)
        .env("DEVVAULT_NEW_PASSPHRASE", NEW_PASS);
}

/// Runs `c` feeding `stdin`, with stdout and stderr captured.
fn output(c: &mut Command, stdin: &[u8]) -> Output {
    common::cli::output(c, stdin, "install strace (Debian package strace)")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// No panic, no signal (a SIGABRT from a panic on output was exit 134).
fn assert_no_crash(out: &Output, what: &str) {
    let err = text(&out.stderr);
    assert!(
        out.status.signal().is_none(),
        "{what}: killed by a signal: {err}"
    );
    assert!(!err.contains("panicked"), "{what}: panicked: {err}");
    assert!(
        !matches!(out.status.code(), Some(101 | 134)),
        "{what}: exit {:?}: {err}",
        out.status.code()
    );
}

/// The vault files strace's `-P` filter names.
fn vault_files(env: &Env) -> Vec<PathBuf> {
    ["", "-wal", "-shm"]
        .iter()
        .map(|s| PathBuf::from(format!("{}{s}", env.vault.display())))
        .collect()
}

/// `strace` around `devvault ARGS`: `syscall` on the vault's files fails with `error` at the
/// `when`-th call (strace's syntax: `3`, `2+`, `1..4`).
fn injected(env: &Env, pass: &str, syscall: &str, error: &str, when: &str) -> Command {
    let mut c = Command::new("strace");
    // --seccomp-bpf: the child stops only at the traced call, not at every system call.
    c.args(["-f", "--seccomp-bpf", "-qq", "-o", "/dev/null"])
        .arg(format!("-etrace={syscall}"))
        .arg(format!("-einject={syscall}:error={error}:when={when}"));
    for p in vault_files(env) {
        c.arg("-P").arg(p);
    }
    c.arg(bin());
    with_vault(env, &mut c, pass);
    c
}

/// How many `syscall`s on the vault's files `devvault ARGS` makes when nothing fails.
fn count_calls(env: &Env, pass: &str, syscall: &str, args: &[&str], stdin: &[u8]) -> usize {
    let log = env.dir.path().join("strace.log");
    let mut c = Command::new("strace");
    c.args(["-f", "--seccomp-bpf", "-qq", "-o"])
        .arg(&log)
        .arg(format!("-etrace={syscall}"));
    for p in vault_files(env) {
        c.arg("-P").arg(p);
    }
    c.arg(bin()).args(args);
    with_vault(env, &mut c, pass);
    let out = output(&mut c, stdin);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let calls = std::fs::read_to_string(&log).unwrap();
    calls
        .lines()
        .filter(|l| l.contains(&format!("{syscall}(")) && !l.contains("resumed>"))
        .count()
}

fn unlock(path: &Path, pass: &str) -> Option<Vault> {
    Vault::open(path)
        .unwrap()
        .unlock(&Passphrase::new(pass.to_string()))
        .ok()
}

/// What a change may alter, timestamps left out: which passphrase opens the vault, every
/// scope's keys with their version and value (a digest), and the export list's length.
fn state(path: &Path) -> String {
    let (which, mut v) = match unlock(path, PASS) {
        Some(v) => ("old", v),
        None => (
            "new",
            unlock(path, NEW_PASS).expect("neither passphrase opens the vault"),
        ),
    };
    let mut s = format!("pass={which}\n");
    for sc in v.scopes().unwrap() {
        let versions: Vec<(String, u32)> = v
            .list(&sc)
            .unwrap()
            .into_iter()
            .map(|m| (m.key.to_string(), m.version))
            .collect();
        let values = v.export(&sc).unwrap();
        for ((k, ver), (_, val)) in versions.iter().zip(values.iter()) {
            s.push_str(&format!("{sc} {k} v{ver} {}\n", val.expose_secret().len()));
            s.push_str(&format!("  {}\n", val.expose_secret()));
        }
    }
    s.push_str(&format!("exports={}\n", v.exports().unwrap().len()));
    s
}

/// The checks every fault ends with: a sound file and an intact audit chain.
fn assert_sound_and_chained(path: &Path) {
    assert_sound(path);
    let mut v = unlock(path, PASS)
        .or_else(|| unlock(path, NEW_PASS))
        .expect("the vault does not open");
    v.audit_verify().expect("audit verify after a fault");
}

/// Copies the vault files of `from` over `to` (`to`'s -wal/-shm removed when `from` has none).
fn restore(from: &Path, to: &Path) {
    for s in ["", "-wal", "-shm"] {
        let src = PathBuf::from(format!("{}{s}", from.display()));
        let dst = PathBuf::from(format!("{}{s}", to.display()));
        if src.exists() {
            std::fs::copy(&src, &dst).unwrap();
        } else {
            let _ = std::fs::remove_file(&dst);
        }
    }
}

fn snapshot_files(env: &Env, name: &str) -> PathBuf {
    let dir = env.dir.path().join(name);
    std::fs::create_dir_all(&dir).unwrap();
    let to = dir.join("vault.db");
    restore(&env.vault, &to);
    to
}

/// One operation of the fault suite: its arguments, stdin and passphrase.
struct Op {
    name: &'static str,
    args: Vec<String>,
    stdin: Vec<u8>,
}

impl Op {
    fn args(&self) -> Vec<&str> {
        self.args.iter().map(String::as_str).collect()
    }
}

/// The tally of one operation: faults injected and what came of them.
#[derive(Default, Debug)]
struct Tally {
    faults: usize,
    ok_new: usize,
    refused_old: usize,
    unknown_old: usize,
    unknown_new: usize,
}

/// The vault of the fault suite: 20 keys in `app/dev` (one of them rotated once), a read's
/// audit entry in the WAL, and an incoming bundle `b.age` changing 2 scopes x 20 keys.
fn fault_env() -> Env {
    let env = Env::new();
    let dotenv: String = (0..20).map(|n| format!("K{n}=old-{n}\n")).collect();
    let out = output(
        dv(&env, PASS).args(["import", "app", "-"]),
        dotenv.as_bytes(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let big: String = (0..200).map(|n| format!("I{n}=imported-{n}\n")).collect();
    std::fs::write(env.work().join("big.env"), big).unwrap();
    let mut v = unlock(&env.vault, PASS).unwrap();
    let to = Recipient::parse(&v.age_recipient().unwrap()).unwrap();
    let data = common::unsigned_bundle(
        &["team/a", "app/dev"],
        20,
        |s, n| format!("bundled-{s}-{n}"),
        &to,
    );
    std::fs::write(env.work().join("b.age"), data).unwrap();
    // A read leaves its audit entry in the WAL (the state of the first repro).
    v.get(&scope("app"), &key("K1")).unwrap();
    drop(v);
    env
}

fn ops() -> Vec<Op> {
    let op = |name, args: &[&str], stdin: &[u8]| Op {
        name,
        args: args.iter().map(|s| s.to_string()).collect(),
        stdin: stdin.to_vec(),
    };
    vec![
        op("set", &["set", "app", "K3"], b"a new value\n"),
        op("import", &["import", "app", "big.env"], b""),
        op("rotate", &["rotate", "app", "K4"], b"rotated value\n"),
        op("passwd", &["passwd"], b""),
        op("receive", &["receive", "b.age", "--yes", "--unsigned"], b""),
    ]
}

/// The `when` values sampled out of `n` calls: the first, the last, three between, and all.
fn samples(n: usize) -> Vec<String> {
    let mut w: Vec<usize> = vec![1, n, n / 4, n / 2, 3 * n / 4];
    w.retain(|&x| x >= 1);
    w.sort_unstable();
    w.dedup();
    let mut s: Vec<String> = w.iter().map(ToString::to_string).collect();
    s.push("1+".into());
    s
}

/// Injects `error` into `syscall` for `op` at each sampled call and checks the outcome.
fn fault_op(env: &Env, pristine: &Path, op: &Op, syscall: &str, error: &str, t: &mut Tally) {
    restore(pristine, &env.vault);
    let n = count_calls(env, PASS, syscall, &op.args(), &op.stdin);
    let new_state = state(&env.vault);
    restore(pristine, &env.vault);
    let old_state = state(&env.vault);
    eprintln!(
        "  {} {syscall}={error}: {n} calls, {} sampled",
        op.name,
        if n == 0 { 0 } else { samples(n).len() }
    );
    for when in samples(n) {
        if n == 0 {
            break;
        }
        restore(pristine, &env.vault);
        let mut c = injected(env, PASS, syscall, error, &when);
        c.args(op.args());
        let out = output(&mut c, &op.stdin);
        let what = format!("{} with {syscall}={error} at call {when} of {n}", op.name);
        assert_no_crash(&out, &what);
        let err = text(&out.stderr);
        assert_sound_and_chained(&env.vault);
        let now = state(&env.vault);
        let is_new = now == new_state;
        assert!(
            is_new || now == old_state,
            "{what}: neither the old nor the new state: {err}"
        );
        t.faults += 1;
        match out.status.code() {
            Some(0) => {
                assert!(is_new, "{what}: exit 0 but the change is not there: {err}");
                t.ok_new += 1;
            }
            Some(1) => {
                assert!(!is_new, "{what}: exit 1 but the change landed: {err}");
                assert!(err.contains("nothing was changed"), "{what}: {err}");
                t.refused_old += 1;
            }
            Some(UNKNOWN) => {
                assert!(err.contains("may or may not"), "{what}: {err}");
                assert!(err.contains("devvault"), "{what}: no way to check: {err}");
                if is_new {
                    t.unknown_new += 1;
                } else {
                    t.unknown_old += 1;
                }
            }
            code => panic!("{what}: exit {code:?}: {err}"),
        }
        assert!(!err.contains("integrity check failed"), "{what}: {err}");
        // A retry (from the old state) lands; from the new state the vault simply works.
        if !is_new {
            let out = output(dv(env, PASS).args(op.args()), &op.stdin);
            assert!(
                out.status.success(),
                "{what}: the retry failed: {}",
                text(&out.stderr)
            );
            assert_eq!(state(&env.vault), new_state, "{what}: the retry");
        } else {
            let pass = if op.name == "passwd" { NEW_PASS } else { PASS };
            let out = output(dv(env, pass).args(["ls", "app"]), b"");
            assert!(
                out.status.success(),
                "{what}: ls after: {}",
                text(&out.stderr)
            );
        }
    }
}

/// The write-class system calls devvault makes on the vault's files (`strace -c -P` of a
/// `set`: pwrite64, fsync, ftruncate; no write, fdatasync, rename or unlink: the WAL and
/// its index persist), and the calls around them that can fail: the locks (fcntl) and the
/// mapping of the WAL index (mmap). Errors that make no sense for a call are left out.
const WRITES: [(&str, &[&str]); 5] = [
    ("pwrite64", &["EIO", "ENOSPC"]),
    ("fsync", &["EIO", "ENOSPC"]),
    ("ftruncate", &["EIO", "ENOSPC"]),
    ("fcntl", &["EIO"]),
    ("mmap", &["EIO"]),
];

#[test]
fn injected_write_faults_leave_the_old_or_new_state_and_say_which() {
    let env = fault_env();
    let pristine = snapshot_files(&env, "pristine");
    let start = std::time::Instant::now();
    for op in ops() {
        let mut t = Tally::default();
        for (syscall, errors) in WRITES {
            for error in errors {
                fault_op(&env, &pristine, &op, syscall, error, &mut t);
            }
        }
        eprintln!("{}: {t:?}", op.name);
        assert!(t.faults > 0, "{}: no fault was injected", op.name);
    }
    eprintln!("write faults: {:.0?}", start.elapsed());
}

#[test]
fn injected_read_faults_are_storage_errors_never_tampering() {
    let env = fault_env();
    let pristine = snapshot_files(&env, "pristine");
    let mut t = Tally::default();
    for op in ops() {
        fault_op(&env, &pristine, &op, "pread64", "EIO", &mut t);
    }
    eprintln!("reads during writes: {t:?}");
    // Reads: `get` under a pread64 EIO fails as a storage error naming the file, or works.
    restore(&pristine, &env.vault);
    let n = count_calls(&env, PASS, "pread64", &["get", "app", "K1"], b"");
    let mut failed = 0;
    for when in 1..=n {
        let mut c = injected(&env, PASS, "pread64", "EIO", &when.to_string());
        c.args(["get", "app", "K1"]);
        let out = output(&mut c, b"");
        let what = format!("get with pread64=EIO at call {when} of {n}");
        assert_no_crash(&out, &what);
        let err = text(&out.stderr);
        match out.status.code() {
            Some(0) => assert_eq!(text(&out.stdout), "old-1", "{what}"),
            Some(1) => {
                failed += 1;
                assert!(
                    err.contains(&env.vault.display().to_string()),
                    "{what}: {err}"
                );
                assert!(
                    err.contains("Input/output error"),
                    "{what}: no errno: {err}"
                );
                assert!(
                    !err.contains("backup"),
                    "{what}: sends the user to a backup: {err}"
                );
            }
            code => panic!("{what}: exit {code:?}: {err}"),
        }
        assert_sound_and_chained(&env.vault);
    }
    eprintln!(
        "get: {n} read faults, {failed} refused, {} worked",
        n - failed
    );
}

// ---- The five repros of the issue ----

#[test]
fn repro1_fsync_failing_after_the_commit_record_is_not_reported_as_nothing_changed() {
    let env = Env::new();
    env.set(&["app/dev", "K"], "old");
    env.get(&["app/dev", "K"]);
    let wal = format!("{}-wal", env.vault.display());
    let mut c = Command::new("strace");
    c.args(["-f", "-qq", "-o", "/dev/null", "-etrace=fsync"])
        .args(["-einject=fsync:error=EIO:when=1+", "-P", &wal])
        .arg(bin())
        .args(["set", "app/dev", "K"]);
    with_vault(&env, &mut c, PASS);
    let out = output(&mut c, b"new\n");
    assert_no_crash(&out, "set");
    let err = text(&out.stderr);
    let now = env.get(&["app/dev", "K"]);
    if now == "new" {
        assert!(!err.contains("nothing was changed"), "{err}");
    }
    assert_eq!(out.status.code(), Some(UNKNOWN), "{err}");
    assert!(err.contains("may or may not"), "{err}");
    assert!(err.contains("devvault history app/dev K"), "{err}");
    assert_sound_and_chained(&env.vault);
}

#[test]
fn repro2_a_disk_read_error_is_not_reported_as_tampering() {
    let env = Env::new();
    env.set(&["app/dev", "K"], "value");
    let n = count_calls(&env, PASS, "pread64", &["get", "app/dev", "K"], b"");
    let mut storage = 0;
    for when in 1..=n {
        let mut c = injected(&env, PASS, "pread64", "EIO", &when.to_string());
        c.args(["get", "app/dev", "K"]);
        let out = output(&mut c, b"");
        let err = text(&out.stderr);
        assert_ne!(out.status.code(), Some(5), "pread64 {when}/{n}: {err}");
        assert!(!err.contains("restore it from a backup"), "{err}");
        if out.status.code() == Some(1) {
            storage += 1;
            assert!(err.contains("Input/output error"), "{err}");
        }
        assert_eq!(env.get(&["app/dev", "K"]), "value");
    }
    assert!(storage > 0, "no read fault was reported in {n} calls");
}

#[test]
fn repro3_a_full_stderr_never_panics_and_the_write_lands() {
    let env = Env::new();
    let run = |pass: &str, args: &[&str], stdin: &[u8]| {
        let mut c = dv(&env, pass);
        c.args(args).stderr(dev_full());
        c.stdin(Stdio::piped()).stdout(Stdio::piped());
        let mut child = c.spawn().unwrap();
        let _ = child.stdin.take().unwrap().write_all(stdin);
        let out = child.wait_with_output().unwrap();
        assert!(out.status.signal().is_none(), "{args:?} killed by a signal");
        out.status.code()
    };
    assert_eq!(run(PASS, &["set", "app/dev", "K2"], b"x"), Some(0));
    assert_eq!(env.get(&["app/dev", "K2"]), "x");
    assert_eq!(run(PASS, &["rotate", "app/dev", "K2"], b"y\n"), Some(0));
    assert_eq!(env.get(&["app/dev", "K2"]), "y");
    assert_eq!(run(PASS, &["passwd"], b""), Some(0));
    assert!(
        unlock(&env.vault, NEW_PASS).is_some(),
        "passwd did not land"
    );
    assert_eq!(run(NEW_PASS, &["get", "app/dev", "MISSING"], b""), Some(4));
    assert_eq!(
        run("wrong passphrase", &["get", "app/dev", "K2"], b""),
        Some(3)
    );
}

/// A pipe whose reader is already gone.
fn closed_pipe() -> std::io::PipeWriter {
    let (r, w) = std::io::pipe().unwrap();
    drop(r);
    w
}

#[test]
fn repro4_receive_imports_when_stdout_is_closed() {
    let env = fault_env();
    let mut c = dv(&env, PASS);
    c.args(["receive", "b.age", "--yes", "--unsigned"])
        .stdout(closed_pipe())
        .stderr(Stdio::piped())
        .stdin(Stdio::null());
    let out = c.output().unwrap();
    assert_no_crash(&out, "receive");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(env.get(&["team/a", "K3"]), "bundled-team/a-3");
    let log = output(dv(&env, PASS).args(["audit"]), b"");
    assert!(
        text(&log.stdout).contains("receive"),
        "{}",
        text(&log.stdout)
    );
}

#[test]
fn repro5_export_o_leaves_no_unrecorded_plaintext_when_recording_fails() {
    let env = Env::new();
    env.set(&["app/dev", "K"], "plaintext-canary");
    env.get(&["app/dev", "K"]);
    let wal = format!("{}-wal", env.vault.display());
    for inject in ["fsync:error=EIO:when=1+", "pwrite64:error=ENOSPC:when=1+"] {
        let mut c = Command::new("strace");
        let name = inject.split(':').next().unwrap();
        c.args(["-f", "-qq", "-o", "/dev/null"])
            .arg(format!("-etrace={name}"))
            .arg(format!("-einject={inject}"))
            .args(["-P", &wal])
            .arg(bin())
            .args(["export", "app/dev", "-o", "out.env"]);
        with_vault(&env, &mut c, PASS);
        let out = output(&mut c, b"");
        assert_no_crash(&out, inject);
        let err = text(&out.stderr);
        assert_ne!(out.status.code(), Some(0), "{inject}: {err}");
        assert!(
            err.contains("out.env"),
            "{inject}: the error does not name the file: {err}"
        );
        let left: Vec<_> = std::fs::read_dir(env.work())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        let recorded = unlock(&env.vault, PASS).unwrap().exports().unwrap().len();
        assert!(
            left.is_empty() || recorded > 0,
            "{inject}: unrecorded plaintext left behind: {left:?}: {err}"
        );
        let _ = std::fs::remove_file(env.work().join("out.env"));
    }
    // Faults in writing the file itself: its content (the first `write` of the process:
    // SQLite uses pwrite64, and nothing is printed before), its rename, its syncs.
    for (syscall, error, when) in [
        ("write", "ENOSPC", "1"),
        ("write", "EIO", "1"),
        ("rename,renameat,renameat2", "EIO", "1+"),
        ("fsync", "EIO", "1+"),
    ] {
        let mut c = Command::new("strace");
        c.args(["-f", "-qq", "-o", "/dev/null"])
            .arg(format!("-etrace={syscall}"))
            .arg(format!("-einject={syscall}:error={error}:when={when}"));
        c.arg(bin()).args(["export", "app/dev", "-o", "out.env"]);
        with_vault(&env, &mut c, PASS);
        let out = output(&mut c, b"");
        let what = format!("export -o with {syscall}={error}");
        assert_no_crash(&out, &what);
        let err = text(&out.stderr);
        assert_ne!(out.status.code(), Some(0), "{what}: {err}");
        assert!(
            err.contains("out.env"),
            "{what}: the error does not name the file: {err}"
        );
        let left: Vec<_> = std::fs::read_dir(env.work())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert!(
            left.is_empty(),
            "{what}: a plaintext file was left behind: {left:?}"
        );
        assert_sound_and_chained(&env.vault);
    }
    let out = output(
        dv(&env, PASS).args(["export", "app/dev", "-o", "out.env"]),
        b"",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
}

// ---- Output that cannot be written ----

/// Every command of the contract, with what it needs in place, and whether its product is
/// its stdout.
fn commands(env: &Env) -> Vec<(Vec<&'static str>, &'static [u8], bool)> {
    let _ = env;
    vec![
        (vec!["projects"], b"", true),
        (vec!["projects", "--json"], b"", true),
        (vec!["ls", "app"], b"", true),
        (vec!["ls", "app", "--json"], b"", true),
        (vec!["get", "app", "K1"], b"", true),
        (vec!["export", "app"], b"", true),
        (vec!["export", "app", "--format", "json"], b"", true),
        (vec!["example", "app"], b"", true),
        (vec!["history", "app", "K1"], b"", true),
        (vec!["history", "app", "K1", "--reveal"], b"", true),
        (vec!["history", "app", "K1", "--json"], b"", true),
        // Nothing is stale here: `stale` writes nothing on stdout.
        (vec!["stale"], b"", false),
        (vec!["stale", "--json"], b"", true),
        (vec!["audit"], b"", true),
        (vec!["audit", "--json"], b"", true),
        (vec!["audit", "verify"], b"", true),
        (vec!["identity"], b"", true),
        (vec!["policy", "app"], b"", true),
        (vec!["doctor"], b"", true),
        (vec!["completions", "bash"], b"", true),
        (vec!["run", "app", "--", "true"], b"", false),
        (vec!["set", "app", "S1"], b"v\n", false),
        (vec!["rotate", "app", "K2"], b"r\n", false),
        (vec!["import", "app", "-"], b"I1=a\nI2=b\n", false),
        (vec!["import", "app", "-", "--json"], b"I3=a\n", false),
        (vec!["rm", "app", "K5"], b"", false),
        (vec!["rollback", "app", "K2", "1"], b"", false),
        (vec!["receive", "b.age", "--yes", "--unsigned"], b"", false),
        (
            vec!["receive", "b.age", "--dry-run", "--unsigned"],
            b"",
            true,
        ),
        (vec!["share", "app", "--to", "RECIPIENT"], b"", true),
        // Nothing to find in the work directory: `scan` writes nothing on stdout.
        (vec!["scan", "."], b"", false),
    ]
}

/// Runs every command with `stdout` and `stderr` as given; returns (args, product, status).
fn each_command(
    env: &Env,
    mut io: impl FnMut(&mut Command),
) -> Vec<(Vec<String>, bool, std::process::ExitStatus, String)> {
    let recipient = text(&output(dv(env, PASS).arg("identity"), b"").stdout)
        .trim()
        .to_string();
    let mut done = Vec::new();
    for (args, stdin, product) in commands(env) {
        let args: Vec<String> = args
            .iter()
            .map(|a| {
                if *a == "RECIPIENT" {
                    recipient.clone()
                } else {
                    a.to_string()
                }
            })
            .collect();
        let mut c = dv(env, PASS);
        c.args(&args).stdin(Stdio::piped());
        c.stdout(Stdio::piped()).stderr(Stdio::piped());
        io(&mut c);
        let mut child = c.spawn().unwrap();
        let mut i = child.stdin.take().unwrap();
        let _ = i.write_all(stdin);
        drop(i);
        let out = child.wait_with_output().unwrap();
        let what = args.join(" ");
        assert_no_crash(&out, &what);
        done.push((args, product, out.status, text(&out.stderr)));
    }
    done
}

/// What `commands` leaves behind, whatever their output did.
fn assert_untouched(env: &Env) {
    assert_eq!(env.get(&["app", "S1"]), "v");
    assert_eq!(env.get(&["team/a", "K3"]), "bundled-team/a-3");
}

fn dev_full() -> std::fs::File {
    std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap()
}

#[test]
fn every_command_survives_a_full_stderr() {
    let env = fault_env();
    for (args, _, status, _) in each_command(&env, |c| {
        c.stderr(dev_full());
    }) {
        assert_eq!(status.code(), Some(0), "{args:?} with 2>/dev/full");
    }
    assert_untouched(&env);
}

#[test]
fn a_full_stdout_fails_the_commands_whose_product_it_is_and_no_other() {
    let env = fault_env();
    for (args, product, status, err) in each_command(&env, |c| {
        c.stdout(dev_full());
    }) {
        if product {
            assert_eq!(status.code(), Some(1), "{args:?} >/dev/full: {err}");
            assert!(err.contains("stdout"), "{args:?}: {err}");
        } else {
            assert_eq!(status.code(), Some(0), "{args:?} >/dev/full: {err}");
        }
    }
    assert_untouched(&env);
}

#[test]
fn a_closed_stdout_is_success_for_every_command() {
    let env = fault_env();
    for (args, _, status, err) in each_command(&env, |c| {
        c.stdout(closed_pipe());
    }) {
        assert_eq!(status.code(), Some(0), "{args:?} | (closed): {err}");
        assert!(!err.contains("Broken pipe"), "{args:?}: {err}");
    }
    assert_untouched(&env);
}

// ---- Read-only and full file systems ----

/// A tmpfs of `size` mounted at `dir` (root only; CI runs as root), unmounted on drop.
struct Mount(PathBuf);

impl Mount {
    fn tmpfs(dir: &Path, size: &str) -> Mount {
        std::fs::create_dir_all(dir).unwrap();
        let st = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0700"),
                "tmpfs",
            ])
            .arg(dir)
            .status()
            .unwrap();
        assert!(
            st.success(),
            "mount -t tmpfs needs root (the suite runs as root in CI)"
        );
        Mount(dir.to_path_buf())
    }

    fn remount(&self, opts: &str) {
        let st = Command::new("mount")
            .args(["-o", &format!("remount,{opts}")])
            .arg(&self.0)
            .status()
            .unwrap();
        assert!(st.success());
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// An `Env` whose vault lives on its own tmpfs of `size`.
fn env_on_tmpfs(size: &str) -> (Env, Mount) {
    let mut env = Env::empty();
    let m = Mount::tmpfs(&env.dir.path().join("data"), size);
    env.vault = env.dir.path().join("data/vault.db");
    let out = output(dv(&env, PASS).args(common::cli::FAST_INIT), b"");
    assert!(out.status.success(), "{}", text(&out.stderr));
    env.set(&["app", "K"], "value");
    (env, m)
}

#[test]
fn a_read_only_vault_can_be_read_and_the_missed_audit_entries_are_recorded_later() {
    let (env, m) = env_on_tmpfs("16m");
    m.remount("ro");
    for (args, want) in [
        (vec!["get", "app", "K"], "value"),
        (vec!["export", "app"], "value"),
        (
            vec!["run", "app", "--", "sh", "-c", "printf %s \"$K\""],
            "value",
        ),
        (vec!["ls", "app"], "K"),
    ] {
        let out = output(dv(&env, PASS).args(&args), b"");
        let err = text(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?} on a read-only vault: {err}"
        );
        assert!(text(&out.stdout).contains(want), "{args:?}");
        assert!(!err.contains("readonly database"), "{args:?}: {err}");
        if args[0] != "ls" {
            assert!(
                err.contains("not audited") && err.contains("read-only"),
                "{args:?}: {err}"
            );
            assert!(
                err.contains(&env.vault.display().to_string()),
                "{args:?}: {err}"
            );
        }
    }
    let out = output(dv(&env, PASS).args(["set", "app", "X"]), b"y");
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("read-only") && err.contains(&env.vault.display().to_string()),
        "{err}"
    );
    assert!(err.contains("nothing was changed"), "{err}");
    // strict-audit refuses reads it cannot record.
    m.remount("rw");
    let out = output(dv(&env, PASS).args(["audit", "strict", "on"]), b"");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let log = text(&output(dv(&env, PASS).args(["audit"]), b"").stdout);
    assert!(log.contains("3 reads not audited"), "{log}");
    m.remount("ro");
    let out = output(dv(&env, PASS).args(["get", "app", "K"]), b"");
    assert_eq!(
        out.status.code(),
        Some(1),
        "strict-audit read: {}",
        text(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    assert!(
        text(&out.stderr).contains("strict-audit"),
        "{}",
        text(&out.stderr)
    );
    m.remount("rw");
    assert_sound_and_chained(&env.vault);
}

#[test]
fn a_full_disk_still_reads_and_refuses_writes_naming_the_path() {
    let (env, m) = env_on_tmpfs("1m");
    // Fill what is left.
    let filler = env.dir.path().join("data/filler");
    let mut f = std::fs::File::create(&filler).unwrap();
    let chunk = vec![0u8; 4096];
    while f.write_all(&chunk).is_ok() {}
    let _ = f.sync_all();
    drop(f);
    let out = output(dv(&env, PASS).args(["get", "app", "K"]), b"");
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "get on a full disk: {err}");
    assert_eq!(text(&out.stdout), "value");
    let big = "v".repeat(200_000);
    let out = output(dv(&env, PASS).args(["set", "app", "BIG"]), big.as_bytes());
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("nothing was changed") && err.contains("full"),
        "{err}"
    );
    assert!(
        err.contains(&env.dir.path().join("data").display().to_string()),
        "{err}"
    );
    std::fs::remove_file(&filler).unwrap();
    env.set(&["app", "BIG"], &big);
    assert_sound_and_chained(&env.vault);
    drop(m);
}

// ---- Opening ----

#[test]
fn an_io_error_at_open_is_reported_as_one_not_as_a_readonly_database() {
    let env = Env::new();
    env.set(&["app", "K"], "value");
    for when in ["1", "1+"] {
        let mut c = injected(&env, PASS, "openat", "EIO", when);
        c.args(["set", "app", "K"]);
        let out = output(&mut c, b"new");
        assert_no_crash(&out, "set");
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "openat {when}: {err}");
        assert!(!err.contains("readonly database"), "openat {when}: {err}");
        assert!(
            err.contains("Input/output error (EIO)"),
            "openat {when}: {err}"
        );
        assert!(
            err.contains(&env.vault.display().to_string()),
            "openat {when}: {err}"
        );
        assert_eq!(env.get(&["app", "K"]), "value");
    }
}
