//! The tools of `devvault mcp`: `list_scopes`, `list_keys` (names and metadata),
//! `check_keys` (which keys a scope has, e.g. those of a `.env.example`) and `run` (a
//! command the user allowed with `devvault mcp allow`, its output redacted, in
//! `mcp_run.rs`). None returns or sets a value or changes the vault; each call is recorded
//! in the audit log as an `agent` event.

use super::mcp_run::Outcome;
use crate::audit::{Event, EventKind};
use crate::{KeyName, Scope, Vault};
use serde_json::{Value, json};

/// The tool descriptions for `tools/list`.
pub fn list() -> Value {
    let scope = json!({ "type": "string", "description": "project/env, e.g. app/dev" });
    json!([
        {
            "name": "list_scopes",
            "description": "List the vault's scopes (project/env). Names only.",
            "inputSchema": { "type": "object", "properties": {} }
        },
        {
            "name": "list_keys",
            "description": "List a scope's key names with their metadata (versions, dates, rotation status). Never values.",
            "inputSchema": { "type": "object", "properties": { "scope": scope }, "required": ["scope"] }
        },
        {
            "name": "check_keys",
            "description": "Check which keys exist in a scope: the names given, and/or those of a .env.example file. Answers present and missing names only.",
            "inputSchema": {
                "type": "object",
                "properties": {
                    "scope": scope,
                    "keys": { "type": "array", "items": { "type": "string" } },
                    "example_file": { "type": "string", "description": "a .env.example path" }
                },
                "required": ["scope"]
            }
        },
        {
            "name": "run",
            "description": "Run a command the user allowed for the scope (`devvault mcp allow SCOPE -- CMD`) with the scope's secrets in its environment. Its output comes back with every secret replaced by [devvault:KEY].",
            "inputSchema": {
                "type": "object",
                "properties": {
                    "scope": scope,
                    "command": { "type": "array", "items": { "type": "string" }, "description": "the program and its arguments, exactly as allowed" },
                    "timeout_seconds": { "type": "integer", "minimum": 1, "maximum": super::mcp_run::MAX_TIMEOUT, "description": "default 60" }
                },
                "required": ["scope", "command"]
            }
        }
    ])
}

/// Runs one `tools/call`: Ok is the MCP result (a tool failure is a result with `isError`),
/// Err a bad request (an unknown tool).
pub fn call(vault: &mut Vault, params: &Value) -> Result<Value, String> {
    let name = params.get("name").and_then(Value::as_str).unwrap_or("");
    let args = params.get("arguments").cloned().unwrap_or(json!({}));
    let scope = args.get("scope").and_then(Value::as_str);
    let outcome = match name {
        "list_scopes" => list_scopes(vault),
        "list_keys" => with_scope(scope, |s| list_keys(vault, s)),
        "check_keys" => with_scope(scope, |s| check_keys(vault, s, &args)),
        "run" => with_scope(scope, |s| super::mcp_run::run(vault, s, &args)),
        _ => return Err(format!("devvault has no tool `{name}`")),
    };
    let parsed = scope.and_then(|s| Scope::parse(s).ok());
    let word = match &outcome {
        Ok(o) => o.detail.clone(),
        Err(e) => format!("refused: {e}"),
    };
    let mut event = Event::new(EventKind::Agent).detail(format!("mcp {name}: {word}"));
    if let Some(s) = &parsed {
        event = event.scope(s);
    }
    if let Err(e) = vault.audit_record(&event) {
        return Ok(failure(&format!(
            "the call could not be audited, so nothing is answered: {e}"
        )));
    }
    Ok(match outcome {
        Ok(o) => json!({ "content": [{ "type": "text", "text": o.text }], "isError": o.failed }),
        Err(e) => failure(&e),
    })
}

fn failure(text: &str) -> Value {
    let text = crate::text::Escaped::message(text).to_string();
    json!({ "content": [{ "type": "text", "text": text }], "isError": true })
}

fn with_scope(
    scope: Option<&str>,
    f: impl FnOnce(&Scope) -> Result<Outcome, String>,
) -> Result<Outcome, String> {
    let scope = scope.ok_or("the argument `scope` (project/env) is missing")?;
    let scope = Scope::parse(scope).map_err(|e| e.to_string())?;
    f(&scope)
}

fn list_scopes(vault: &mut Vault) -> Result<Outcome, String> {
    let scopes: Vec<String> = vault
        .scopes()
        .map_err(|e| e.to_string())?
        .iter()
        .map(ToString::to_string)
        .collect();
    let n = scopes.len();
    Outcome::json(&json!({ "scopes": scopes }), format!("{n} scopes"))
}

fn list_keys(vault: &mut Vault, scope: &Scope) -> Result<Outcome, String> {
    let keys = vault.list(scope).map_err(|e| e.to_string())?;
    let n = keys.len();
    Outcome::json(
        &json!({ "scope": scope.to_string(), "keys": keys }),
        format!("{n} keys"),
    )
}

fn check_keys(vault: &mut Vault, scope: &Scope, args: &Value) -> Result<Outcome, String> {
    let mut wanted: Vec<String> = Vec::new();
    if let Some(keys) = args.get("keys").and_then(Value::as_array) {
        for k in keys {
            let k = k.as_str().ok_or("`keys` must be a list of key names")?;
            KeyName::new(k).map_err(|e| e.to_string())?;
            wanted.push(k.to_string());
        }
    }
    if let Some(file) = args.get("example_file").and_then(Value::as_str) {
        for k in example_names(file)? {
            if !wanted.contains(&k) {
                wanted.push(k);
            }
        }
    }
    if wanted.is_empty() {
        return Err("give `keys` (a list of names) or `example_file` (a .env.example)".into());
    }
    let have: Vec<String> = match vault.list(scope) {
        Ok(list) => list.into_iter().map(|m| m.key.to_string()).collect(),
        Err(crate::Error::NotFound { .. }) => Vec::new(),
        Err(e) => return Err(e.to_string()),
    };
    let (present, missing): (Vec<String>, Vec<String>) =
        wanted.into_iter().partition(|k| have.contains(k));
    let detail = format!("{} present, {} missing", present.len(), missing.len());
    Outcome::json(
        &json!({ "scope": scope.to_string(), "present": present, "missing": missing }),
        detail,
    )
}

/// The key names of a `.env.example`; its values and any parse error's quote of the file
/// stay out of the answer (the path could name a file of secrets).
fn example_names(file: &str) -> Result<Vec<String>, String> {
    let meta = std::fs::metadata(file).map_err(|e| format!("cannot read {file}: {e}"))?;
    if meta.len() > 1 << 20 {
        return Err(format!("{file} is larger than 1 MiB: not a .env.example"));
    }
    let text = std::fs::read_to_string(file).map_err(|e| format!("cannot read {file}: {e}"))?;
    let entries = crate::dotenv::parse(&text, file)
        .map_err(|_| format!("{file} is not a .env file devvault can read"))?;
    Ok(entries.into_iter().map(|e| e.key.to_string()).collect())
}
