#!/usr/bin/env bash
# `run --redact` throughput (issue 22): `cat` of a 1 GB file through `devvault run --redact`
# against the same `cat` through a `cat | cat` relay (one more process in the pipe), both
# into /dev/null, with hyperfine. The target: --redact at no less than half the relay's
# speed. The scope holds 20 values of 24-40 bytes (so about 20 x 14 patterns with their
# encoded forms), none of which occurs in the file.
#   cargo build --release && bash benches/redact.sh
#   DEVVAULT_BIN=path REDACT_MB=1000 bash benches/redact.sh
set -euo pipefail
BIN=${DEVVAULT_BIN:-${CARGO_TARGET_DIR:-target}/$(rustc -vV | sed -n "s/^host: //p")/release/devvault}
BIN=$(realpath "$BIN")
MB=${REDACT_MB:-1000}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export DEVVAULT_VAULT="$WORK/vault.db" DEVVAULT_PASSPHRASE="bench passphrase 1234"
"$BIN" init --kdf-memory 19MiB --kdf-time 2 --kdf-parallelism 1 2>/dev/null
python3 - "$WORK" "$MB" <<'PY'
import random, string, sys
work, mb = sys.argv[1], int(sys.argv[2])
rnd = random.Random(22)
def word(n): return ''.join(rnd.choice(string.ascii_letters + string.digits + "/+_-") for _ in range(n))
with open(f"{work}/bench.env", "w") as f:
    for i in range(20):
        f.write(f"KEY_{i}=sk_{word(rnd.randint(21, 37))}\n")
# Log-like text: lines of words, numbers and punctuation (no value).
block = "".join(
    f"2026-11-30T12:00:{i % 60:02d}Z INFO request id={word(16)} path=/api/v1/{word(8)} took {rnd.randint(1, 999)}ms\n"
    for i in range(4096)
).encode()
with open(f"{work}/big.log", "wb") as f:
    left = mb * 1000 * 1000
    while left > 0:
        f.write(block[:left])
        left -= len(block)
PY
"$BIN" import bench/dev "$WORK/bench.env" >/dev/null 2>&1
# One unlock for every run below: the session unlock, so Argon2id is not timed.
"$BIN" unlock --for 10m >/dev/null 2>&1
unset DEVVAULT_PASSPHRASE
ls -l "$WORK/big.log" | awk '{printf "file: %.0f MB\n", $5/1e6}'
# Correctness first: the output is the file, byte for byte.
"$BIN" run --redact bench/dev -- cat "$WORK/big.log" | cmp - "$WORK/big.log"
hyperfine --warmup 1 --runs "${REDACT_RUNS:-5}" \
    -n 'cat | cat' "cat $WORK/big.log | cat >/dev/null" \
    -n 'run --redact cat' "$BIN run --redact bench/dev -- cat $WORK/big.log >/dev/null" \
    -n 'run cat (no redaction)' "$BIN run bench/dev -- cat $WORK/big.log >/dev/null"
# Bad input: 1 GB without a newline; devvault's peak memory (VmHWM, read by the child from
# its parent) stays where it starts.
for mb in 1 "$MB"; do
    printf 'no newline, %5s MB: ' "$mb"
    "$BIN" run --redact bench/dev -- sh -c \
        "head -c ${mb}000000 /dev/zero | tr '\\0' x; grep VmHWM /proc/\$PPID/status >&2" 2>&1 >/dev/null |
        grep VmHWM
done
"$BIN" lock >/dev/null 2>&1
