//! Unit tests of the hook's quoting and load code: every byte kept, one export, a constant
//! restore.

use super::*;

#[test]
fn quoting_keeps_every_byte() {
    assert_eq!(quote_posix("a'b"), "'a'\\''b'");
    assert_eq!(quote_fish("a'b\\c"), "'a\\'b\\\\c'");
}

#[test]
fn load_code_is_one_export_and_a_constant_restore() {
    let names: Vec<KeyName> = (0..200)
        .map(|i| KeyName::new(&format!("KEY_{i:03}")).unwrap())
        .collect();
    let value = SecretValue::from("v".repeat(40));
    let entries: Vec<(&KeyName, &SecretValue)> = names.iter().map(|k| (k, &value)).collect();
    let code = load(Shell::Bash, &entries);
    let exports = code.lines().filter(|l| l.starts_with("export ")).count();
    assert_eq!(exports, 1, "{}", code.as_str());
    // Names (five times) and quoted values, plus a constant: no per-key code.
    assert!(code.len() < 200 * (7 * 5 + 42 + 12) + 512, "{}", code.len());
    let restore = |c: &str| {
        c.lines()
            .find(|l| l.starts_with("__devvault_restore="))
            .map(str::to_string)
    };
    let one = load(Shell::Bash, &entries[..1]);
    assert_eq!(restore(&code), restore(&one));
    assert!(restore(&code).is_some());
    let fish = load(Shell::Fish, &entries);
    let sets = fish.lines().filter(|l| l.starts_with("set -gx ")).count();
    assert_eq!(sets, 200);
    assert_eq!(load(Shell::Direnv, &entries[..2]).lines().count(), 2);
}

#[test]
fn quoted_lengths_are_exact() {
    for s in ["", "a'b", "\\", "it's \\' \n", "ü'✓"] {
        assert_eq!(quote_posix(s).len(), quoted_len(Shell::Bash, s), "{s}");
        assert_eq!(quote_fish(s).len(), quoted_len(Shell::Fish, s), "{s}");
    }
}

#[test]
fn shell_specials_and_dangerous_names_are_skipped() {
    let v = SecretValue::from("x");
    let k = |s: &str| KeyName::new(s).unwrap();
    assert_eq!(skip(&k("PATH"), &v), Some(Skip::Dangerous));
    assert_eq!(skip(&k("path"), &v), Some(Skip::Dangerous));
    assert_eq!(skip(&k("PS1"), &v), Some(Skip::ShellSpecial));
    assert_eq!(skip(&k("fpath"), &v), Some(Skip::ShellSpecial));
    assert_eq!(skip(&k("fish_user_paths"), &v), Some(Skip::ShellSpecial));
    assert_eq!(skip(&k("__devvault_restore"), &v), Some(Skip::ShellSpecial));
    assert_eq!(skip(&k("a.b"), &v), Some(Skip::NotIdentifier));
    assert_eq!(skip(&k("A"), &SecretValue::from("a\0b")), Some(Skip::Nul));
    assert_eq!(skip(&k("DATABASE_URL"), &v), None);
    assert_eq!(skip(&k("STATUS"), &v), None);
    assert_eq!(skip(&k("status"), &v), Some(Skip::ShellSpecial));
}
