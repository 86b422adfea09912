//! `scan` end to end: planted leaks in files (raw, base64, URL-encoded, JSON-escaped), short
//! values and binaries skipped, `--json`, exit codes 0/1/4; a leak in an old commit of a
//! throwaway git repository found by `--git-history`; the pre-commit hook blocking a commit
//! that adds a vault value. A hostile checkout: symlinked or foreign link files and hooks
//! are never written through or replaced, link files outside the repository or not the
//! user's are ignored, and a `.git/config` `core.fsmonitor` never runs.

use crate::common;

use base64::Engine;
use common::cli::Env;
use predicates::prelude::*;
use std::path::Path;
use std::process::Command;

const VALUE: &str = "ghp_scan/leak+value9";

fn env() -> Env {
    let e = Env::new();
    e.set(&["myapp/dev", "GITHUB_TOKEN"], VALUE);
    e.set(&["myapp/dev", "SHORT"], "abc123");
    e
}

fn git(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .env("HOME", dir)
        .output()
        .unwrap()
}

#[test]
fn files_with_every_encoded_form_are_found_never_printing_the_value() {
    let e = env();
    let w = e.work().join("repo");
    std::fs::create_dir_all(w.join("src/deep")).unwrap();
    std::fs::create_dir_all(w.join(".git")).unwrap();
    let b64 = base64::engine::general_purpose::STANDARD.encode(format!("token: {VALUE}\n"));
    std::fs::write(w.join("src/raw.txt"), format!("one\ntwo\nTOKEN={VALUE}\n")).unwrap();
    std::fs::write(w.join("src/deep/k8s.yaml"), format!("data:\n  t: {b64}\n")).unwrap();
    std::fs::write(w.join("url.txt"), "https://x/?t=ghp_scan%2Fleak%2Bvalue9\n").unwrap();
    std::fs::write(w.join("conf.json"), "{\"t\": \"ghp_scan/leak+value9\"}\n").unwrap();
    std::fs::write(w.join("short.txt"), "abc123\n").unwrap();
    std::fs::write(w.join(".git/config"), VALUE).unwrap();
    let mut bin = vec![0u8; 16];
    bin.extend_from_slice(VALUE.as_bytes());
    std::fs::write(w.join("blob.bin"), bin).unwrap();
    let out = e.cmd().arg("scan").arg(&w).assert().code(1);
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        stdout.contains("src/raw.txt:3: GITHUB_TOKEN (myapp/dev)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("src/deep/k8s.yaml:2: GITHUB_TOKEN (myapp/dev) [base64]"),
        "{stdout}"
    );
    assert!(
        stdout.contains("url.txt:1: GITHUB_TOKEN (myapp/dev) [url-encoded]"),
        "{stdout}"
    );
    assert!(
        stdout.contains("conf.json:1: GITHUB_TOKEN (myapp/dev)"),
        "{stdout}"
    );
    for absent in ["short.txt", ".git/config", "blob.bin", VALUE] {
        assert!(!stdout.contains(absent), "{absent} in {stdout}");
    }
    assert!(!String::from_utf8_lossy(&out.get_output().stderr).contains(VALUE));
    // --min-length brings short values in; --json is machine readable.
    let out = e
        .cmd()
        .args(["scan", "--json", "--min-length", "4"])
        .arg(w.join("short.txt"))
        .assert()
        .code(1);
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(json[0]["key"], "SHORT");
    assert_eq!(json[0]["line"], 1);
    assert_eq!(json[0]["scope"], "myapp/dev");
    // JSON-escaped form.
    let esc = e.work().join("esc");
    std::fs::create_dir(&esc).unwrap();
    e.set(&["myapp/dev", "QUOTED"], "quote\"inside\\value");
    std::fs::write(esc.join("a.json"), "{\"q\": \"quote\\\"inside\\\\value\"}").unwrap();
    e.cmd()
        .arg("scan")
        .arg(&esc)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "a.json:1: QUOTED (myapp/dev) [json-escaped]",
        ));
    // Clean and missing paths.
    let clean = e.work().join("clean");
    std::fs::create_dir(&clean).unwrap();
    std::fs::write(clean.join("ok.txt"), "nothing here\n").unwrap();
    e.cmd()
        .arg("scan")
        .arg(&clean)
        .assert()
        .success()
        .stdout("");
    e.cmd().args(["scan", "does/not/exist"]).assert().code(4);
}

