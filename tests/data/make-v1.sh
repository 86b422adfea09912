#!/usr/bin/env bash
# How tests/data/v1.db was made (format 1). Never regenerate it once released: the test
# `the_frozen_v1_vault_still_opens` proves that every later devvault still reads it.
set -euo pipefail
cd "$(dirname "$0")"
bin=${1:-../../target/$(rustc -vV | sed -n "s/^host: //p")/debug/devvault}
rm -f v1.db
export DEVVAULT_VAULT=$PWD/v1.db DEVVAULT_PASSPHRASE='devvault frozen vault v1'
"$bin" init --kdf-memory 19MiB --kdf-time 2 --kdf-parallelism 1
printf 'sk_live_frozen' | "$bin" set myapp STRIPE_KEY
printf 'postgres://u:p@localhost/db' | "$bin" set myapp DB_URL
printf 'sk_live_frozen_2' | "$bin" set myapp STRIPE_KEY
printf 'line1\nline2' | "$bin" set myapp/prod PEM
printf 'gone' | "$bin" set other OLD
"$bin" rm other OLD
