//! Secrets a coding agent can use without seeing them (issue 22): `run --redact` through
//! the real binary (every encoded form split across writes, binary-safe, exit codes and
//! signals, bounded memory without newlines, the defaults), and `devvault mcp` driven by the
//! real MCP client (the `mcp` package from PyPI, in the test venv).

use crate::common;

use base64::Engine;
use common::cli::Env;
use devvault::redact::Redactor;
use predicates::prelude::*;
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};

/// A value with characters every encoding changes (`/`, `+`, `"`).
const TOKEN: &str = "sk_live_abc/123+xyz\"q";
/// A value that holds TOKEN.
const LONG: &str = "outer-sk_live_abc/123+xyz\"q-tail";
/// Shorter than the scan minimum: not redacted.
const PORT: &str = "5432";

fn env() -> Env {
    let e = Env::new();
    e.set(&["app/dev", "TOKEN"], TOKEN);
    e.set(&["app/dev", "LONG"], LONG);
    e.set(&["app/dev", "PORT"], PORT);
    e
}

fn redactor() -> Redactor {
    Redactor::new(
        [("LONG", LONG), ("PORT", PORT), ("TOKEN", TOKEN)],
        devvault::redact::MIN_LENGTH,
    )
    .unwrap()
}

/// The encoded forms printed: base64 at each alignment, URL-encoded, JSON-escaped.
fn encoded() -> Vec<String> {
    let b64 = |p: &str| base64::engine::general_purpose::STANDARD.encode(format!("{p}{TOKEN}"));
    vec![
        TOKEN.to_string(),
        b64(""),
        b64("a"),
        b64("ab"),
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(TOKEN),
        "sk_live_abc%2F123%2Bxyz%22q".to_string(),
        "sk_live_abc/123+xyz\\\"q".to_string(),
        LONG.to_string(),
    ]
}

/// A shell script printing each of `lines` cut in three writes, with pauses between them,
/// to `fd` (1 or 2).
fn split_writes(lines: &[String], fd: u8) -> String {
    let mut script = String::new();
    for l in lines {
        let (a, rest) = l.split_at(l.len() / 3);
        let (b, c) = rest.split_at(rest.len() / 2);
        for part in [a, b, c] {
            script.push_str(&format!("printf '%s' '{part}' >&{fd}; sleep 0.03; "));
        }
        script.push_str(&format!("printf ' end\\n' >&{fd}; "));
    }
    script
}

fn expected(lines: &[String]) -> Vec<u8> {
    let all: String = lines.iter().map(|l| format!("{l} end\n")).collect();
    redactor().redact(all.as_bytes())
}

#[test]
fn run_redact_replaces_every_encoded_form_split_across_writes() {
    let e = env();
    let lines = encoded();
    let script = format!(
        "{} {} printf '\\377\\000bin\\n'; exit 7",
        split_writes(&lines, 1),
        split_writes(&lines, 2)
    );
    let out = e
        .cmd()
        .args(["run", "--redact", "app/dev", "--", "sh", "-c", &script])
        .assert()
        .code(7);
    let out = out.get_output();
    let mut want = expected(&lines);
    want.extend_from_slice(b"\xff\x00bin\n");
    assert_eq!(out.stdout, want, "{}", String::from_utf8_lossy(&out.stdout));
    let stdout = String::from_utf8_lossy(&out.stdout);
    for form in &lines {
        assert!(!stdout.contains(form.as_str()), "{form} leaked: {stdout}");
    }
    assert_eq!(stdout.matches("[devvault:TOKEN]").count(), lines.len() - 1);
    assert_eq!(stdout.matches("[devvault:LONG]").count(), 1);
    // stderr: the same, after the one note about the short value.
    let stderr = String::from_utf8_lossy(&out.stderr);
    let note = "devvault: PORT is shorter than 8 bytes and is not redacted\n";
    assert_eq!(stderr.matches(note).count(), 1, "{stderr}");
    let rest = stderr.replacen(note, "", 1);
    assert_eq!(rest.as_bytes(), expected(&lines).as_slice());
}

