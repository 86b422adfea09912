//! Unit and property tests for `format`.
use super::*;
use proptest::prelude::*;

fn run(format: ExportFormat, pairs: &[(&str, &str)]) -> Result<Rendered> {
    let owned: Vec<(KeyName, SecretValue)> = pairs
        .iter()
        .map(|(k, v)| (KeyName::new(k).unwrap(), SecretValue::from(*v)))
        .collect();
    let refs: Vec<_> = owned.iter().map(|(k, v)| (k, v)).collect();
    render(format, &Scope::parse("my_app/prod").unwrap(), &refs)
}

fn text(format: ExportFormat, pairs: &[(&str, &str)]) -> String {
    run(format, pairs).unwrap().text.to_string()
}

const PAIRS: &[(&str, &str)] = &[("B", "it's \"q\"\n"), ("A", "x\u{2028}\u{1}")];

#[test]
fn names_parse_back_and_bad_names_are_listed() {
    for f in ExportFormat::ALL {
        assert_eq!(f.name().parse::<ExportFormat>().unwrap(), f);
    }
    let e = "toml".parse::<ExportFormat>().unwrap_err().to_string();
    assert!(e.contains("`toml`") && e.contains("dotenv, shell, json, yaml, docker, k8s"));
}

#[test]
fn golden_outputs() {
    use ExportFormat::*;
    assert_eq!(
        text(Dotenv, PAIRS),
        "A='x\u{2028}\u{1}'\nB=\"it's \\\"q\\\"\\n\"\n"
    );
    assert_eq!(
        text(Shell, PAIRS),
        "export A='x\u{2028}\u{1}'\nexport B='it'\\''s \"q\"\n'\n"
    );
    assert_eq!(
        text(Json, PAIRS),
        "{\n  \"A\": \"x\u{2028}\\u0001\",\n  \"B\": \"it's \\\"q\\\"\\n\"\n}\n"
    );
    assert_eq!(
        text(Yaml, PAIRS),
        "\"A\": \"x\\L\\x01\"\n\"B\": \"it's \\\"q\\\"\\n\"\n"
    );
    assert_eq!(
        text(Docker, &[("B", " b "), ("A", "a=1 # x")]),
        "A=a=1 # x\nB= b \n"
    );
    let head = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: my-app-prod\n  labels:\n    \
                app.kubernetes.io/managed-by: devvault\ntype: Opaque\nstringData:";
    assert_eq!(text(K8s, &[]), format!("{head} {{}}\n"));
    assert_eq!(
        text(K8s, &[("A", "\u{85}\u{feff}\x7f")]),
        format!("{head}\n  \"A\": \"\\N\\uFEFF\\x7F\"\n")
    );
    assert_eq!(text(Yaml, &[]), "{}\n");
    assert_eq!(text(Json, &[]), "{}\n");
}

#[test]
fn k8s_names_are_dns_subdomains() {
    let name = |s: &str| k8s_name(&Scope::parse(s).unwrap());
    assert_eq!(name("my_app/dev"), "my-app-dev");
    assert_eq!(name("a.-b_/x."), "a.b--x");
    assert_eq!(name("9/z"), "9-z");
    // A scope stored before the 64-byte limit still gets a valid name.
    let long = Scope::parse_stored(&format!("{}/p", "a".repeat(300))).unwrap();
    assert_eq!(k8s_name(&long), "a".repeat(253));
}

#[test]
fn refusals_name_the_key_never_the_value() {
    let cases = [
        (
            ExportFormat::Shell,
            ("db.url", "canary"),
            "key `db.url` cannot be a shell",
        ),
        (
            ExportFormat::Shell,
            ("NUL", "can\0ary"),
            "the value of `NUL` holds a NUL",
        ),
        (
            ExportFormat::Docker,
            ("PEM", "canary\nline"),
            "the value of `PEM` spans",
        ),
        (
            ExportFormat::Docker,
            ("CR", "canary\r"),
            "the value of `CR` spans",
        ),
        (
            ExportFormat::Docker,
            ("NUL", "can\0ary"),
            "the value of `NUL` holds a NUL",
        ),
    ];
    for (f, pair, want) in cases {
        let e = run(f, &[("OK", "fine"), pair]).err().unwrap().to_string();
        assert!(e.starts_with(want), "{e}");
        assert!(!e.contains("canary") && !e.contains("can\0ary"), "{e}");
    }
}

