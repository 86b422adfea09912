//! `scan --agents` / `--shell-history` end to end: values planted (raw and encoded) in
//! generated Claude Code, Codex and Aider transcripts and in bash, zsh (metafied) and fish
//! histories under a test HOME are reported as `file:line: KEY (scope)` without printing a
//! value; `--redact` rewrites them in place (JSON lines stay valid, modes are kept, other
//! bytes untouched) and names the keys to rotate with their provider URLs; `doctor` flags
//! agent settings that allow reading `.env`; `agent-rules` prints its block.

use crate::common;

use base64::Engine;
use common::cli::Env;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

const TOKEN: &str = "sk_live_sweep/\"quoted\"+9";
const DB: &str = "postgres://u:pw-sweep-1@db/app";

fn env() -> Env {
    let e = Env::new();
    e.set(&["app/dev", "TOKEN"], "sk_live_before_rotation");
    e.set(&["app/dev", "DATABASE_URL"], DB);
    e.set(&["app/dev", "PIN"], "1234");
    e.cmd()
        .args([
            "rotate",
            "app/dev",
            "TOKEN",
            "--url",
            "https://dash.example/keys",
        ])
        .write_stdin(TOKEN)
        .assert()
        .success();
    e
}

fn home(e: &Env) -> PathBuf {
    e.dir.path().to_path_buf()
}

fn write(path: &Path, data: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, data).unwrap();
}

fn line(text: &str) -> String {
    format!(
        "{}\n",
        serde_json::json!({"type": "assistant", "message": {"content": text}})
    )
}