#[test]
fn run_redact_passes_signals_and_the_default_can_be_set() {
    let e = env();
    let status = Command::new(assert_cmd::cargo::cargo_bin("devvault"))
        .env("DEVVAULT_VAULT", &e.vault)
        .env("DEVVAULT_PASSPHRASE", common::cli::PASS)
        .args([
            "run",
            "--redact",
            "app/dev",
            "--",
            "sh",
            "-c",
            "kill -TERM $$",
        ])
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.signal(), Some(15), "{status:?}");
    // SIGTERM sent to devvault reaches the command, whose exit code comes back.
    let script = "trap 'echo got-term; exit 9' TERM; echo ready; sleep 20 >/dev/null 2>&1 & wait";
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("devvault"))
        .env("DEVVAULT_VAULT", &e.vault)
        .env("DEVVAULT_PASSPHRASE", common::cli::PASS)
        .args(["run", "--redact", "app/dev", "--", "sh", "-c", script])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(&mut out, &mut line).unwrap();
    assert_eq!(line, "ready\n");
    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    assert!(kill.unwrap().success());
    line.clear();
    std::io::Read::read_to_string(&mut out, &mut line).unwrap();
    assert_eq!(line, "got-term\n");
    assert_eq!(child.wait().unwrap().code(), Some(9));
    let show = ["run", "app/dev", "--", "sh", "-c", "printf %s \"$TOKEN\""];
    e.cmd().args(show).assert().success().stdout(TOKEN);
    e.cmd()
        .args(show)
        .env("DEVVAULT_REDACT", "1")
        .assert()
        .success()
        .stdout("[devvault:TOKEN]");
    e.cmd()
        .args(["redact", "on", "app/dev"])
        .assert()
        .success()
        .stdout("app/dev: run redacts by default\n");
    e.cmd()
        .args(show)
        .assert()
        .success()
        .stdout("[devvault:TOKEN]");
    let mut no = vec!["run", "--no-redact"];
    no.extend(&show[1..]);
    e.cmd().args(&no).assert().success().stdout(TOKEN);
    e.cmd()
        .args(["redact", "off", "app/dev"])
        .assert()
        .success();
    e.cmd().args(show).assert().success().stdout(TOKEN);
    e.cmd()
        .args(["audit"])
        .assert()
        .success()
        .stdout(predicate::str::contains("run redacts by default: on"));
}

