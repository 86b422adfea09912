#!/usr/bin/env bash
# Sweep benchmark (issue 22): `devvault scan --agents` over 1 GB of Claude Code-style JSON-lines
# transcripts (100 files of 10 MB) against a vault of 1,000 values, 10 planted leaks (raw, JSON-
# escaped and base64) that must all be found. Prints the wall time (target: under 2 s).
#   benches/sweep.sh                # uses target/<host tuple>/release/devvault (cargo build --release)
#   DEVVAULT_BIN=path SWEEP_MB=1000 SWEEP_RUNS=5 benches/sweep.sh   # then hyperfine's mean of 5 runs
set -euo pipefail
BIN=${DEVVAULT_BIN:-${CARGO_TARGET_DIR:-target}/$(rustc -vV | sed -n "s/^host: //p")/release/devvault}
BIN=$(realpath "$BIN")
MB=${SWEEP_MB:-1000}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export HOME="$WORK/home" DEVVAULT_VAULT="$WORK/vault.db" DEVVAULT_PASSPHRASE="bench passphrase 1234"
mkdir -p "$HOME"
cd "$WORK"
"$BIN" init --kdf-memory 19MiB --kdf-time 2 --kdf-parallelism 1 2>/dev/null
python3 - "$WORK" "$MB" <<'PY'
import base64, json, os, random, string, sys
work, mb = sys.argv[1], int(sys.argv[2])
rnd = random.Random(22)
def word(n): return ''.join(rnd.choice(string.ascii_letters + string.digits) for _ in range(n))
vals = [f"sk_{word(24)}" for _ in range(1000)]
with open(f"{work}/bench.env", "w") as f:
    for i, v in enumerate(vals):
        f.write(f"KEY_{i}={v}\n")
lines = [json.dumps({"type": "assistant", "message": {"content": " ".join(word(rnd.randint(3, 12)) for _ in range(rnd.randint(10, 200)))}}) + "\n" for _ in range(2000)]
block = "".join(lines)
files = 100
per = mb * 1_000_000 // files
d = f"{work}/home/.claude/projects/-bench"
os.makedirs(d, exist_ok=True)
for i in range(files):
    body = (block * (per // len(block) + 1))[:per]
    if i % 10 == 0:
        v = vals[i]
        leak = [f"TOKEN={v}", json.dumps(f"k=\"{v}\"")[1:-1], base64.b64encode(f"T={v}\n".encode()).decode()][i % 3]
        cut = body.index("\n", per // 2) + 1
        body = body[:cut] + json.dumps({"type": "tool_result", "content": leak}) + "\n" + body[cut:]
    with open(f"{d}/s{i:03d}.jsonl", "w") as f:
        f.write(body)
PY
"$BIN" import bench/dev "$WORK/bench.env" >/dev/null
du -sb "$HOME/.claude" | awk '{printf "bytes: %.1f MB\n", $1/1e6}'
sync
start=$(date +%s.%N)
set +e
found=$("$BIN" scan --agents 2>/dev/null | wc -l)
set -e
end=$(date +%s.%N)
echo "findings: $found (expected 10)"
python3 -c "print(f'sweep: {$end - $start:.2f} s')"
[ "$found" -eq 10 ]
# The mean over several runs (the sweep exits 1: it found leaks).
if [ "${SWEEP_RUNS:-5}" -gt 0 ] && command -v hyperfine >/dev/null; then
    hyperfine -i --warmup 1 --runs "${SWEEP_RUNS:-5}" -n 'scan --agents, 1 GB' "$BIN scan --agents"
fi
