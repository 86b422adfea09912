//! The TUI's end-to-end setups (`tests/tui.rs`, `tests/tui_lifecycle.rs`): a vault seeded
//! with a few scopes, and `devvault tui` (or a shell command) started in tmux on it.

use super::cli::{Env, PASS};
use super::tmux::{Tmux, binary};

/// A vault holding `blog/dev` (SMTP_PASSWORD=hunter2) and, with `shop`, `shop/prod`
/// (STRIPE_KEY, DATABASE_URL).
pub fn seeded(shop: bool) -> Env {
    let e = Env::new();
    if shop {
        e.cmd()
            .args(["import", "shop/prod", "-"])
            .write_stdin("STRIPE_KEY=sk_live_abc123\nDATABASE_URL=postgres://shop:pw@db/shop\n")
            .assert()
            .success();
    }
    e.cmd()
        .args(["import", "blog/dev", "-"])
        .write_stdin("SMTP_PASSWORD=hunter2\n")
        .assert()
        .success();
    e
}

/// `command` (a shell command line) in a `w` x `h` tmux window in `e`'s work directory, with
/// `e`'s home and vault and the variables of `extra`.
pub fn start(e: &Env, command: &str, extra: &[(&str, &str)], w: u16, h: u16) -> Tmux {
    let home = e.dir.path().to_str().unwrap().to_string();
    let vault = e.vault.to_str().unwrap().to_string();
    let mut env = vec![("HOME", home.as_str()), ("DEVVAULT_VAULT", vault.as_str())];
    env.extend_from_slice(extra);
    Tmux::start(command, &e.work(), &env, w, h)
}

/// `devvault tui ARGS` on `e`'s vault with no passphrase source: it has to ask.
pub fn start_locked(e: &Env, args: &str, w: u16, h: u16) -> Tmux {
    start(e, &tui_command(args), &[], w, h)
}

/// `devvault tui ARGS` on `e`'s vault, unlocked by `DEVVAULT_PASSPHRASE`.
pub fn start_unlocked(e: &Env, args: &str, w: u16, h: u16) -> Tmux {
    start(
        e,
        &tui_command(args),
        &[("DEVVAULT_PASSPHRASE", PASS)],
        w,
        h,
    )
}

/// The command line of `devvault tui ARGS`.
pub fn tui_command(args: &str) -> String {
    format!("{} tui {args}", binary()).trim_end().to_string()
}