/// The peak memory (VmHWM, kB) of devvault after relaying `mb` MB without a newline,
/// read by the child from its parent (devvault).
fn peak_after(e: &Env, mb: usize) -> u64 {
    let script = format!(
        "head -c {}000000 /dev/zero | tr '\\0' 'x'; grep VmHWM /proc/$PPID/status >&2",
        mb
    );
    let out = Command::new(assert_cmd::cargo::cargo_bin("devvault"))
        .env("DEVVAULT_VAULT", &e.vault)
        .env("DEVVAULT_PASSPHRASE", common::cli::PASS)
        .args(["run", "--redact", "app/dev", "--", "sh", "-c", &script])
        .stdout(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    let line = err.lines().find(|l| l.starts_with("VmHWM")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn run_redact_memory_stays_bounded_without_newlines() {
    let e = env();
    let small = peak_after(&e, 1);
    let large = peak_after(&e, 200);
    assert!(
        large < small + 8 * 1024,
        "200 MB without a newline raised the peak from {small} kB to {large} kB"
    );
}

/// Runs the MCP test client against `devvault mcp` and returns its JSON report.
fn mcp_client(e: &Env, allowed: &str, refused: &str) -> serde_json::Value {
    let python = common::parsers::python();
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/mcp/client.py");
    let example = e.work().join(".env.example");
    std::fs::write(&example, "TOKEN=\nMISSING_KEY=changeme\n").unwrap();
    let out = Command::new(python)
        .arg(script)
        .arg(assert_cmd::cargo::cargo_bin("devvault"))
        .args(["app/dev", example.to_str().unwrap(), allowed, refused])
        .env("DEVVAULT_VAULT", &e.vault)
        .env("HOME", e.dir.path())
        .env_remove("DEVVAULT_PASSPHRASE")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the MCP client failed (install the `mcp` package in the test venv: pip install mcp): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn mcp_serves_names_and_allowed_commands_never_values() {
    let e = env();
    // Locked (no session, no keychain): refused, even with a passphrase in the environment.
    e.cmd()
        .arg("mcp")
        .write_stdin("")
        .assert()
        .code(3)
        .stderr(predicate::str::contains("never asks for a passphrase"));
    let print = r#"printf '%s\n' "$TOKEN" "$LONG"; printf %s "$TOKEN" | base64 >&2"#;
    e.cmd()
        .args(["mcp", "allow", "app/dev", "--", "sh", "-c", print])
        .assert()
        .success();
    e.cmd()
        .args(["mcp", "allow", "app/dev", "--", "sleep", "30"])
        .assert()
        .success();
    e.cmd()
        .args(["mcp", "ls"])
        .assert()
        .success()
        .stdout(predicate::str::contains("app/dev: sleep 30"));
    e.cmd().args(["unlock", "--for", "5m"]).assert().success();
    let allowed = serde_json::to_string(&["sh", "-c", print]).unwrap();
    let refused = serde_json::to_string(&["sh", "-c", "env"]).unwrap();
    let report = mcp_client(&e, &allowed, &refused);
    e.cmd().arg("lock").assert().success();

    assert_eq!(
        report["tools"],
        serde_json::json!(["check_keys", "list_keys", "list_scopes", "run"])
    );
    // No value nor encoded form in any answer: as sent, nor in its decoded strings.
    for (call, v) in report.as_object().unwrap() {
        let sent = v["text"].as_str().unwrap_or_default();
        let mut decoded = String::new();
        if let Ok(inner) = serde_json::from_str::<serde_json::Value>(sent) {
            strings(&inner, &mut decoded);
        }
        for form in &encoded() {
            assert!(!sent.contains(form.as_str()), "{call} sent {form}: {sent}");
            assert!(
                !decoded.contains(form.as_str()),
                "{call} sent {form}: {decoded}"
            );
        }
    }
    let answer = |k: &str| -> serde_json::Value {
        assert_eq!(
            report[k]["isError"],
            k.starts_with("run_refused") || k == "run_timeout",
            "{k}: {report}"
        );
        serde_json::from_str(report[k]["text"].as_str().unwrap()).unwrap_or(serde_json::Value::Null)
    };
    assert_eq!(
        answer("list_scopes")["scopes"],
        serde_json::json!(["app/dev"])
    );
    let keys = answer("list_keys");
    let names: Vec<&str> = keys["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["key"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["LONG", "PORT", "TOKEN"]);
    let check = answer("check_keys");
    assert_eq!(check["present"], serde_json::json!(["TOKEN"]));
    assert_eq!(check["missing"], serde_json::json!(["MISSING_KEY"]));
    let ran = answer("run_allowed");
    assert_eq!(ran["exit_code"], 0);
    assert_eq!(ran["stdout"], "[devvault:TOKEN]\n[devvault:LONG]\n");
    assert_eq!(ran["stderr"], "[devvault:TOKEN]\n");
    assert_eq!(ran["not_redacted"], serde_json::json!(["PORT"]));
    let refused = report["run_refused"]["text"].as_str().unwrap();
    assert!(refused.contains("is not allowed for app/dev"), "{refused}");
    assert_eq!(answer("run_timeout")["timed_out"], true);

    // Every call is in the audit log as the agent's.
    let audit = e.cmd().arg("audit").assert().success();
    let audit = String::from_utf8_lossy(&audit.get_output().stdout).to_string();
    for tool in [
        "mcp list_scopes",
        "mcp list_keys",
        "mcp check_keys",
        "mcp run: `sh",
        "mcp run: refused",
        "mcp run: `sleep 30` killed",
    ] {
        assert!(audit.contains(tool), "{tool} not audited: {audit}");
    }
}

/// Every string in `v`, one per line.
fn strings(v: &serde_json::Value, out: &mut String) {
    match v {
        serde_json::Value::String(s) => {
            out.push_str(s);
            out.push('\n');
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

#[test]
fn mcp_answers_bad_requests_with_errors_and_no_tool_writes() {
    let e = env();
    e.cmd().args(["unlock", "--for", "5m"]).assert().success();
    let long = format!("{{\"x\":\"{}\"}}\n", "a".repeat(2 << 20));
    let input = [
        "not json\n",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"resources/list\"}\n",
        "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"set\",\"arguments\":{\"scope\":\"app/dev\"}}}\n",
        &long,
        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n",
        "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"list_keys\",\"arguments\":{\"scope\":\"no such/scope!\"}}}\n",
        "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"ping\"}\n",
    ]
    .concat();
    let out = e
        .cmd()
        .arg("mcp")
        .env_remove("DEVVAULT_PASSPHRASE")
        .write_stdin(input)
        .assert()
        .success();
    e.cmd().arg("lock").assert().success();
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.get_output().stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let codes: Vec<_> = lines.iter().map(|l| l["error"]["code"].clone()).collect();
    assert_eq!(lines.len(), 6, "{lines:?}");
    assert_eq!(
        codes[..4],
        [-32700, -32601, -32602, -32700].map(serde_json::Value::from)
    );
    assert_eq!(lines[4]["result"]["isError"], true);
    assert_eq!(lines[5]["result"], serde_json::json!({}));
}
