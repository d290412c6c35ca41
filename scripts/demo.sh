#!/usr/bin/env bash
# The demo behind `make demo`: a fresh lake on embedded defaults (a local folder and SQLite),
# a look at what tarn made, and an Iceberg table's life: create, append, scan, delete,
# compact. Grows as ingestion and pipelines land.
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

# An Iceberg table: 30 days of deposits, appended, queried, corrected, compacted.
awk 'BEGIN { print "id,customer_id,amount,booked_at";
  for (i = 0; i < 3000; i++)
    printf "%d,%d,%d.%02d,2024-01-%02dT%02d:00:00\n", i, 1000 + i % 97, i % 5000, i % 100, 1 + i % 30, i % 24 }' \
  > deposits.csv
step tarn namespace create bank
"$tarn" namespace create bank
step "tarn table create bank.deposits --schema '...' --partition 'day(booked_at)'"
"$tarn" table create bank.deposits \
  --schema 'id:long,customer_id:long,amount:decimal(12,2),booked_at:timestamp' \
  --partition 'day(booked_at)'
step tarn table append bank.deposits deposits.csv
"$tarn" table append bank.deposits deposits.csv
step "tarn table scan bank.deposits --where \"customer_id = 1042 AND booked_at < TIMESTAMP '2024-01-10'\""
"$tarn" --log-level info table scan bank.deposits \
  --where "customer_id = 1042 AND booked_at < TIMESTAMP '2024-01-10T00:00:00'"
step "tarn table delete bank.deposits --where 'customer_id = 1042'   # the right to be forgotten, in miniature"
"$tarn" table delete bank.deposits --where 'customer_id = 1042'
step tarn table compact bank.deposits --only-with-deletes
"$tarn" table compact bank.deposits --only-with-deletes
step tarn table history bank.deposits
"$tarn" table history bank.deposits
step tarn table show bank.deposits
"$tarn" table show bank.deposits
printf '\nThe demo lake is in %s. Try: cd %s && %s table scan bank.deposits --limit 5\n' \
  "$demo" "$demo" "$tarn"
