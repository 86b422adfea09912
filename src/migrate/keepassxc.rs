//! KeePassXC: a `.kdbx` database read through `keepassxc-cli export --format xml` (the
//! passphrase on its stdin), the XML parsed with roxmltree. Each entry of each group (the
//! top group's name left out, the recycle bin and every entry's history skipped) gives its
//! password as `GROUP_..._TITLE` and each extra attribute as `GROUP_..._TITLE_ATTRIBUTE`;
//! its user name, URL and notes become the note. Writes nothing.

use super::tool;
use super::{Item, Passphrase};
use crate::error::{Error, Result};
use crate::secret::SecretValue;
use roxmltree::{Document, Node};
use std::path::Path;
use std::process::Command;
use zeroize::Zeroizing;

/// The attributes every entry has; any other is an extra attribute (a key of its own).
const STANDARD: [&str; 5] = ["Title", "UserName", "Password", "URL", "Notes"];

/// Reads every entry of the database at `path`.
pub fn read(path: &Path, passphrase: Passphrase<'_>) -> Result<Vec<Item>> {
    let shown = path.display().to_string();
    if !path.is_file() {
        return Err(Error::invalid(
            format!("cannot read the KeePassXC database {shown}: it is not a regular file"),
            "give the path of a .kdbx file (keepassxc-cli cannot read one from a pipe)",
        ));
    }
    let pass = passphrase()?;
    let mut stdin = Zeroizing::new(pass.expose_secret().as_bytes().to_vec());
    stdin.push(b'\n');
    let mut cmd = Command::new("keepassxc-cli");
    cmd.args(["export", "--format", "xml"])
        .arg(path)
        .env("LC_ALL", "C.UTF-8")
        .env_remove("LANGUAGE");
    let out = tool::run(cmd, &stdin, "apt-get install keepassxc, or keepassxc.org")?;
    if !out.ok {
        return Err(failure(&shown, &out));
    }
    let xml = std::str::from_utf8(&out.stdout).map_err(|_| {
        Error::invalid(
            format!("keepassxc-cli exported {shown} as text that is not UTF-8"),
            "check the database with `keepassxc-cli db-info`",
        )
    })?;
    let doc = Document::parse(xml).map_err(|e| {
        Error::invalid(
            format!("cannot parse the XML keepassxc-cli exported from {shown} ({e})"),
            "check the database with `keepassxc-cli db-info`",
        )
    })?;
    items(&doc)
}

/// The error for a failed export: a wrong passphrase (exit 3) or the tool's own words.
fn failure(shown: &str, out: &tool::Output) -> Error {
    if out.stderr.contains("Invalid credentials") {
        return Error::SourceLocked {
            file: shown.to_string(),
            fix: "the KeePassXC database did not open; give its passphrase in \
                  DEVVAULT_IMPORT_PASSPHRASE_FILE or DEVVAULT_IMPORT_PASSPHRASE, or type it"
                .into(),
        };
    }
    Error::invalid(
        format!(
            "keepassxc-cli cannot export {shown}: {}",
            out.said(|l| !l.starts_with("Enter password"))
        ),
        "check that it is a KeePassXC database (`keepassxc-cli db-info FILE`); a key file or \
         YubiKey is not supported: export it to XML with KeePassXC and remove that first",
    )
}

/// Every entry below the document's top group.
fn items(doc: &Document<'_>) -> Result<Vec<Item>> {
    let root = doc.root_element();
    let bin = child(root, "Meta")
        .and_then(|m| child(m, "RecycleBinUUID"))
        .and_then(|n| n.text())
        .filter(|u| !u.trim_matches(['A', '=']).is_empty())
        .map(str::to_string);
    let mut out = Vec::new();
    let top = child(root, "Root").and_then(|r| child(r, "Group"));
    if let Some(top) = top {
        group(top, &mut Vec::new(), bin.as_deref(), &mut out)?;
    }
    Ok(out)
}

