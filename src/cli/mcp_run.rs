//! The MCP server's `run` tool (and [`Outcome`], the answer every tool gives): a command
//! the user allowed for the scope (`devvault mcp allow`, exact arguments), started as `run`
//! starts it (the scope's variables, no `DEVVAULT_*`, dangerous names only when allowed),
//! stdin empty, in a process group of its own that is killed when it ends or at the time
//! limit. Its stdout and stderr come back through the redactor, each kept up to
//! [`MAX_OUTPUT`] bytes.

use crate::redact::Redactor;
use crate::{Scope, Vault};
use serde_json::{Value, json};
use std::io::Read;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The longest time limit an agent can ask for (seconds).
pub const MAX_TIMEOUT: u64 = 3600;

/// The time limit when none is asked for (seconds).
const DEFAULT_TIMEOUT: u64 = 60;

/// How much of each output stream is kept.
const MAX_OUTPUT: usize = 256 << 10;

pub fn run(vault: &mut Vault, scope: &Scope, args: &Value) -> Result<Outcome, String> {
    let argv: Vec<String> = args
        .get("command")
        .and_then(Value::as_array)
        .and_then(|a| a.iter().map(|v| v.as_str().map(String::from)).collect())
        .filter(|a: &Vec<String>| !a.is_empty())
        .ok_or("`command` must be a non-empty list of strings: the program and its arguments")?;
    let timeout = args
        .get("timeout_seconds")
        .and_then(Value::as_u64)
        .unwrap_or(DEFAULT_TIMEOUT)
        .clamp(1, MAX_TIMEOUT);
    let shown = shown(&argv);
    if !vault
        .agent_policy(scope)
        .map_err(|e| e.to_string())?
        .allows(&argv)
    {
        return Err(format!(
            "`{shown}` is not allowed for {scope}; only the user can allow it, with `devvault mcp allow {scope} -- {shown}`"
        ));
    }
    let program = super::run::resolve(&argv[0]).map_err(|e| e.to_string())?;
    let entries = vault
        .export_for_run(scope, &[])
        .map_err(|e| e.to_string())?;
    let cmd = command(&argv, program, &entries)?;
    let values = entries.iter().map(|(k, v)| (k.as_str(), v.expose_secret()));
    let redactor = Redactor::new(values, crate::redact::MIN_LENGTH).map_err(|e| e.to_string())?;
    drop(entries);
    let ran = supervise(cmd, &redactor, Duration::from_secs(timeout))
        .map_err(|e| format!("cannot run `{shown}`: {e}"))?;
    let detail = format!("`{shown}` {}", ran.summary());
    let mut answer = json!({
        "command": argv,
        "exit_code": ran.code,
        "signal": ran.signal,
        "timed_out": ran.timed_out,
        "stdout": String::from_utf8_lossy(&ran.out.0),
        "stderr": String::from_utf8_lossy(&ran.err.0),
        "truncated": ran.out.1 || ran.err.1,
    });
    if !redactor.too_short().is_empty() {
        answer["not_redacted"] = json!(redactor.too_short());
        answer["note"] = json!(format!(
            "values shorter than {} bytes are not redacted",
            crate::redact::MIN_LENGTH
        ));
    }
    let mut outcome = Outcome::json(&answer, detail)?;
    outcome.failed = ran.code != Some(0);
    Ok(outcome)
}

/// The command as `run` starts it: the scope's variables, no `DEVVAULT_*`, stdin empty,
/// output piped, in a process group of its own.
fn command(
    argv: &[String],
    program: std::path::PathBuf,
    entries: &[(crate::KeyName, crate::SecretValue)],
) -> Result<Command, String> {
    let mut cmd = Command::new(program);
    cmd.arg0(&argv[0]).args(&argv[1..]).process_group(0);
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("DEVVAULT_") {
            cmd.env_remove(&name);
        }
    }
    for (key, value) in entries {
        if value.expose_secret().contains('\0') {
            return Err(format!(
                "{key} holds a NUL byte, which no environment variable can carry"
            ));
        }
        cmd.env(key.as_str(), value.expose_secret());
    }
    Ok(cmd)
}