fn texts(out: &std::process::Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Transcripts of three agents, each holding a value in some form.
fn plant_agents(e: &Env) -> Vec<PathBuf> {
    let h = home(e);
    let claude = h.join(".claude/projects/-work-app/5f1c.jsonl");
    let b64 = base64::engine::general_purpose::STANDARD.encode(format!("DATABASE_URL={DB}\n"));
    let mut data = line("hello");
    data += &line(&format!("I read .env: TOKEN={TOKEN}"));
    data += &line(&format!("the secret in base64: {b64}"));
    // A truncated last line (the agent was killed mid-write) with invalid UTF-8.
    data += "{\"type\":\"user\",\"message\":\"\u{1F600}";
    let mut bytes = data.into_bytes();
    bytes.extend_from_slice(b"\xff\xfe ");
    bytes.extend_from_slice(DB.as_bytes());
    write(&claude, &bytes);
    std::fs::set_permissions(&claude, std::fs::Permissions::from_mode(0o640)).unwrap();
    let codex = h.join(".codex/sessions/2026/11/30/rollout.jsonl");
    let url = "postgres%3A%2F%2Fu%3Apw-sweep-1%40db%2Fapp";
    write(&codex, line(&format!("curl -d url={url}")).as_bytes());
    let aider = e.work().join(".aider.chat.history.md");
    write(
        &aider,
        format!("#### run it\n\n> DATABASE_URL={DB} npm start\n").as_bytes(),
    );
    let settings = h.join(".claude.json");
    write(&settings, b"{\"projects\": {}}\n");
    vec![claude, codex, aider]
}

#[test]
fn agent_transcripts_are_reported_without_their_values() {
    let e = env();
    let files = plant_agents(&e);
    let out = e.cmd().args(["scan", "--agents"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let (stdout, stderr) = texts(&out);
    let c = files[0].display();
    assert!(
        stdout.contains(&format!("{c}:2: TOKEN (app/dev)")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("{c}:3: DATABASE_URL (app/dev) [base64]")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("{c}:4: DATABASE_URL (app/dev)")),
        "{stdout}"
    );
    let x = files[1].display();
    assert!(
        stdout.contains(&format!("{x}:1: DATABASE_URL (app/dev) [url-encoded]")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("{}:3: DATABASE_URL", files[2].display())),
        "{stdout}"
    );
    for text in [&stdout, &stderr] {
        assert!(
            !text.contains("pw-sweep-1") && !text.contains("sk_live"),
            "{text}"
        );
    }
    assert!(stderr.contains("keys to rotate (2)"), "{stderr}");
    assert!(
        stderr.contains("TOKEN (app/dev): issued at https://dash.example/keys"),
        "{stderr}"
    );
    assert!(stderr.contains("shorter than 8 bytes"), "{stderr}");
    // Nothing was rewritten without --redact.
    assert!(
        std::fs::read(&files[0])
            .unwrap()
            .windows(DB.len())
            .any(|w| w == DB.as_bytes())
    );
}

#[test]
fn redact_rewrites_transcripts_in_place_keeping_them_valid() {
    let e = env();
    let files = plant_agents(&e);
    let before = std::fs::read(&files[0]).unwrap();
    let out = e
        .cmd()
        .args(["scan", "--agents", "--redact"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let (_, stderr) = texts(&out);
    assert!(
        stderr.contains(&format!("redacted 3 occurrences in {}", files[0].display())),
        "{stderr}"
    );
    let after = std::fs::read(&files[0]).unwrap();
    let mode = std::fs::metadata(&files[0]).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    let lines: Vec<&[u8]> = after.split(|&b| b == b'\n').collect();
    for l in &lines[..3] {
        serde_json::from_slice::<serde_json::Value>(l).unwrap();
    }
    assert!(String::from_utf8_lossy(lines[1]).contains("TOKEN=[devvault:TOKEN]"));
    // The truncated line keeps its other bytes, invalid UTF-8 included.
    assert!(
        lines[3].ends_with(b"\xff\xfe [devvault:DATABASE_URL]"),
        "{:?}",
        lines[3]
    );
    assert_eq!(lines[0], before.split(|&b| b == b'\n').next().unwrap());
    for f in &files {
        let text = std::fs::read(f).unwrap();
        let s = String::from_utf8_lossy(&text);
        assert!(
            !s.contains("pw-sweep-1") && !s.contains("sk_live"),
            "{}: {s}",
            f.display()
        );
        assert!(!s.contains("postgres%3A"), "{s}");
    }
    e.cmd().args(["scan", "--agents"]).assert().success();
}

#[test]
fn shell_histories_bash_zsh_and_fish() {
    let e = env();
    let h = home(&e);
    // A value whose UTF-8 holds bytes zsh metafies (U+0103 is C4 83, U+0120 is C4 A0).
    let odd = "pass-\u{103}\u{120}-sweep";
    e.set(&["app/dev", "ODD"], odd);
    write(
        &h.join(".bash_history"),
        format!("ls\nexport TOKEN='{TOKEN}'\n").as_bytes(),
    );
    let meta = |s: &str| -> Vec<u8> {
        let mut out = Vec::new();
        for &b in s.as_bytes() {
            if b == 0 || (0x83..=0xA2).contains(&b) {
                out.extend([0x83, b ^ 0x20]);
            } else {
                out.push(b);
            }
        }
        out
    };
    let mut zsh = meta(": 1700000000:0;echo caf\u{103}\n");
    zsh.extend(meta(&format!(": 1700000001:0;psql {odd}\n")));
    let zfile = h.join(".zsh_history");
    write(&zfile, &zsh);
    let fish = h.join(".local/share/fish/fish_history");
    write(
        &fish,
        format!("- cmd: curl -H 'x: {DB}'\n  when: 1700000000\n").as_bytes(),
    );
    let out = e.cmd().args(["scan", "--shell-history"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let (stdout, _) = texts(&out);
    assert!(
        stdout.contains(&format!("{}:2: TOKEN", h.join(".bash_history").display())),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("{}:2: ODD", zfile.display())),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("{}:1: DATABASE_URL", fish.display())),
        "{stdout}"
    );
    e.cmd()
        .args(["scan", "--shell-history", "--redact"])
        .assert()
        .code(1);
    let after = std::fs::read(&zfile).unwrap();
    let first = meta(": 1700000000:0;echo caf\u{103}\n");
    assert_eq!(
        &after[..first.len()],
        &first[..],
        "an untouched line keeps its bytes"
    );
    assert_eq!(
        &after[first.len()..],
        meta(": 1700000001:0;psql [devvault:ODD]\n")
    );
    e.cmd().args(["scan", "--shell-history"]).assert().success();
}

#[test]
fn given_files_missing_paths_and_redact_alone() {
    let e = env();
    let f = e.work().join("notes.txt");
    write(&f, format!("token {TOKEN}\n").as_bytes());
    e.cmd()
        .args(["scan", "--agents", "notes.txt"])
        .assert()
        .code(1)
        .stdout(predicates::str::contains("notes.txt:1: TOKEN (app/dev)"));
    e.cmd()
        .args(["scan", "--agents", "missing.txt"])
        .assert()
        .code(4);
    e.cmd()
        .args(["scan", "--redact", "notes.txt"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--agents or --shell-history"));
    let out = e
        .cmd()
        .args(["scan", "--agents", "--json", "notes.txt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json[0]["key"], "TOKEN");
}

#[test]
fn doctor_flags_agent_settings_that_allow_reading_env() {
    let e = env();
    let s = e.work().join(".claude/settings.json");
    write(
        &s,
        br#"{"permissions":{"allow":["Bash(npm test)","Read(./.env)"]}}"#,
    );
    e.cmd()
        .arg("doctor")
        .assert()
        .code(1)
        .stdout(predicates::str::contains(
            "lets a coding agent read .env files: Read(./.env)",
        ));
    write(
        &s,
        br#"{"permissions":{"allow":["Bash(npm test)"],"deny":["Read(./.env)"]}}"#,
    );
    let out = e.cmd().arg("doctor").output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains("coding agent"));
}

#[test]
fn agent_rules_tell_agents_to_use_run_redact() {
    let e = Env::empty();
    e.cmd()
        .arg("agent-rules")
        .assert()
        .success()
        .stdout(predicates::str::contains("devvault run --redact --"))
        .stdout(predicates::str::contains("Never read"));
}
