#!/usr/bin/env bash
# Scan benchmark (issue 6): 10,000 files / 100 MB of text against a vault of 1,000 values,
# with 10 planted leaks that must all be found. Prints the wall time of `devvault scan`.
#   benches/scan.sh                 # uses target/<host tuple>/release/devvault (cargo build --release)
#   DEVVAULT_BIN=path benches/scan.sh
set -euo pipefail
BIN=${DEVVAULT_BIN:-${CARGO_TARGET_DIR:-target}/$(rustc -vV | sed -n "s/^host: //p")/release/devvault}
BIN=$(realpath "$BIN")
FILES=${SCAN_FILES:-10000}
VALUES=${SCAN_VALUES:-1000}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export DEVVAULT_VAULT="$WORK/vault.db" DEVVAULT_PASSPHRASE="bench passphrase 1234"
"$BIN" init --kdf-memory 19MiB --kdf-time 2 --kdf-parallelism 1 2>/dev/null
python3 - "$WORK" "$FILES" "$VALUES" <<'PY'
import os, random, string, sys
work, files, values = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(6)
def word(n): return ''.join(rnd.choice(string.ascii_letters + string.digits) for _ in range(n))
vals = [f"sk_{word(24)}" for _ in range(values)]
with open(f"{work}/bench.env", "w") as f:
    for i, v in enumerate(vals):
        f.write(f"KEY_{i}={v}\n")
tree = f"{work}/tree"
line = (word(60) + " ") * 1 + "\n"
block = "".join(word(rnd.randint(20, 90)) + "\n" for _ in range(200))
for i in range(files):
    d = f"{tree}/d{i % 100:02d}/e{i % 7}"
    os.makedirs(d, exist_ok=True)
    body = (block * 6)[: 10 * 1024]
    if i % 1000 == 0:  # 10 planted leaks
        body = body[:5000] + f"\nTOKEN={vals[i % values]}\n" + body[5000:]
    with open(f"{d}/f{i}.txt", "w") as f:
        f.write(body)
PY
"$BIN" import bench/dev "$WORK/bench.env" >/dev/null
find "$WORK/tree" -type f -printf "%s\n" | awk '{s+=$1} END {printf "bytes: %.1f MB\n", s/1e6}'
find "$WORK/tree" -type f | wc -l | sed 's/^/files: /'
sync
start=$(date +%s.%N)
set +e
found=$("$BIN" scan "$WORK/tree" 2>/dev/null | wc -l)
code=$?
set -e
end=$(date +%s.%N)
echo "findings: $found (expected 10)"
python3 -c "print(f'scan: {$end - $start:.2f} s')"
[ "$found" -eq 10 ]