/// What a supervised command did.
struct Ran {
    code: Option<i32>,
    signal: Option<i32>,
    timed_out: bool,
    /// Redacted output, and whether it was cut at [`MAX_OUTPUT`].
    out: (Vec<u8>, bool),
    err: (Vec<u8>, bool),
}

impl Ran {
    fn summary(&self) -> String {
        match (self.timed_out, self.code, self.signal) {
            (true, _, _) => "killed at the time limit".into(),
            (_, Some(c), _) => format!("exit {c}"),
            (_, _, Some(s)) => format!("killed by signal {s}"),
            _ => "ended".into(),
        }
    }
}

fn supervise(mut cmd: Command, r: &Redactor, limit: Duration) -> std::io::Result<Ran> {
    let mut child = cmd.spawn()?;
    let (Some(out), Some(err)) = (child.stdout.take(), child.stderr.take()) else {
        return Err(std::io::Error::other("no output pipes"));
    };
    let group = rustix::process::Pid::from_raw(child.id() as i32);
    let start = Instant::now();
    std::thread::scope(|s| {
        let a = s.spawn(|| collect(out, r));
        let b = s.spawn(|| collect(err, r));
        let mut timed_out = false;
        let status = loop {
            if let Some(status) = child.try_wait()? {
                break status;
            }
            if start.elapsed() >= limit {
                timed_out = true;
                if let Some(g) = group {
                    let _ = rustix::process::kill_process_group(g, rustix::process::Signal::KILL);
                }
                break child.wait()?;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        // Descendants still holding the pipes die with the group at the limit.
        if !timed_out && let Some(g) = group {
            let _ = rustix::process::kill_process_group(g, rustix::process::Signal::KILL);
        }
        let out = a.join().unwrap_or_default();
        let err = b.join().unwrap_or_default();
        Ok(Ran {
            code: status.code(),
            signal: status.signal(),
            timed_out,
            out,
            err,
        })
    })
}

/// Reads `from` to its end through a redacting stream, keeping the first [`MAX_OUTPUT`]
/// bytes of the redacted text.
fn collect(mut from: impl Read, r: &Redactor) -> (Vec<u8>, bool) {
    let mut buf = zeroize::Zeroizing::new(vec![0u8; 64 << 10]);
    let (mut kept, mut cut) = (Vec::new(), false);
    let mut stream = r.stream();
    let mut keep = |bytes: &[u8], kept: &mut Vec<u8>| {
        let room = MAX_OUTPUT.saturating_sub(kept.len());
        cut |= bytes.len() > room;
        kept.extend_from_slice(&bytes[..bytes.len().min(room)]);
    };
    let mut out = Vec::new();
    loop {
        match from.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                out.clear();
                stream.feed(&buf[..n], &mut out);
                keep(&out, &mut kept);
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    out.clear();
    stream.finish(&mut out);
    keep(&out, &mut kept);
    (kept, cut)
}

/// A tool's answer: the text for the agent, the detail for the audit log.
pub struct Outcome {
    pub text: String,
    pub detail: String,
    pub failed: bool,
}

impl Outcome {
    pub fn json(v: &Value, detail: String) -> Result<Outcome, String> {
        Ok(Outcome {
            text: serde_json::to_string_pretty(v).map_err(|e| e.to_string())?,
            detail,
            failed: false,
        })
    }
}

/// A command as typed (arguments with spaces quoted), for lists and the audit log.
pub fn shown(cmd: &[String]) -> String {
    cmd.iter()
        .map(|a| match a.contains(char::is_whitespace) || a.is_empty() {
            true => format!("{a:?}"),
            false => a.clone(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}
