//! The terminal UI end to end in a real terminal (tmux): first run, unlock, navigate,
//! filter, reveal, add, edit, delete, export, lock and quit, checked on the captured screen
//! and in the vault afterwards with the CLI. Needs tmux (`apt-get install tmux`).

use crate::common;

use common::cli::{Env, FAST_INIT, PASS};
use common::tmux::binary;
use common::tui::{start, start_locked, start_unlocked};
use std::os::unix::fs::PermissionsExt;

fn seeded() -> Env {
    common::tui::seeded(true)
}

#[test]
fn unlock_browse_filter_reveal_edit_delete_export_lock() {
    let e = seeded();
    let t = start_locked(&e, "", 80, 24);
    t.wait_for("Passphrase:");
    t.type_text("not the passphrase");
    t.keys(&["Enter"]);
    t.wait_for("wrong passphrase");
    t.type_text(PASS);
    t.keys(&["Enter"]);
    t.wait_for("blog/dev · 1 key");
    // The other scopes load after the first frame (`prod (…)` until then).
    let screen = t.wait_for("prod (2)");
    assert!(
        screen.contains("blog/dev · 1 key") && screen.contains("SMTP_PASSWORD"),
        "{screen}"
    );
    assert!(!screen.contains("hunter2"), "values are masked:\n{screen}");

    // Navigate to shop/prod and reveal the first key.
    t.keys(&["Tab", "j", "Tab"]);
    t.wait_for("shop/prod · 2 keys");
    t.keys(&["Enter"]);
    t.wait_for("postgres://shop:pw@db");
    t.keys(&["Escape"]);
    t.wait_gone("postgres://shop:pw@db");

    // The filter finds keys across projects.
    t.keys(&["/"]);
    t.type_text("smtp");
    let screen = t.wait_for("1 of 3");
    assert!(
        screen.contains("blog/dev") && screen.contains("SMTP_PASSWORD"),
        "{screen}"
    );
    t.keys(&["Escape"]);
    t.wait_for("shop/prod · 2 keys");

    // Add a key; the value is masked while typed.
    t.keys(&["a"]);
    t.wait_for("Add a key to shop/prod");
    t.type_text("NEW_TOKEN");
    t.keys(&["Tab"]);
    t.type_text("tok-secret-1");
    let screen = t.wait_for("••••••••••••");
    assert!(
        !screen.contains("tok-secret-1"),
        "typed values are masked:\n{screen}"
    );
    t.keys(&["Enter"]);
    t.wait_for("added NEW_TOKEN to shop/prod");

    // Edit it: the field starts with the old value; Ctrl-U clears it.
    t.keys(&["e"]);
    t.wait_for("Edit NEW_TOKEN");
    t.keys(&["C-u"]);
    t.type_text("tok-secret-2");
    t.keys(&["Enter"]);
    t.wait_for("saved NEW_TOKEN");

    // Delete it, after a confirmation.
    t.keys(&["d"]);
    t.wait_for("Delete NEW_TOKEN from shop/prod?");
    t.keys(&["y"]);
    t.wait_for("deleted NEW_TOKEN");

    // Export the scope to a file as JSON.
    t.keys(&["x"]);
    t.wait_for("Export shop/prod to a file");
    t.keys(&["Right", "Right", "Tab", "C-u"]);
    t.type_text("out.json");
    t.keys(&["Enter"]);
    t.wait_for("wrote 2 keys to out.json (0600)");
    let file = e.work().join("out.json");
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(json["STRIPE_KEY"], "sk_live_abc123");
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );

    // Lock: the names are gone from the screen; Esc on the unlock screen quits.
    t.keys(&["L"]);
    let screen = t.wait_for("Unlock");
    assert!(!screen.contains("STRIPE_KEY"), "{screen}");
    t.keys(&["Escape"]);
    t.wait_exit();

    // The vault afterwards. Read only now: a read is audited, a write the TUI follows by
    // reading the vault again, and a key sent meanwhile would find no row selected.
    e.cmd()
        .args(["get", "shop/prod", "NEW_TOKEN"])
        .assert()
        .code(4);
    let out = e
        .cmd()
        .args(["history", "shop/prod", "NEW_TOKEN", "--reveal", "--json"])
        .assert()
        .success();
    let rows: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let versions: Vec<(u64, &str)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["version"].as_u64().unwrap(), r["value"].as_str().unwrap()))
        .collect();
    assert_eq!(
        versions,
        [(1, "tok-secret-1"), (2, "tok-secret-2")],
        "added, edited, then deleted (kept in history): {rows}"
    );
}

