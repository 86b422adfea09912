//! The Model Context Protocol's stdio transport for `devvault mcp`: JSON-RPC 2.0, one
//! message per line on stdin, one answer per line on stdout, in a blocking loop (no async
//! runtime). Speaks the `initialize` handshake (protocol revisions 2024-11-05 to
//! 2025-11-25), `ping`, `tools/list` and `tools/call`; notifications are taken and not
//! answered. A line longer than [`MAX_LINE`] is refused and skipped, never buffered whole.

use crate::Vault;
use anyhow::Result;
use serde_json::{Value, json};
use std::io::{BufRead, Read};

/// The longest request line taken.
const MAX_LINE: u64 = 1 << 20;

/// The revisions the handshake can agree on; a client asking for another gets the newest.
const VERSIONS: [&str; 4] = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"];

/// Answers requests until stdin ends.
pub fn serve(mut vault: Vault) -> Result<()> {
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = input.by_ref().take(MAX_LINE).read_until(b'\n', &mut line)?;
        if n == 0 {
            return Ok(());
        }
        if !line.ends_with(b"\n") && n as u64 == MAX_LINE {
            skip_line(&mut input)?;
            send(&error(
                Value::Null,
                -32700,
                "the message is longer than 1 MiB",
            ))?;
            continue;
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        if let Some(answer) = answer(&mut vault, &line) {
            send(&answer)?;
        }
    }
}

/// Reads up to the end of an over-long line.
fn skip_line(input: &mut impl BufRead) -> Result<()> {
    loop {
        let buf = input.fill_buf()?;
        if buf.is_empty() {
            return Ok(());
        }
        match buf.iter().position(|&b| b == b'\n') {
            Some(i) => {
                input.consume(i + 1);
                return Ok(());
            }
            None => {
                let n = buf.len();
                input.consume(n);
            }
        }
    }
}

fn send(v: &Value) -> Result<()> {
    let mut text = serde_json::to_vec(v)?;
    text.push(b'\n');
    crate::os::console::product(&text)
}

/// The answer to one message, or None for a notification.
fn answer(vault: &mut Vault, line: &[u8]) -> Option<Value> {
    let msg: Value = match serde_json::from_slice(line) {
        Ok(v) => v,
        Err(_) => return Some(error(Value::Null, -32700, "not JSON")),
    };
    let id = msg.get("id").cloned();
    let method = msg.get("method").and_then(Value::as_str);
    let (Some(id), Some(method)) = (id, method) else {
        // A notification (no id) or an answer to a request we never make.
        return match msg.get("method") {
            Some(_) => None,
            None if msg.get("id").is_some() => None,
            None => Some(error(Value::Null, -32600, "not a JSON-RPC request")),
        };
    };
    let params = msg.get("params").cloned().unwrap_or(Value::Null);
    Some(match method {
        "initialize" => ok(id, initialize(&params)),
        "ping" => ok(id, json!({})),
        "tools/list" => ok(id, json!({ "tools": super::mcp_tools::list() })),
        "tools/call" => match super::mcp_tools::call(vault, &params) {
            Ok(result) => ok(id, result),
            Err(msg) => error(id, -32602, &msg),
        },
        _ => error(id, -32601, &format!("devvault has no method `{method}`")),
    })
}

fn initialize(params: &Value) -> Value {
    let asked = params.get("protocolVersion").and_then(Value::as_str);
    let version = asked
        .filter(|v| VERSIONS.contains(v))
        .unwrap_or(VERSIONS[VERSIONS.len() - 1]);
    json!({
        "protocolVersion": version,
        "capabilities": { "tools": { "listChanged": false } },
        "serverInfo": { "name": "devvault", "version": env!("CARGO_PKG_VERSION") },
        "instructions": "devvault holds this project's secrets. Its tools give key names and \
    metadata, never values: check keys exist, and run the commands the user allowed with a scope \
    injected (output redacted as [devvault:KEY]). Never read .env files.",
    })
}

fn ok(id: Value, result: Value) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "result": result })
}

fn error(id: Value, code: i64, message: &str) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } })
}
