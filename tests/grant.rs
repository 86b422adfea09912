//! `onboard --request` / `grant` / `receive` / `check` end to end between three vaults: a
//! newcomer, an owner, and an untrusted third party. A request is signed; an altered or
//! forged one is refused (exit 5); a grant holds exactly the asked-for keys the owner holds
//! and names the ones it lacks; without a terminal, `grant` needs `--yes`.

use crate::common;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::cli::Env;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

/// The schema: two required keys, one optional.
const EXAMPLE: &str = "# The payment API.\n# required\nAPI_KEY=\n# required, format: url\nDB_URL=\n# optional\nDEBUG=\n";

/// A new vault whose work directory holds the repository's `.env.example`.
fn newcomer() -> Env {
    let n = Env::new();
    std::fs::write(n.work().join(".env.example"), EXAMPLE).unwrap();
    n
}

/// An owner holding the two required keys, the optional one and one nobody asks for.
fn owner() -> Env {
    let o = Env::new();
    o.set(&["myapp/dev", "API_KEY"], "sk_live_granted_1");
    o.set(&["myapp/dev", "DB_URL"], "postgres://u:p@db/app");
    o.set(&["myapp/dev", "DEBUG"], "1");
    o.set(&["myapp/dev", "OWNER_ONLY"], "never-asked-for");
    o
}

fn identity(e: &Env) -> String {
    let out = e.cmd().arg("identity").assert().success();
    String::from_utf8(out.get_output().stdout.clone())
        .unwrap()
        .trim()
        .to_string()
}

fn fingerprint(e: &Env) -> String {
    let out = e
        .cmd()
        .args(["identity", "--fingerprint"])
        .assert()
        .success();
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    err.split_whitespace()
        .find(|w| w.starts_with("SHA256:"))
        .unwrap()
        .to_string()
}

/// `n`'s request for myapp/dev, written to its work directory.
fn request(n: &Env) -> PathBuf {
    let req = n.work().join("req.devvault");
    n.cmd()
        .args(["onboard", "myapp/dev", "--request", "-o"])
        .arg(&req)
        .assert()
        .success();
    req
}

/// `o` grants `req` with --yes into its work directory; returns the bundle and stderr.
fn grant(o: &Env, req: &Path, extra: &[&str]) -> (PathBuf, String) {
    let out_file = o.work().join("grant.age");
    let out = o
        .cmd()
        .args(["grant", "--yes", "-o"])
        .arg(&out_file)
        .args(extra)
        .arg(req)
        .assert()
        .success();
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    (out_file, err)
}

fn stderr_of(a: assert_cmd::assert::Assert) -> String {
    String::from_utf8(a.get_output().stderr.clone()).unwrap()
}

#[test]
fn request_grant_receive_and_check_between_three_vaults() {
    let (o, bob) = (owner(), newcomer());
    bob.cmd().args(["check", "myapp/dev"]).assert().code(1);
    // 1. The request: the two required keys, names only, armored, mode 0600.
    let req = request(&bob);
    let text = std::fs::read_to_string(&req).unwrap();
    assert!(
        text.starts_with("-----BEGIN DEVVAULT ACCESS REQUEST-----\n"),
        "{text}"
    );
    let parsed = devvault::request::decode(text.as_bytes(), "req").unwrap();
    let names: Vec<String> = parsed.keys.iter().map(ToString::to_string).collect();
    assert_eq!(names, ["API_KEY", "DB_URL"]);
    assert_eq!(parsed.from.to_string(), identity(&bob));
    assert_eq!(parsed.scope.to_string(), "myapp/dev");
    // 2. A trusted requester: named; exactly the asked-for keys.
    o.cmd()
        .args(["trust", "add", "bob", &identity(&bob)])
        .assert()
        .success();
    let (bundle, err) = grant(&o, &req, &[]);
    assert!(
        err.contains(&format!("from bob ({})", fingerprint(&bob))),
        "{err}"
    );
    assert!(!err.contains("UNTRUSTED"), "{err}");
    assert!(
        err.contains("grant    API_KEY") && err.contains("grant    DB_URL"),
        "{err}"
    );
    assert!(
        !err.contains("OWNER_ONLY") && !err.contains("DEBUG"),
        "{err}"
    );
    assert!(!err.contains("sk_live"), "never a value: {err}");
    let audit = o.cmd().arg("audit").assert().success();
    let audit = String::from_utf8(audit.get_output().stdout.clone()).unwrap();
    assert!(audit.contains("grant to bob"), "{audit}");
    // 3. The newcomer receives it (checking the owner's fingerprint) and check passes.
    bob.cmd()
        .args(["receive", "--yes", "--trust-new", "alice"])
        .arg(&bundle)
        .assert()
        .success()
        .stdout(predicate::str::contains(fingerprint(&o)));
    bob.cmd().args(["check", "myapp/dev"]).assert().success();
    assert_eq!(bob.get(&["myapp/dev", "API_KEY"]), "sk_live_granted_1");
    assert_eq!(bob.get(&["myapp/dev", "DB_URL"]), "postgres://u:p@db/app");
    for never in ["OWNER_ONLY", "DEBUG"] {
        bob.cmd().args(["get", "myapp/dev", never]).assert().code(4);
    }
    // Nothing is left to ask for.
    bob.cmd()
        .args(["onboard", "myapp/dev", "--request"])
        .assert()
        .success()
        .stdout("")
        .stderr(predicate::str::contains("no request needed"));
    // 4. An untrusted third party: flagged loudly with the fingerprint; the grant is theirs
    // alone (bob cannot open it).
    let carol = newcomer();
    let (bundle, err) = grant(&o, &request(&carol), &[]);
    let fp = fingerprint(&carol);
    assert!(err.contains(&format!("UNTRUSTED {fp}")), "{err}");
    assert!(err.contains("WARNING: UNTRUSTED REQUEST"), "{err}");
    bob.cmd()
        .args(["receive", "--yes", "--trust-new", "x"])
        .arg(&bundle)
        .assert()
        .code(3);
    carol
        .cmd()
        .args(["receive", "--yes", "--trust-new", "alice"])
        .arg(&bundle)
        .assert()
        .success();
    carol.cmd().args(["check", "myapp/dev"]).assert().success();
}