#[test]
fn git_history_finds_a_leak_in_an_old_commit() {
    let e = env();
    let repo = e.work().join("hist");
    std::fs::create_dir(&repo).unwrap();
    assert!(git(&repo, &["init", "-q"]).status.success());
    std::fs::write(repo.join("README"), "hello\n").unwrap();
    std::fs::write(repo.join("config.env"), format!("# cfg\nTOKEN={VALUE}\n")).unwrap();
    let b64 = base64::engine::general_purpose::STANDARD.encode(VALUE);
    std::fs::write(repo.join("secret.b64"), format!("{b64}\n")).unwrap();
    git(&repo, &["add", "."]);
    assert!(git(&repo, &["commit", "-qm", "oops"]).status.success());
    let first = String::from_utf8(git(&repo, &["rev-parse", "HEAD"]).stdout).unwrap();
    git(&repo, &["rm", "-q", "config.env", "secret.b64"]);
    assert!(git(&repo, &["commit", "-qm", "remove"]).status.success());
    e.cmd().arg("scan").arg(&repo).assert().success();
    let out = e
        .cmd()
        .args(["scan", "--git-history"])
        .arg(&repo)
        .assert()
        .code(1);
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let want = format!("{}:config.env:2: GITHUB_TOKEN (myapp/dev)", first.trim());
    assert!(stdout.contains(&want), "{stdout}");
    let want = format!(
        "{}:secret.b64:1: GITHUB_TOKEN (myapp/dev) [base64]",
        first.trim()
    );
    assert!(stdout.contains(&want), "{stdout}");
    assert!(!stdout.contains(VALUE));
}

#[test]
fn the_pre_commit_hook_blocks_a_commit_that_adds_a_vault_value() {
    let e = env();
    let repo = e.work().join("hooked");
    std::fs::create_dir(&repo).unwrap();
    assert!(git(&repo, &["init", "-q"]).status.success());
    e.cmd()
        .args(["scan", "--install-hook"])
        .arg(&repo)
        .assert()
        .success();
    assert!(repo.join(".git/hooks/pre-commit").is_file());
    std::fs::write(repo.join("ok.txt"), "fine\n").unwrap();
    git(&repo, &["add", "ok.txt"]);
    // The hook inherits the environment of `git commit`: the test's passphrase.
    let commit = |msg: &str| {
        Command::new("git")
            .arg("-C")
            .arg(&repo)
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@example.com",
                "commit",
                "-qm",
                msg,
            ])
            .env("DEVVAULT_PASSPHRASE", common::cli::PASS)
            .output()
            .unwrap()
    };
    let out = commit("clean");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::write(repo.join("leak.py"), format!("TOKEN = '{VALUE}'\n")).unwrap();
    git(&repo, &["add", "leak.py"]);
    let out = commit("leak");
    assert!(!out.status.success(), "the commit went through");
    let said =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("leak.py:1: GITHUB_TOKEN (myapp/dev)"),
        "{said}"
    );
    assert!(!said.contains(VALUE));
    let log = String::from_utf8(git(&repo, &["log", "--oneline"]).stdout).unwrap();
    assert_eq!(log.lines().count(), 1, "{log}");
}

/// A git repository in the work directory.
fn repo(e: &Env, name: &str) -> std::path::PathBuf {
    let repo = e.work().join(name);
    std::fs::create_dir_all(&repo).unwrap();
    assert!(git(&repo, &["init", "-q"]).status.success());
    repo
}

