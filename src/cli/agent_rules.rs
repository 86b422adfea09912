//! `devvault agent-rules`: a short block for a repository's `AGENTS.md` or `CLAUDE.md`
//! telling coding agents how to work with this repository's secrets without seeing them.

use anyhow::Result;
use clap::Args;

#[derive(Args, Debug)]
pub struct AgentRules {}

/// The block, in Markdown.
pub const RULES: &str = "\
## Secrets: devvault

This repository's secrets live in devvault, not in files. Work with them without seeing them:

- Never read, open, print, grep or copy `.env`, `.env.*` or any other file that holds secrets,
  and never ask for a secret's value or write one into code, a file or this conversation.
- Run anything that needs secrets through devvault, with its output redacted:
  `devvault run --redact -- <command>` (for example `devvault run --redact -- npm test`).
  Values reach the command's environment; any value in its output shows as `[devvault:KEY]`.
- To learn which secrets exist, use the devvault MCP tools (`devvault mcp`: scopes, key names
  and metadata, whether keys exist, allowed commands) or `devvault ls` (names only).
- If a secret is missing, ask the user to add it (`devvault set KEY`); do not invent one.
- If a secret value ever appears in a transcript or output, do not repeat it: tell the user to
  run `devvault scan --agents --redact` and to rotate the key.
";

impl AgentRules {
    pub fn run(&self, _ctx: &super::Ctx) -> Result<()> {
        crate::os::console::product(RULES.as_bytes())?;
        Ok(())
    }
}