#[test]
fn first_run_creates_the_vault_and_imports_the_env_file() {
    let e = Env::empty();
    std::fs::write(e.work().join(".env"), "API_KEY=from-dotenv\nDEBUG=1\n").unwrap();
    // The cheapest Argon2id, as the other tests use (FAST_INIT's flags after `init`).
    let t = start_locked(&e, &FAST_INIT[1..].join(" "), 80, 24);
    let screen = t.wait_for("Welcome to devvault");
    assert!(
        screen.contains("vault.db"),
        "the vault's path is shown:\n{screen}"
    );
    t.type_text("short");
    t.keys(&["Tab"]);
    t.type_text("short");
    t.keys(&["Enter"]);
    // One passphrase rule (zxcvbn) for the CLI and the TUI.
    t.wait_for("too guessable");
    t.keys(&["Tab", "C-u"]);
    t.type_text(PASS);
    t.keys(&["Tab", "C-u"]);
    t.type_text(PASS);
    t.keys(&["Enter"]);
    // The preview first, then the import.
    let screen = t.wait_for("Import");
    // The dialog wraps the file's path where the terminal ends: check the parts.
    assert!(
        screen.contains("into work/dev?") && screen.contains("2 added, 0 changed"),
        "{screen}"
    );
    t.keys(&["y"]);
    t.wait_for("imported");
    t.wait_for("API_KEY");
    // Then: link the directory, keep the (verified) file, but git-ignore it.
    // Each question's first words: the temp path after them wraps where the terminal ends.
    t.wait_for("Link /");
    t.keys(&["y"]);
    t.wait_for("Every key of");
    t.keys(&["n"]);
    t.wait_for("Add /");
    t.keys(&["y"]);
    t.wait_for("added /");
    t.keys(&["q"]);
    t.wait_exit();
    assert_eq!(e.get(&["work/dev", "API_KEY"]), "from-dotenv");
    assert_eq!(e.get(&["work/dev", "DEBUG"]), "1");
    let link = std::fs::read_to_string(e.work().join(".devvault.toml")).unwrap();
    assert!(link.contains("scope = \"work/dev\""), "{link}");
    let ignore = std::fs::read_to_string(e.work().join(".gitignore")).unwrap();
    assert_eq!(ignore, "/.env\n");
    assert!(e.work().join(".env").exists(), "kept, as asked");
}

#[test]
fn small_terminal_and_restored_terminal() {
    let e = seeded();
    // A shell runs the TUI, then records the terminal's mode once it has exited.
    let cmd = format!(
        "{} tui; stty -a > stty.tmp; mv stty.tmp stty.txt; sleep 30",
        binary()
    );
    let t = start(&e, &cmd, &[("DEVVAULT_PASSPHRASE", PASS)], 60, 15);
    let screen = t.wait_for("blog/dev · 1 key");
    let lines: Vec<&str> = screen.lines().collect();
    assert!(
        lines.len() <= 15 && lines.iter().all(|l| l.chars().count() <= 60),
        "{screen}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with('└')),
        "the bottom border fits:\n{screen}"
    );
    t.keys(&["?"]);
    t.wait_for("Keys");
    t.keys(&["Escape"]);
    t.wait_gone("Keys");
    t.resize(100, 30);
    t.wait_for("prod (2)");
    t.keys(&["q"]);
    let stty = e.work().join("stty.txt");
    // stty.txt appears whole (written beside it, then renamed).
    t.wait_until("the shell's stty", || stty.exists());
    let modes = std::fs::read_to_string(&stty).unwrap();
    let words: Vec<&str> = modes.split_whitespace().collect();
    for mode in ["icanon", "echo", "isig"] {
        assert!(
            words.contains(&mode),
            "raw mode left on: no `{mode}` in\n{modes}"
        );
    }
    // The main screen is back (tmux may show the exit a moment after the shell moved on).
    t.wait_gone("SMTP_PASSWORD");
}