#[test]
fn link_never_writes_through_a_symlink_nor_over_a_foreign_file() {
    let e = env();
    let repo = repo(&e, "hostile");
    let before = std::fs::read(&e.vault).unwrap();
    std::os::unix::fs::symlink(&e.vault, repo.join(".devvault.toml")).unwrap();
    e.cmd()
        .current_dir(&repo)
        .args(["link", "myapp"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("symbolic link"));
    assert_eq!(std::fs::read(&e.vault).unwrap(), before);
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(&e.vault).unwrap().permissions(),
    );
    assert_eq!(mode & 0o777, 0o600);
    e.cmd()
        .args(["get", "myapp/dev", "GITHUB_TOKEN"])
        .assert()
        .success();
    // A regular file that is not a link file is not replaced either.
    std::fs::remove_file(repo.join(".devvault.toml")).unwrap();
    std::fs::write(repo.join(".devvault.toml"), "[tool]\nname = 1\n").unwrap();
    e.cmd()
        .current_dir(&repo)
        .args(["link", "myapp"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("not a devvault link file"));
    // devvault's own link file is replaced.
    std::fs::write(repo.join(".devvault.toml"), "scope = 'other/x' # old\n").unwrap();
    e.cmd()
        .current_dir(&repo)
        .args(["link", "myapp"])
        .assert()
        .success();
    e.cmd()
        .current_dir(&repo)
        .args(["get", "GITHUB_TOKEN"])
        .assert()
        .success()
        .stdout(VALUE);
}

#[test]
fn install_hook_refuses_links_and_foreign_hooks() {
    let e = env();
    let repo = repo(&e, "hooks");
    let hooks = repo.join(".git/hooks");
    std::fs::create_dir_all(&hooks).unwrap();
    let hook = hooks.join("pre-commit");
    let install = || e.cmd().args(["scan", "--install-hook"]).arg(&repo).assert();
    // A dangling link: the target is not created.
    let target = e.work().join("created-by-devvault");
    std::os::unix::fs::symlink(&target, &hook).unwrap();
    install()
        .failure()
        .stderr(predicate::str::contains("symbolic link"));
    assert!(!target.exists());
    // A link to an existing file: the file is unchanged.
    std::fs::write(&target, "precious\n").unwrap();
    install().failure();
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious\n");
    std::fs::remove_file(&hook).unwrap();
    // A binary hook (not text at all) is not devvault's.
    let binary = b"\x7fELF\x02\x01\x01\0\xff\xfe# devvault pre-commit hook".to_vec();
    std::fs::write(&hook, &binary).unwrap();
    install()
        .failure()
        .stderr(predicate::str::contains("not devvault's hook"))
        .stderr(predicate::str::contains("mv "));
    assert_eq!(std::fs::read(&hook).unwrap(), binary);
    // Our own hook is replaced in place.
    std::fs::remove_file(&hook).unwrap();
    install().success();
    install().success();
    assert!(
        !std::fs::symlink_metadata(&hook)
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn link_files_outside_the_repository_or_not_yours_are_ignored() {
    let e = env();
    std::fs::write(e.work().join(".devvault.toml"), "scope = \"myapp/dev\"\n").unwrap();
    let repo = repo(&e, "inner");
    std::fs::create_dir_all(repo.join("sub")).unwrap();
    // The parent's link file is outside the repository: not used.
    e.cmd()
        .current_dir(repo.join("sub"))
        .args(["get", "GITHUB_TOKEN"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no scope given"));
    // Writable by others: ignored, and said why.
    let link = repo.join(".devvault.toml");
    std::fs::write(&link, "scope = \"myapp/dev\"\n").unwrap();
    let set_mode = |m: u32| {
        std::fs::set_permissions(&link, std::os::unix::fs::PermissionsExt::from_mode(m)).unwrap()
    };
    set_mode(0o666);
    e.cmd()
        .current_dir(repo.join("sub"))
        .args(["get", "GITHUB_TOKEN"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("other users can write it"));
    set_mode(0o644);
    e.cmd()
        .current_dir(repo.join("sub"))
        .args(["get", "GITHUB_TOKEN"])
        .assert()
        .success()
        .stdout(VALUE);
    // Owned by another user (only root can make one).
    if rustix_uid() == 0 {
        std::os::unix::fs::chown(&link, Some(4242), None).unwrap();
        e.cmd()
            .current_dir(repo.join("sub"))
            .args(["get", "GITHUB_TOKEN"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("belongs to user id 4242"));
    }
}

fn rustix_uid() -> u32 {
    std::os::unix::fs::MetadataExt::uid(&std::fs::metadata("/proc/self").unwrap())
}

#[test]
fn a_hostile_fsmonitor_never_runs() {
    let e = env();
    let repo = repo(&e, "fsmonitor");
    let marker = e.work().join("fsmonitor-ran");
    let script = e.work().join("fsmonitor.sh");
    std::fs::write(
        &script,
        format!("#!/bin/sh\necho \"$@\" >> '{}'\n", marker.display()),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    std::fs::write(repo.join("ok.txt"), "fine\n").unwrap();
    git(&repo, &["add", "ok.txt"]);
    git(
        &repo,
        &["config", "core.fsmonitor", script.to_str().unwrap()],
    );
    let _ = std::fs::remove_file(&marker);
    e.cmd()
        .current_dir(&repo)
        .args(["scan", "--staged"])
        .assert()
        .success();
    e.cmd()
        .current_dir(&repo)
        .args(["export", "myapp/dev", "-o", "out.env"])
        .assert()
        .success();
    let _ = e.cmd().current_dir(&repo).arg("doctor").assert();
    let _ = e.cmd().current_dir(&repo).args(["scan", "."]).assert();
    let _ = e
        .cmd()
        .current_dir(&repo)
        .args(["scan", "--git-history"])
        .assert();
    assert!(!marker.exists(), "core.fsmonitor ran");
}

#[test]
fn utf16_and_utf32_files_are_scanned() {
    let e = env();
    let w = e.work().join("wide");
    std::fs::create_dir_all(&w).unwrap();
    let text = format!("A=1\r\nGITHUB_TOKEN={VALUE}\r\n");
    let mut le_bom = vec![0xFF, 0xFE];
    let mut be = Vec::new();
    for u in text.encode_utf16() {
        le_bom.extend_from_slice(&u.to_le_bytes());
        be.extend_from_slice(&u.to_be_bytes());
    }
    let utf32: Vec<u8> = text
        .chars()
        .flat_map(|c| (c as u32).to_le_bytes())
        .collect();
    std::fs::write(w.join("le-bom.env"), le_bom).unwrap();
    std::fs::write(w.join("be.env"), be).unwrap();
    std::fs::write(w.join("utf32.env"), utf32).unwrap();
    let out = e.cmd().arg("scan").arg(&w).assert().code(1);
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    for f in ["le-bom.env", "be.env", "utf32.env"] {
        assert!(
            stdout.contains(&format!("{f}:2: GITHUB_TOKEN (myapp/dev)")),
            "{f} not found in {stdout}"
        );
    }
}

#[test]
fn plain_values_ignored_files_allow_comments_and_own_exports_are_not_leaks() {
    let e = env();
    e.set(&["myapp/dev", "NODE_ENV"], "development");
    e.set(&["myapp/dev", "APP_NAME"], "Acme Billing");
    e.set(&["myapp/dev", "LOG_LEVEL_NAME"], "verbose-logging-7");
    let repo = e.work().join("r");
    std::fs::create_dir(&repo).unwrap();
    assert!(git(&repo, &["init", "-q"]).status.success());
    std::fs::write(
        repo.join("README.md"),
        "See the development setup guide.\nAcme Billing is our app.\n",
    )
    .unwrap();
    std::fs::write(repo.join(".gitignore"), ".env\n").unwrap();
    std::fs::write(repo.join("hand.env"), format!("T={VALUE}\n")).unwrap();
    // Plain words are not matched by default; --include-plain matches them.
    e.cmd()
        .args(["scan", "--include-plain"])
        .arg(repo.join("README.md"))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("NODE_ENV"));
    std::fs::remove_file(repo.join("hand.env")).unwrap();
    e.cmd().arg("scan").arg(&repo).assert().success();
    // devvault's own export, git-ignored: skipped; with --include-ignored, named as its own.
    e.cmd()
        .current_dir(&repo)
        .args(["export", "myapp", "-o", ".env"])
        .assert()
        .success();
    e.cmd()
        .current_dir(&repo)
        .args(["scan", "."])
        .assert()
        .success()
        .stderr(predicate::str::contains("1 git-ignored file not scanned"));
    e.cmd()
        .current_dir(&repo)
        .args(["scan", ".", "--include-ignored"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "devvault's own export of myapp/dev",
        ));
    // An allow comment and the ignore file.
    std::fs::write(
        repo.join("fixture.py"),
        format!("T = '{VALUE}'  # devvault:allow\n"),
    )
    .unwrap();
    std::fs::write(repo.join("notes.txt"), "level verbose-logging-7\n").unwrap();
    e.cmd().arg("scan").arg(&repo).assert().code(1).stdout(
        predicate::str::contains("notes.txt:1: LOG_LEVEL_NAME")
            .and(predicate::str::contains("fixture.py").not()),
    );
    std::fs::write(repo.join(".devvault-scan-ignore"), "key LOG_LEVEL_NAME\n").unwrap();
    e.cmd().arg("scan").arg(&repo).assert().success();
    std::fs::write(repo.join(".devvault-scan-ignore"), "path notes.txt\n").unwrap();
    e.cmd().arg("scan").arg(&repo).assert().success();
}

#[test]
fn the_hook_says_it_is_devvault_and_how_to_unlock_or_bypass() {
    let e = env();
    let repo = e.work().join("hooked");
    std::fs::create_dir(&repo).unwrap();
    assert!(git(&repo, &["init", "-q"]).status.success());
    e.cmd()
        .args(["scan", "--install-hook"])
        .arg(&repo)
        .assert()
        .success();
    std::fs::write(repo.join("ok.txt"), "fine\n").unwrap();
    git(&repo, &["add", "ok.txt"]);
    // A GUI git client: no terminal, no passphrase source.
    let out = Command::new("setsid")
        .args(["git", "-C"])
        .arg(&repo)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "commit",
            "-qm",
            "x",
        ])
        .env("HOME", e.dir.path())
        .env_remove("DEVVAULT_PASSPHRASE")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.starts_with("devvault pre-commit:"), "{said}");
    for needle in ["devvault unlock --for 8h", "keychain enable", "--no-verify"] {
        assert!(said.contains(needle), "{said}");
    }
}

#[test]
fn a_key_marked_not_secret_is_left_alone() {
    let e = env();
    e.set(&["myapp/dev", "PUBLIC_URL"], "https://acme.example/app-1");
    let dir = e.work().join("m");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(
        dir.join("site.md"),
        "Visit https://acme.example/app-1 today.\n",
    )
    .unwrap();
    e.cmd().arg("scan").arg(&dir).assert().code(1);
    e.cmd()
        .args(["mark", "myapp/dev", "PUBLIC_URL", "--not-secret"])
        .assert()
        .success();
    e.cmd().arg("scan").arg(&dir).assert().success();
    e.cmd()
        .args(["mark", "myapp/dev", "PUBLIC_URL", "--secret"])
        .assert()
        .success();
    e.cmd().arg("scan").arg(&dir).assert().code(1);
    e.cmd()
        .args(["mark", "myapp/dev", "NOPE", "--not-secret"])
        .assert()
        .code(4);
    e.cmd().args(["audit", "verify"]).assert().success();
}