#[test]
fn docker_names_every_multi_line_key() {
    let pairs = [("A", "one"), ("B", "x\ny"), ("C", "two"), ("D", "z\r")];
    let e = run(ExportFormat::Docker, &pairs).err().unwrap().to_string();
    assert!(
        e.starts_with("the values of `B`, `D` span several lines"),
        "{e}"
    );
}

#[test]
fn dotenv_warns_by_key_and_writes_python_only_values_last() {
    let r = run(ExportFormat::Dotenv, &[("A", "\"end's\\"), ("B", "b")]).unwrap();
    // A's closing quote follows `\\`: the guard comment stops npm dotenv there.
    assert_eq!(
        r.text.as_str(),
        format!("B='b'\nA=\"\\\"end's\\\\\"\n{}", crate::dotenv::GUARD)
    );
    assert_eq!(r.warnings.len(), 1);
    assert_eq!(
        r.warnings[0],
        "`A`: read differently by npm dotenv and node (--env-file, process.loadEnvFile)"
    );
    assert!(!r.warnings[0].contains("end"));
}

/// Reads `export K='..'\''..'` lines back the way a POSIX shell does.
fn unshell(line: &str) -> String {
    let body = line.split_once("='").unwrap().1.strip_suffix('\'').unwrap();
    body.split("'\\''").collect::<Vec<_>>().join("'")
}

/// Undoes `yaml_quoted` with the YAML 1.1 escape table.
fn unyaml(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s
        .strip_prefix('"')
        .unwrap()
        .strip_suffix('"')
        .unwrap()
        .chars();
    while let Some(c) = chars.next() {
        assert!(c != '"' && !c.is_control() && !"\u{2028}\u{2029}\u{feff}".contains(c));
        if c != '\\' {
            out.push(c);
            continue;
        }
        let e = chars.next().unwrap();
        let hex = |n: usize, chars: &mut std::str::Chars| {
            let h: String = chars.by_ref().take(n).collect();
            char::from_u32(u32::from_str_radix(&h, 16).unwrap()).unwrap()
        };
        out.push(match e {
            '0' => '\0',
            'a' => '\x07',
            'b' => '\x08',
            't' => '\t',
            'n' => '\n',
            'v' => '\x0b',
            'f' => '\x0c',
            'r' => '\r',
            'e' => '\x1b',
            'N' => '\u{85}',
            'L' => '\u{2028}',
            'P' => '\u{2029}',
            'x' => hex(2, &mut chars),
            'u' => hex(4, &mut chars),
            '"' | '\\' => e,
            _ => panic!("unknown escape {e:?}"),
        });
    }
    out
}

proptest! {
    #[test]
    fn every_format_reads_back(v in any::<String>(), w in "[\\x00-\\x20'\"\\\\#=$\u{85}\u{2028}\u{fffe}\u{ffff}a]{0,12}") {
        let pairs = [("V", v.as_str()), ("W", w.as_str())];
        let dotenv_text = text(ExportFormat::Dotenv, &pairs);
        let back: Vec<String> = dotenv::parse(&dotenv_text, "x").unwrap().iter().map(|e| e.value.expose_secret().to_string()).collect();
        prop_assert!(back.contains(&v) && back.contains(&w));

        let json: std::collections::BTreeMap<String, String> =
            serde_json::from_str(&text(ExportFormat::Json, &pairs)).unwrap();
        prop_assert_eq!(&json["V"], &v);
        prop_assert_eq!(&json["W"], &w);

        let yaml = text(ExportFormat::Yaml, &pairs);
        let lines: Vec<&str> = yaml.lines().collect();
        prop_assert_eq!(lines.len(), 2);
        prop_assert_eq!(unyaml(lines[0].strip_prefix("\"V\": ").unwrap()), v.clone());
        prop_assert_eq!(unyaml(lines[1].strip_prefix("\"W\": ").unwrap()), w.clone());

        if !v.contains('\0') && !w.contains('\0') {
            let sh = text(ExportFormat::Shell, &pairs);
            let (a, b) = sh.strip_suffix("'\n").unwrap().split_once("'\nexport W=").unwrap();
            prop_assert_eq!(unshell(&format!("{a}'")), v);
            prop_assert_eq!(unshell(&format!("W={b}'")), w);
        }
    }
}
