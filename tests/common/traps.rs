//! Names that change how programs load code (`BASH_ENV`, `NODE_OPTIONS`, `PATH`, `GIT_CONFIG_*`)
//! set to scripts that touch a marker file when they run: the bundle and remote tests send
//! them as an attacker would and check that `run` starts nothing with them.

use super::cli::Env;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

fn run(cmd: &mut Command) {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn refused(cmd: &mut assert_cmd::Command) -> String {
    let out = cmd.assert().failure();
    String::from_utf8(out.get_output().stderr.clone()).unwrap()
}

/// Scripts that would run if a name reached a child: each touches a marker.
pub struct Traps {
    pub dir: std::path::PathBuf,
}

impl Traps {
    pub fn new(dir: &Path) -> Traps {
        let dir = dir.join("traps");
        std::fs::create_dir_all(dir.join("bin")).unwrap();
        let script = |name: &str, body: String| {
            let p = dir.join(name);
            std::fs::write(&p, body).unwrap();
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        };
        let d = dir.display();
        script("evil.sh", format!("touch {d}/ran-bash_env\n"));
        script(
            "evil.js",
            format!("require('fs').writeFileSync('{d}/ran-node','')\n"),
        );
        script("bin/git", format!("#!/bin/sh\ntouch {d}/ran-path\n"));
        script("fsmonitor", format!("#!/bin/sh\ntouch {d}/ran-git\n"));
        Traps { dir }
    }

    /// The names and values an attacker sends.
    pub fn vars(&self) -> Vec<(&'static str, String)> {
        let d = self.dir.display();
        vec![
            ("BASH_ENV", format!("{d}/evil.sh")),
            ("NODE_OPTIONS", format!("--require {d}/evil.js")),
            ("PATH", format!("{d}/bin:/usr/local/bin:/usr/bin:/bin")),
            ("GIT_CONFIG_COUNT", "1".into()),
            ("GIT_CONFIG_KEY_0", "core.fsmonitor".into()),
            ("GIT_CONFIG_VALUE_0", format!("{d}/fsmonitor")),
        ]
    }

    pub fn allow_all(&self) -> Vec<String> {
        self.vars()
            .iter()
            .flat_map(|(k, _)| ["--allow-env".to_string(), k.to_string()])
            .collect()
    }

    pub fn ran(&self) -> Vec<String> {
        ["bash_env", "node", "path", "git"]
            .iter()
            .filter(|m| self.dir.join(format!("ran-{m}")).exists())
            .map(|m| m.to_string())
            .collect()
    }
}

/// `run` with each program the trapped names target; every one must be refused.
pub fn assert_run_refuses(e: &Env, scope: &str, traps: &Traps) {
    let repo = e.work().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    run(Command::new("git").arg("init").arg("-q").arg(&repo));
    let audit = |e: &Env| {
        let out = e.cmd().arg("audit").assert().success();
        String::from_utf8(out.get_output().stdout.clone()).unwrap()
    };
    let before = audit(e);
    for cmd in [
        &["bash", "-c", "true"][..],
        &["node", "-e", "0"][..],
        &["git", "-C", repo.to_str().unwrap(), "status"][..],
    ] {
        let err = refused(e.cmd().args(["run", scope, "--"]).args(cmd));
        for name in ["BASH_ENV", "NODE_OPTIONS", "PATH", "GIT_CONFIG_COUNT"] {
            assert!(err.contains(name), "{cmd:?}: {err}");
        }
        assert!(err.contains("--allow-env"), "{err}");
    }
    assert!(traps.ran().is_empty(), "ran: {:?}", traps.ran());
    assert_eq!(
        audit(e),
        before,
        "a refused run read no value and recorded nothing"
    );
}