#[test]
fn altered_and_forged_requests_are_refused_with_exit_5() {
    let (o, bob) = (owner(), newcomer());
    let req = request(&bob);
    let text = std::fs::read_to_string(&req).unwrap();
    let out = o.work().join("grant.age");
    let refused = |data: &str, name: &str| {
        let path = o.work().join(name);
        std::fs::write(&path, data).unwrap();
        let err = stderr_of(
            o.cmd()
                .args(["grant", "--yes", "-o"])
                .arg(&out)
                .arg(&path)
                .assert()
                .code(5),
        );
        assert!(err.contains(name), "names the file: {err}");
        assert!(!out.exists(), "nothing written");
        err
    };
    // One character of the body changed.
    let mid = text.len() / 2;
    let c = if &text[mid..=mid] == "A" { "B" } else { "A" };
    refused(
        &format!("{}{c}{}", &text[..mid], &text[mid + 1..]),
        "flipped.devvault",
    );
    // Re-encoded to ask for a key the newcomer did not sign for.
    let body: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
    let json = String::from_utf8(STANDARD.decode(body).unwrap()).unwrap();
    let forged = json.replace("\"DB_URL\"", "\"OWNER_ONLY\"");
    assert_ne!(forged, json);
    let armored = format!(
        "-----BEGIN DEVVAULT ACCESS REQUEST-----\n{}\n-----END DEVVAULT ACCESS REQUEST-----\n",
        STANDARD.encode(forged)
    );
    let err = refused(&armored, "forged.devvault");
    assert!(err.contains("signature"), "{err}");
    // Cut short.
    refused(&text[..text.len() - 40], "cut.devvault");
}

#[test]
fn keys_the_owner_lacks_are_named_and_never_invented() {
    let bob = newcomer();
    let req = request(&bob);
    // Holds only API_KEY in myapp/dev: DB_URL is named as lacking; only API_KEY goes.
    let o = Env::new();
    o.set(&["myapp/dev", "API_KEY"], "only-this-one");
    let (bundle, err) = grant(&o, &req, &[]);
    assert!(err.contains("grant    API_KEY"), "{err}");
    assert!(err.contains("lacking  DB_URL"), "{err}");
    bob.cmd()
        .args(["receive", "--yes", "--trust-new", "alice"])
        .arg(&bundle)
        .assert()
        .success();
    bob.cmd()
        .args(["check", "myapp/dev"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("DB_URL: missing"));
    // Holds none of them: exit 4 naming both, nothing written.
    let empty = Env::new();
    let out = empty.work().join("grant.age");
    empty
        .cmd()
        .args(["grant", "--yes", "-o"])
        .arg(&out)
        .arg(&req)
        .assert()
        .code(4)
        .stderr(predicate::str::contains("API_KEY, DB_URL"));
    assert!(!out.exists());
    // --scope reads another scope; the bundle still carries the request's.
    let o2 = Env::new();
    o2.set(&["myapp/staging", "API_KEY"], "from-staging");
    o2.set(&["myapp/staging", "DB_URL"], "postgres://staging/app");
    let (bundle, _) = grant(&o2, &req, &["--scope", "myapp/staging"]);
    bob.cmd()
        .args(["receive", "--yes", "--trust-new", "owner2"])
        .arg(&bundle)
        .assert()
        .success();
    assert_eq!(bob.get(&["myapp/dev", "DB_URL"]), "postgres://staging/app");
    bob.cmd().args(["check", "myapp/dev"]).assert().success();
    bob.cmd().args(["ls", "myapp/staging"]).assert().code(4);
}

#[test]
fn grant_without_a_terminal_or_yes_refuses_and_request_goes_to_stdout() {
    let (o, bob) = (owner(), newcomer());
    // Without -o the request is printed.
    let out = bob
        .cmd()
        .args(["onboard", "myapp/dev", "--request"])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.starts_with("-----BEGIN DEVVAULT ACCESS REQUEST-----"),
        "{text}"
    );
    let req = o.work().join("req.devvault");
    std::fs::write(&req, &text).unwrap();
    let out_file = o.work().join("grant.age");
    let err = stderr_of(
        o.cmd()
            .args(["grant", "-o"])
            .arg(&out_file)
            .arg(&req)
            .assert()
            .code(2),
    );
    assert!(err.contains("--yes"), "{err}");
    assert!(err.contains("UNTRUSTED"), "shown before refusing: {err}");
    assert!(!out_file.exists());
    // -o is only for --request.
    bob.cmd()
        .args(["onboard", "myapp/dev", "-o", "x"])
        .assert()
        .code(2);
}
