"""The MCP test client: the real `mcp` SDK drives `devvault mcp` over stdio.

Usage: client.py DEVVAULT_BINARY SCOPE EXAMPLE_FILE ALLOWED_JSON REFUSED_JSON
Prints one JSON object: the tool names, and every tool's answer (text and isError).
"""

import asyncio
import json
import os
import sys

from mcp import ClientSession, StdioServerParameters, stdio_client


async def main() -> None:
    binary, scope, example, allowed, refused = sys.argv[1:6]
    params = StdioServerParameters(
        command=binary,
        args=["mcp"],
        env={k: v for k, v in os.environ.items() if k.startswith("DEVVAULT_") or k == "HOME"},
    )
    out = {}
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            out["server"] = init.server_info.name
            out["protocol"] = init.protocol_version
            tools = await session.list_tools()
            out["tools"] = sorted(t.name for t in tools.tools)
            calls = {
                "list_scopes": ("list_scopes", {}),
                "list_keys": ("list_keys", {"scope": scope}),
                "check_keys": ("check_keys", {"scope": scope, "example_file": example, "keys": ["TOKEN"]}),
                "run_allowed": ("run", {"scope": scope, "command": json.loads(allowed), "timeout_seconds": 20}),
                "run_refused": ("run", {"scope": scope, "command": json.loads(refused)}),
                "run_timeout": ("run", {"scope": scope, "command": ["sleep", "30"], "timeout_seconds": 1}),
            }
            for label, (name, args) in calls.items():
                r = await session.call_tool(name, args)
                out[label] = {
                    "text": "".join(c.text for c in r.content if c.type == "text"),
                    "isError": r.is_error,
                }
    print(json.dumps(out))


asyncio.run(main())
