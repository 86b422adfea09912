#!/usr/bin/env bash
# How tests/data/v2.db was made (format 1, schema 2: the audit log, policies and version
# history). Never regenerate it once released: `the_frozen_schema_2_vault_still_opens`
# proves that every later devvault still reads it.
set -euo pipefail
cd "$(dirname "$0")"
bin=${1:-../../target/$(rustc -vV | sed -n "s/^host: //p")/debug/devvault}
rm -f v2.db v2.db-wal v2.db-shm
export DEVVAULT_VAULT=$PWD/v2.db DEVVAULT_PASSPHRASE='devvault frozen vault v2'
"$bin" init --kdf-memory 19MiB --kdf-time 2 --kdf-parallelism 1
printf 'DB_URL=postgres://u:p@localhost/db\nSTRIPE_KEY=sk_live_one\n' | "$bin" import myapp -
printf 'sk_live_two' | "$bin" rotate myapp STRIPE_KEY --note "old key revoked"
"$bin" rollback myapp STRIPE_KEY 1
printf 'line1\nline2' | "$bin" set myapp/prod PEM
"$bin" policy myapp --max-age 30d
"$bin" policy myapp STRIPE_KEY --max-age 12w
printf 'gone' | "$bin" set other OLD
"$bin" rm other OLD
"$bin" get myapp DB_URL >/dev/null
DEVVAULT_PASSPHRASE=wrong "$bin" ls myapp 2>/dev/null || true
"$bin" audit verify
# Fold the WAL into the file so that v2.db alone is the whole vault.
python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("PRAGMA wal_checkpoint(TRUNCATE)"); c.execute("PRAGMA journal_mode=DELETE")' v2.db
rm -f v2.db-wal v2.db-shm
