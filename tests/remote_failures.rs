//! Team remote failures against a real OpenBao server (started by `.ci/bao-session`): a
//! read-only token refused on push, a server that stops mid-way (a second server of this
//! test's own, killed by its pid), TLS and not-found errors. Each error names the remote and
//! the HTTP status where there is one, exits with the documented code, and leaves the local
//! vault untouched; `export` keeps working offline.

use crate::common;

use common::bao::{Dev, bao, prefix};
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
