#!/usr/bin/env bash
# How tests/data/v5.db was made (format 1, schema 5: compact records, the vault's age
# identity, an export record and a team remote, beside the audit log, policies and history
# of schema 2). Never regenerate it once released: `the_frozen_schema_5_vault_still_opens`
# (tests/frozen.rs) proves that every later devvault still reads it.
set -euo pipefail
cd "$(dirname "$0")"
bin=${1:-../../target/$(rustc -vV | sed -n "s/^host: //p")/debug/devvault}
rm -f v5.db v5.db-wal v5.db-shm v5-recipient.txt
export DEVVAULT_VAULT=$PWD/v5.db DEVVAULT_PASSPHRASE='devvault frozen vault v5'
"$bin" init --kdf-memory 19MiB --kdf-time 2 --kdf-parallelism 1
printf 'DB_URL=postgres://u:p@localhost/db\nSTRIPE_KEY=sk_live_one\n' | "$bin" import myapp -
printf 'sk_live_two' | "$bin" rotate myapp STRIPE_KEY --note "old key revoked" --url https://dashboard.stripe.com/apikeys
"$bin" rollback myapp STRIPE_KEY 1
printf 'line1\nline2' | "$bin" set myapp/prod PEM
"$bin" policy myapp --max-age 30d
printf 'gone' | "$bin" set other OLD
"$bin" rm other OLD
"$bin" identity > v5-recipient.txt
out=$(mktemp -d)
"$bin" export myapp -o "$out/frozen.env" 2>/dev/null
rm -rf "$out"
"$bin" remote add team http://127.0.0.1:8200 --mount secret --prefix devvault
"$bin" get myapp DB_URL >/dev/null
DEVVAULT_PASSPHRASE=wrong "$bin" ls myapp 2>/dev/null || true
"$bin" audit verify
# Fold the WAL into the file so that v5.db alone is the whole vault.
python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("PRAGMA wal_checkpoint(TRUNCATE)"); c.execute("PRAGMA journal_mode=DELETE")' v5.db
rm -f v5.db-wal v5.db-shm