/// The entries of `node` and its subgroups, `path` holding the group names above.
fn group<'a>(
    node: Node<'a, 'a>,
    path: &mut Vec<&'a str>,
    bin: Option<&str>,
    out: &mut Vec<Item>,
) -> Result<()> {
    for c in node.children().filter(Node::is_element) {
        match c.tag_name().name() {
            "Entry" => entry(c, path, out)?,
            "Group" => {
                let uuid = child(c, "UUID").and_then(|n| n.text());
                if bin.is_some() && uuid == bin {
                    continue;
                }
                path.push(child(c, "Name").and_then(|n| n.text()).unwrap_or(""));
                group(c, path, bin, out)?;
                path.pop();
            }
            _ => {}
        }
    }
    Ok(())
}

/// One entry's items: the password, then each extra attribute with a value.
fn entry(node: Node<'_, '_>, path: &[&str], out: &mut Vec<Item>) -> Result<()> {
    let strings: Vec<(&str, &str)> = node
        .children()
        .filter(|c| c.has_tag_name("String"))
        .map(|s| {
            let text = |tag| child(s, tag).and_then(|n| n.text()).unwrap_or("");
            (text("Key"), text("Value"))
        })
        .collect();
    let get = |key: &str| {
        strings
            .iter()
            .find(|(k, _)| *k == key)
            .map_or("", |(_, v)| *v)
    };
    let title = get("Title");
    let note = super::note(&[
        ("user", get("UserName")),
        ("url", get("URL")),
        ("", get("Notes")),
    ]);
    let place = path.iter().chain([&title]).copied().collect::<Vec<_>>();
    let name = place.join("/");
    let password = get("Password");
    if !password.is_empty() {
        out.push(super::item(
            format!("{name} (password)"),
            &place,
            SecretValue::new(password.to_string()),
            note.clone(),
        )?);
    }
    for (field, value) in strings
        .iter()
        .filter(|(k, v)| !STANDARD.contains(k) && !v.is_empty())
    {
        let parts: Vec<&str> = place.iter().chain([field]).copied().collect();
        out.push(super::item(
            format!("{name} ({field})"),
            &parts,
            SecretValue::new(value.to_string()),
            note.clone(),
        )?);
    }
    Ok(())
}

/// The first child element of `node` named `tag`.
fn child<'a, 'i>(node: Node<'a, 'i>, tag: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|c| c.has_tag_name(tag))
}

#[cfg(test)]
mod tests {
    use super::*;

    const XML: &str = r#"<KeePassFile><Meta><RecycleBinUUID>QmluQmluQmluQmluQmluQQ==</RecycleBinUUID></Meta>
<Root><Group><UUID>dG9w</UUID><Name>Passwords</Name>
<Entry><String><Key>Title</Key><Value>top</Value></String>
<String><Key>Password</Key><Value ProtectInMemory="True">a&amp;b</Value></String>
<History><Entry><String><Key>Title</Key><Value>top</Value></String>
<String><Key>Password</Key><Value>old</Value></String></Entry></History></Entry>
<Group><UUID>d29yaw==</UUID><Name>Work</Name>
<Entry><String><Key>Title</Key><Value>db</Value></String>
<String><Key>Password</Key><Value/></String>
<String><Key>port</Key><Value>5432</Value></String>
<String><Key>Notes</Key><Value>a
b</Value></String></Entry></Group>
<Group><UUID>QmluQmluQmluQmluQmluQQ==</UUID><Name>Recycle Bin</Name>
<Entry><String><Key>Title</Key><Value>gone</Value></String>
<String><Key>Password</Key><Value>x</Value></String></Entry></Group>
</Group></Root></KeePassFile>"#;

    #[test]
    fn groups_titles_and_attributes_map_history_and_bin_do_not() {
        let doc = Document::parse(XML).unwrap();
        let items = items(&doc).unwrap();
        let got: Vec<(&str, &str, Option<&str>)> = items
            .iter()
            .map(|i| (i.key.as_str(), i.value.expose_secret(), i.note.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("TOP", "a&b", None),
                ("WORK_DB_PORT", "5432", Some("a / b")),
            ]
        );
        assert_eq!(items[1].origin, "Work/db (port)");
    }
}
