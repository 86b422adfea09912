#!/usr/bin/env bash
# The shell hook's cost (issue 21) against direnv, in one hyperfine run, through the kernel
# session unlock, on a 200-key scope:
#   devvault  entering a linked, allowed directory: bash evaluating `devvault hook bash --load`
#             (what the hook runs on entry: unlock from the session, check the allow
#             record, read and audit the scope, print the code)
#   direnv    entering a directory whose .envrc is `dotenv` on the same 200 keys: bash
#             evaluating `direnv export bash` (what direnv's hook runs at every prompt)
# Both run as `bash -c 'cd DIR && eval "$(...)"'`, so the bash start is in both. Then the
# cost of a prompt where nothing changed: the hook's shell function alone, 1000 times in
# one bash (no process is started).
# Usage: bash benches/hook.sh   (DEVVAULT_BIN=path picks the binary; default: a release
# build). Needs hyperfine, direnv, bash, python3. RUNS (200) sets the run count.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in hyperfine direnv bash python3; do
    command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install $tool" >&2; exit 1; }
done
if [ -z "${DEVVAULT_BIN-}" ]; then
    cargo build --release -q
    host=$(rustc -vV | sed -n "s/^host: //p")
    DEVVAULT_BIN=${CARGO_TARGET_DIR:-$PWD/target}/$host/release/devvault
fi
bin=$DEVVAULT_BIN
runs=${RUNS:-200}
work=$(mktemp -d)
cleanup() {
    "$bin" lock >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
export HOME=$work/home XDG_CONFIG_HOME=$work/home/.config XDG_DATA_HOME=$work/home/.local/share
export DEVVAULT_VAULT=$work/vault.db
unset DEVVAULT_PASSPHRASE_FILE DEVVAULT_PASSPHRASE_COMMAND DIRENV_DIR DIRENV_DIFF DIRENV_WATCHES
mkdir -p "$HOME/proj" "$HOME/envrc"
pass="bench passphrase 1234"
DEVVAULT_PASSPHRASE=$pass "$bin" init --kdf-memory 19MiB --kdf-time 2 --kdf-parallelism 1 2>/dev/null
DEVVAULT_PASSPHRASE=$pass "$bin" unlock --for 1h 2>/dev/null
python3 - "$HOME/envrc/.env" <<'PY'
import secrets, string, sys
alphabet = string.ascii_letters + string.digits
with open(sys.argv[1], "w") as f:
    for i in range(200):
        f.write(f"KEY_{i:03}='{''.join(secrets.choice(alphabet) for _ in range(40))}'\n")
PY
DEVVAULT_PASSPHRASE=$pass "$bin" import app "$HOME/envrc/.env" >/dev/null 2>&1
(cd "$HOME/proj" && "$bin" link app 2>/dev/null && DEVVAULT_PASSPHRASE=$pass "$bin" allow 2>/dev/null)
echo dotenv >"$HOME/envrc/.envrc"
(cd "$HOME/envrc" && direnv allow . 2>/dev/null)

# Both must load the 200 keys, or the comparison means nothing.
n=$(bash -c "__devvault_unload() { :; }; cd '$HOME/proj' && eval \"\$('$bin' hook bash --load 2>/dev/null)\" && env | grep -c '^KEY_'")
m=$(bash -c "cd '$HOME/envrc' && eval \"\$(direnv export bash 2>/dev/null)\" && env | grep -c '^KEY_'")
[ "$n" = 200 ] && [ "$m" = 200 ] || { echo "loaded $n keys with devvault, $m with direnv" >&2; exit 1; }

hyperfine -N --warmup 20 --runs "$runs" \
    -n "devvault hook (enter a linked dir, 200 keys)" \
    "bash -c \"__devvault_unload() { :; }; cd '$HOME/proj' && eval \\\"\\\$('$bin' hook bash --load 2>/dev/null)\\\"\"" \
    -n "direnv (enter a dir, .envrc: dotenv, 200 keys)" \
    "bash -c \"cd '$HOME/envrc' && eval \\\"\\\$(direnv export bash 2>/dev/null)\\\"\"" \
    -n "bash alone (start, cd: in both figures above)" \
    "bash -c \"cd '$HOME/proj'\""

echo
echo "a prompt where nothing changed (the hook's shell function, no process):"
bash -c "eval \"\$('$bin' hook bash)\"; cd '$HOME/proj'; __devvault_hook 2>/dev/null; TIMEFORMAT='1000 prompts: %3R s'; time for i in {1..1000}; do __devvault_hook; done"

echo
echo "entering and leaving the linked directory inside one running bash, as at a prompt (the real hook: one devvault process per entry; leaving starts none):"
bash -c "eval \"\$('$bin' hook bash)\"; cd /; __devvault_hook 2>/dev/null; TIMEFORMAT='200 entries and leaves: %3R s'; time for i in {1..200}; do cd '$HOME/proj'; __devvault_hook 2>/dev/null; cd /; __devvault_hook; done"
