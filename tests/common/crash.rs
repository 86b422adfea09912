//! The crash harness's tools: a child `devvault` (or a `sh` loop of them) in its own
//! process group, SIGKILLed at a random instant; its acknowledgements (stdout lines printed
//! after each write succeeded) read back after the kill; and the checks every crash must
//! pass (`PRAGMA integrity_check` on a fresh read-only connection, the vault unlocks).

use super::cli::PASS;
use devvault::{Passphrase, Vault};
use rustix::process::{Pid, Signal, kill_process_group};
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Kills per operation: `DEVVAULT_CRASH_ITERATIONS`, else the CI default.
pub fn iterations(default: usize) -> usize {
    match std::env::var("DEVVAULT_CRASH_ITERATIONS") {
        Ok(s) => s
            .parse()
            .unwrap_or_else(|_| panic!("DEVVAULT_CRASH_ITERATIONS={s:?} is not a count")),
        Err(_) => default,
    }
}

pub fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("devvault")
}

/// A xorshift generator: the kill instants differ per test but repeat between runs.
pub struct Rng(pub u64);

impl Rng {
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

/// What a killed child left behind.
pub struct Killed {
    /// Its stdout lines: the acknowledgements printed before the kill.
    pub acks: Vec<String>,
    /// Whether it finished (exit 0) before the kill landed.
    pub finished: bool,
}

/// A `sh -c SCRIPT` with `$BIN` set to devvault and the vault's environment.
pub fn sh(vault: &Path, script: &str) -> Command {
    let mut c = Command::new("sh");
    c.arg("-c").arg(script).env("BIN", bin());
    vault_env(&mut c, vault, PASS);
    c
}

/// A devvault command with only `vault` and `pass` in its environment.
pub fn devvault(vault: &Path, pass: &str) -> Command {
    let mut c = Command::new(bin());
    vault_env(&mut c, vault, pass);
    c
}

fn vault_env(c: &mut Command, vault: &Path, pass: &str) {
    c.env("DEVVAULT_VAULT", vault)
        .env("DEVVAULT_PASSPHRASE", pass)
        .env_remove("DEVVAULT_PASSPHRASE_FILE")
        .env_remove("DEVVAULT_PASSPHRASE_COMMAND")
        .env_remove("DEVVAULT_NEW_PASSPHRASE_FILE");
}

/// How long `cmd` takes when nothing kills it (it must succeed).
pub fn duration(mut cmd: Command) -> Duration {
    let start = Instant::now();
    let out = cmd.stdin(Stdio::null()).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    start.elapsed()
}

/// Starts `cmd` in a new process group, waits `after`, SIGKILLs the whole group, and
/// returns what it acknowledged on stdout before dying.
pub fn kill_after(mut cmd: Command, after: Duration) -> Killed {
    let mut child = cmd
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        out.read_to_string(&mut s).map(|_| s)
    });
    std::thread::sleep(after);
    let pid = Pid::from_child(&child);
    // The group may be gone already when the child finished first.
    let _ = kill_process_group(pid, Signal::KILL);
    let status = child.wait().unwrap();
    let acks = reader.join().unwrap().unwrap();
    Killed {
        acks: acks.lines().map(str::to_string).collect(),
        finished: status.success(),
    }
}

/// A random instant between 0 and `span`.
pub fn instant(rng: &mut Rng, span: Duration) -> Duration {
    Duration::from_micros(rng.below(span.as_micros() as u64 + 1))
}

/// `PRAGMA integrity_check` on a fresh read-only connection: the crash left a sound file.
pub fn assert_sound(vault: &Path) {
    let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY;
    let c = rusqlite::Connection::open_with_flags(vault, flags).unwrap();
    let check: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok", "integrity_check after a kill");
}

/// The vault after a crash, unlocked with `pass` (it must open).
pub fn reopen(vault: &Path, pass: &str) -> Vault {
    Vault::open(vault)
        .unwrap()
        .unlock(&Passphrase::new(pass.to_string()))
        .unwrap_or_else(|e| panic!("the vault does not unlock after a kill: {e}"))
}

/// Reopens a vault after each crash: the passphrase (Argon2id) the first time, then the
/// vault key the last opening had, checked against the vault's MAC like a session unlock.
pub struct Opener {
    path: PathBuf,
    key: Option<devvault::VaultKey>,
}

impl Opener {
    pub fn new(vault: &Path) -> Opener {
        Opener {
            path: vault.to_path_buf(),
            key: None,
        }
    }

    /// The vault, freshly opened and unlocked (it must open).
    pub fn open(&mut self) -> Vault {
        let v = match self.key.take() {
            None => reopen(&self.path, PASS),
            Some(key) => Vault::open(&self.path)
                .unwrap()
                .unlock_with_vault_key(key)
                .unwrap_or_else(|e| panic!("the vault does not unlock after a kill: {e}")),
        };
        self.key = Some(v.session_key());
        v
    }
}

/// A timed session unlock (`devvault unlock`) for the children, so each spends no time in
/// Argon2id; `devvault lock` when dropped.
pub struct Session(PathBuf);

impl Session {
    pub fn start(vault: &Path) -> Session {
        let out = devvault(vault, PASS)
            .args(["unlock", "--for", "1h"])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        Session(vault.to_path_buf())
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = devvault(&self.0, PASS).arg("lock").output();
    }
}

/// Whether `pass` unlocks the vault.
pub fn opens_with(vault: &Path, pass: &str) -> bool {
    Vault::open(vault)
        .unwrap()
        .unlock(&Passphrase::new(pass.to_string()))
        .is_ok()
}

/// The tally a test prints and checks.
#[derive(Default, Debug)]
pub struct Tally {
    pub kills: usize,
    /// Kills that left the write in flight not applied (it must vanish whole).
    pub interrupted: usize,
    /// Kills after the write in flight was committed, acknowledged or not.
    pub finished: usize,
    /// Writes acknowledged before a kill and then found intact.
    pub acked_writes: usize,
}

impl Tally {
    /// Both outcomes must have happened, or the kills proved nothing.
    pub fn report(&self, op: &str, start: Instant) {
        eprintln!(
            "crash {op}: {} kills, {} with the write in flight not applied, {} with it committed, {} acknowledged writes intact, {:.1} s",
            self.kills,
            self.interrupted,
            self.finished,
            self.acked_writes,
            start.elapsed().as_secs_f64()
        );
        assert!(
            self.interrupted > 0,
            "{op}: no kill landed before the work was done: the test proved nothing"
        );
    }
}
