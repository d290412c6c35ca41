#!/usr/bin/env bash
# The demo behind `make demo`: a fresh lake on embedded defaults (a local folder and SQLite),
# and a look at what tarn made. Grows as ingestion and pipelines land.
set -euo pipefail
tarn=$(realpath "$1")
demo=build/demo
rm -rf "$demo"
mkdir -p "$demo"
cd "$demo"

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

step tarn init
"$tarn" init
step tarn info
"$tarn" info
step cat tarn.yaml
cat tarn.yaml
step "find lake -maxdepth 2 | sort"
find lake -maxdepth 2 | sort
step "sqlite3 lake/tarn.db .tables   # the Iceberg SQL catalog beside tarn's own tables"
sqlite3 lake/tarn.db .tables
printf '\nThe demo lake is in %s. Try: cd %s && %s info\n' "$demo" "$demo" "$tarn"
