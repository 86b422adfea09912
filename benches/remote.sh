#!/usr/bin/env bash
# How long a 1,000-key scope takes to push to, and pull from, an OpenBao server on
# loopback (the target is under 2 s each). Run it beside a dev server:
#   .ci/bao-session bash benches/remote.sh [KEYS] [RUNS]    (default 1000 keys, 3 runs)
# Each run: developer A imports KEYS keys (64-byte values) and pushes them; developer B
# pulls them into an empty vault. Each time is one whole `devvault push` / `pull` process
# (unlock at the Argon2id floor, read, HTTP, write). Uses $DEVVAULT_BIN, else builds
# target/<host tuple>/release/devvault. Prints one line per run; commit the script, not results.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DEVVAULT_TEST_BAO_ADDR:?run under .ci/bao-session}"
keys=${1:-1000}
runs=${2:-3}
bin=${DEVVAULT_BIN:-}
if [ -z "$bin" ]; then
    cargo build --release -q
    bin=${CARGO_TARGET_DIR:-target}/$(rustc -vV | sed -n "s/^host: //p")/release/devvault
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# VAULT_ADDR names the server: devvault sends VAULT_TOKEN only to the remote it names.
export DEVVAULT_PASSPHRASE="bench passphrase 1234" VAULT_TOKEN=$DEVVAULT_TEST_BAO_TOKEN VAULT_ADDR=$DEVVAULT_TEST_BAO_ADDR HOME=$work
unset VAULT_NAMESPACE VAULT_CACERT VAULT_SKIP_VERIFY
python3 -c "
import sys
for i in range($keys): print(f'SERVICE_{i:04}_API_KEY=' + format(i * 7919, '064x'))
" >"$work/big.env"
ms() { python3 -c 'import time; print(int(time.monotonic() * 1000))'; }
for run in $(seq "$runs"); do
    for dev in a b; do
        "$bin" --vault "$work/$run$dev.db" init --kdf-memory 19MiB --kdf-time 2 --kdf-parallelism 1 2>/dev/null
        "$bin" --vault "$work/$run$dev.db" remote add team "$DEVVAULT_TEST_BAO_ADDR" --prefix "bench-$$-$run" 2>/dev/null
    done
    "$bin" --vault "$work/${run}a.db" import big/prod "$work/big.env" >/dev/null 2>&1
    t0=$(ms); "$bin" --vault "$work/${run}a.db" push big/prod 2>/dev/null
    t1=$(ms); "$bin" --vault "$work/${run}b.db" pull big/prod 2>/dev/null
    t2=$(ms)
    n=$("$bin" --vault "$work/${run}b.db" export big/prod --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
    echo "run $run: push $keys keys $((t1 - t0)) ms, pull $((t2 - t1)) ms ($n keys pulled)"
done
