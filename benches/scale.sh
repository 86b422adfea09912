#!/usr/bin/env bash
# Whole-process figures at scale, on the vaults of 10^4, 10^5 and 10^6 secrets that
# `cargo bench --bench scale` builds (through the library, one transaction per 200-key
# scope) in $CARGO_TARGET_DIR/scale-vaults: per vault, the file size and bytes per secret,
# where those bytes go (SQLite's dbstat: each table and index), `devvault export` of one
# 200-key scope through the session unlock (hyperfine median) and its peak memory
# (/usr/bin/time, maximum resident set; no Argon2: the session unlock skips it).
# Usage: bash benches/scale.sh      Needs: hyperfine sqlite3 time (Debian).
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in hyperfine sqlite3 python3; do
    command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install hyperfine sqlite3" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "missing /usr/bin/time: apt-get install time" >&2; exit 1; }
target=${CARGO_TARGET_DIR:-$PWD/target}
dir=$target/scale-vaults
ls "$dir"/*.db >/dev/null 2>&1 || { echo "no vaults in $dir: run cargo bench --bench scale first" >&2; exit 1; }
cargo build --release -q
host=$(rustc -vV | sed -n "s/^host: //p")  # .cargo/config.toml builds for target/<host tuple>/
bin=$target/$host/release/devvault
export DEVVAULT_PASSPHRASE="correct horse battery staple"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
envs=(dev staging prod)

echo "| secrets | file | bytes per secret | export of 200 keys (median) | export peak RSS |"
echo "|---:|---:|---:|---:|---:|"
for db in $(ls "$dir"/*.db | sort -V); do
    n=$(basename "$db" .db)
    s=$(( n / 200 / 2 ))
    scope=$(printf 'service-%04d/%s' $(( s / 3 )) "${envs[$(( s % 3 ))]}")
    export DEVVAULT_VAULT=$db
    "$bin" unlock --for 10m >/dev/null 2>&1
    hyperfine -N --warmup 5 --runs "${RUNS:-50}" --export-json "$work/h.json" \
        -n "export $n" "$bin export $scope" >/dev/null 2>&1
    rss=$(/usr/bin/time -f %M "$bin" export "$scope" 2>&1 >/dev/null | tail -1)
    "$bin" lock >/dev/null 2>&1
    size=$(stat -c %s "$db")
    python3 - "$work/h.json" "$n" "$size" "$rss" <<'PY'
import json, sys
h, n, size, rss = json.load(open(sys.argv[1]))["results"][0], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
print(f"| {n:,} | {size / 1e6:.1f} MB | {size / n:.0f} | {h['median'] * 1000:.2f} ms | {rss / 1024:.1f} MB |")
PY
    sqlite3 "$db" "SELECT name, SUM(pgsize), SUM(unused) FROM dbstat GROUP BY name ORDER BY 2 DESC" \
        > "$work/dbstat-$n.txt"
done
echo
echo "Where the bytes go (bytes per secret: table or index, of which unused page space):"
for f in $(ls "$work"/dbstat-*.txt | sort -V); do
    n=${f##*/dbstat-}; n=${n%.txt}
    awk -F'|' -v n="$n" 'BEGIN { printf "- %s secrets:", n }
        $2 / n >= 1 { printf " %s %.0f (%.0f unused);", $1, $2 / n, $3 / n } END { print "" }' "$f"
done