#[test]
fn copy_clears_after_the_timeout_only_if_still_ours() {
    use common::x11::{other_program_copies, paste, require_display};
    require_display();
    let e = seeded();
    let display = std::env::var("DISPLAY").unwrap();
    let xauth = std::env::var("XAUTHORITY").unwrap_or_default();
    let env = [
        ("DEVVAULT_PASSPHRASE", PASS),
        ("DISPLAY", display.as_str()),
        ("XAUTHORITY", xauth.as_str()),
    ];
    let t = start(
        &e,
        // Time enough for another program's copy to land before the clear, under load too.
        &common::tui::tui_command("--clear-after 5s"),
        &env,
        80,
        24,
    );
    t.wait_for("SMTP_PASSWORD");
    // A copy is awaited by the countdown it starts on the right of the footer: the message
    // `copied ..` of an earlier copy may still show (it outlives a lock), the countdown not.
    const COUNTDOWN: &str = "clipboard: SMTP_PASSWORD clears in";
    t.keys(&["c"]);
    let screen = t.wait_for(COUNTDOWN);
    assert!(
        screen.contains("copied SMTP_PASSWORD"),
        "the copy is said:\n{screen}"
    );
    assert_eq!(paste(), "hunter2");
    t.wait_for("clipboard cleared");
    assert_eq!(paste(), "", "cleared after 5 s");

    // Another program copies after us: its text is left alone.
    t.keys(&["c"]);
    t.wait_for(COUNTDOWN);
    assert_eq!(paste(), "hunter2");
    let mut other = other_program_copies("someone else's text");
    let start = std::time::Instant::now();
    while paste() != "someone else's text" && start.elapsed().as_secs() < 5 {
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    t.wait_for("holds something else now");
    assert_eq!(paste(), "someone else's text");
    let _ = other.kill();
    let _ = other.wait();

    // Locking with a copy pending clears it.
    t.keys(&["c"]);
    t.wait_for(COUNTDOWN);
    assert_eq!(paste(), "hunter2");
    t.keys(&["L"]);
    t.wait_for("Unlock");
    let start = std::time::Instant::now();
    while !paste().is_empty() && start.elapsed().as_secs() < 5 {
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    assert_eq!(paste(), "", "locking cleared the clipboard");
    t.type_text(PASS);
    t.keys(&["Enter"]);
    t.wait_for("SMTP_PASSWORD");

    // Quitting with a copy pending clears it.
    t.keys(&["c"]);
    t.wait_for(COUNTDOWN);
    assert_eq!(paste(), "hunter2");
    t.keys(&["q"]);
    t.wait_exit();
    assert_eq!(paste(), "");
}

#[test]
fn a_change_made_by_the_cli_shows_on_reload() {
    let e = seeded();
    let t = start_unlocked(&e, "", 80, 24);
    t.wait_for("blog/dev · 1 key");
    // The CLI writes while the TUI holds the vault open.
    e.set(&["blog/dev", "FROM_THE_CLI"], "x");
    e.set(&["newproj/dev", "ELSEWHERE"], "y");
    // The view may follow the first write by itself before R: wait for R's reading.
    t.keys(&["R"]);
    t.wait_for_all(&["reloaded", "blog/dev · 2 keys", "FROM_THE_CLI", "newproj"]);
    t.keys(&["q"]);
    t.wait_exit();
}

fn projects(e: &Env) -> serde_json::Value {
    let out = e.cmd().args(["projects", "--json"]).assert().success();
    serde_json::from_slice(&out.get_output().stdout).unwrap()
}

#[test]
fn scopes_are_made_renamed_purged_emptied_and_restored_from_the_trash() {
    let e = seeded();
    let t = start_unlocked(&e, "", 80, 24);
    t.wait_for("blog/dev · 1 key");
    // `n` makes the environment in the vault.
    t.keys(&["n"]);
    t.type_text("repo/staging");
    t.keys(&["Enter"]);
    t.wait_for("created repo/staging");
    let p = projects(&e);
    assert_eq!(p[1]["project"], "repo", "{p}");
    assert_eq!(p[1]["environments"][0]["name"], "staging");
    assert_eq!(p[1]["environments"][0]["keys"], 0);
    // `n` with an existing scope selects it.
    t.keys(&["n"]);
    t.type_text("shop/prod");
    t.keys(&["Enter"]);
    t.wait_for("shop/prod exists (2 keys): selected");
    // Rename repo/staging to repo/qa.
    t.keys(&["n"]);
    t.type_text("repo/staging");
    t.keys(&["Enter"]);
    t.wait_for("repo/staging exists (0 keys)");
    t.keys(&["S"]);
    t.wait_for("Scope repo/staging");
    t.keys(&["Right", "Right", "Tab", "Tab"]);
    t.type_text("qa");
    t.keys(&["Enter"]);
    t.wait_for("Rename repo/staging to repo/qa?");
    t.keys(&["y"]);
    t.wait_for("renamed repo/staging to repo/qa");
    let p = projects(&e);
    assert_eq!(p[1]["environments"][0]["name"], "qa", "{p}");
    // Purge it (repo/qa is selected after the rename).
    t.keys(&["S", "Right", "Enter"]);
    t.wait_for("Delete repo/qa with its history");
    t.keys(&["y"]);
    t.wait_for("purged repo/qa");
    assert!(!projects(&e).to_string().contains("repo"));
    // Remove blog/dev's keys, then restore one from the trash.
    t.keys(&["Tab", "g", "Tab"]);
    t.wait_for("blog/dev · 1 key");
    t.keys(&["S", "Enter"]);
    t.wait_for("Remove every key of blog/dev?");
    t.keys(&["y"]);
    t.wait_for("removed 1 key from blog/dev");
    t.keys(&["T"]);
    t.wait_for("Trash of blog/dev");
    t.keys(&["Enter"]);
    t.wait_for("Restore SMTP_PASSWORD into blog/dev");
    t.keys(&["y"]);
    t.wait_for("blog/dev · 1 key");
    t.keys(&["q"]);
    t.wait_exit();
    assert_eq!(e.get(&["blog/dev", "SMTP_PASSWORD"]), "hunter2");
}

#[test]
fn i_imports_a_dotenv_after_its_preview() {
    let e = seeded();
    std::fs::write(
        e.work().join(".env"),
        "NEW_ONE=fresh\nSMTP_PASSWORD=hunter2\n",
    )
    .unwrap();
    let t = start_unlocked(&e, "", 80, 24);
    t.wait_for("blog/dev · 1 key");
    t.keys(&["i"]);
    t.wait_for("Import a .env into blog/dev");
    t.keys(&["Enter"]);
    t.wait_for("1 added, 0 changed, 1 unchanged");
    t.keys(&["y"]);
    t.wait_for("blog/dev · 2 keys");
    t.keys(&["q"]);
    t.wait_exit();
    assert_eq!(e.get(&["blog/dev", "NEW_ONE"]), "fresh");
    assert!(
        e.work().join(".env").exists(),
        "only the first run offers to delete it"
    );
}

#[test]
fn opens_on_the_linked_scope_then_the_last_one_and_follows_other_writers() {
    let e = seeded();
    // The last one used: shop/prod.
    let t = start_unlocked(&e, "", 80, 24);
    t.wait_for("blog/dev · 1 key");
    t.keys(&["Tab", "j", "Enter"]);
    t.wait_for("shop/prod · 2 keys");
    t.keys(&["q"]);
    t.wait_exit();
    let t = start_unlocked(&e, "", 80, 24);
    t.wait_for("shop/prod · 2 keys");
    // Another process writes: the view follows without R; R says so.
    e.set(&["shop/prod", "FROM_THE_CLI"], "x");
    t.wait_for("shop/prod · 3 keys");
    t.keys(&["R"]);
    t.wait_for("reloaded");
    t.keys(&["q"]);
    t.wait_exit();
    // A linked directory wins.
    std::fs::write(e.work().join(".devvault.toml"), "scope = \"blog/dev\"\n").unwrap();
    let t = start_unlocked(&e, "", 80, 24);
    t.wait_for("blog/dev · 1 key");
    t.keys(&["q"]);
    t.wait_exit();
    // As the CLI resolves it: `.devvault.local.toml` picks the environment.
    e.set(&["blog/prod", "ONLY_HERE"], "y");
    std::fs::write(e.work().join(".devvault.local.toml"), "env = \"prod\"\n").unwrap();
    let t = start_unlocked(&e, "", 80, 24);
    t.wait_for("blog/prod · 1 key");
    t.keys(&["q"]);
    t.wait_exit();
}
