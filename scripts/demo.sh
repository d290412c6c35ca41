#!/usr/bin/env bash
# The demo behind `make demo`: a fresh lake on embedded defaults (a local folder and SQLite),
# a look at what tarn made, and an Iceberg table's life: create, append, scan, delete,
# compact; then ingestion from a generated bank database. Grows as pipelines land.
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
# Ingestion: a bank's operational database (SQLite, generated here), four tables of about
# 100,000 rows each over the last 30 days, copied into raw_bank.* a day at a time.
first_day=$(date -u -d '30 days ago' +%F)
step "sqlite3 bank.db < (generated: deposits, loans, investments, shipments over 30 days)"
sqlite3 bank.db <<SQL
CREATE TABLE deposits (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, account TEXT,
  amount DECIMAL(12,2), currency TEXT, booked_at DATETIME NOT NULL);
CREATE TABLE loans (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL,
  principal DECIMAL(14,2), rate REAL, term_months INTEGER, status TEXT, opened_at DATETIME);
CREATE TABLE investments (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL,
  instrument TEXT, quantity DECIMAL(18,6), price DECIMAL(12,4), traded_at DATETIME);
CREATE TABLE shipments (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, carrier TEXT,
  weight_kg REAL, delivered BOOLEAN, shipped_on DATE);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
INSERT INTO deposits SELECT i, 1 + (i * 7919) % 5000, 'ACC-' || (1 + (i * 7919) % 5000),
  printf('%d.%02d', (i * 37) % 20000, i % 100), CASE i % 3 WHEN 0 THEN 'EUR' ELSE 'USD' END,
  datetime('$first_day', '+' || (i * 25) || ' seconds') FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 98000)
INSERT INTO loans SELECT i, 1 + (i * 104729) % 5000, printf('%d.00', 1000 + (i * 13) % 90000),
  0.02 + (i % 50) / 1000.0, 12 * (1 + i % 10), CASE i % 4 WHEN 0 THEN 'closed' ELSE 'open' END,
  datetime('$first_day', '+' || (i * 26) || ' seconds') FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 102000)
INSERT INTO investments SELECT i, 1 + (i * 1299709) % 5000,
  CASE i % 4 WHEN 0 THEN 'BOND-2031' WHEN 1 THEN 'ETF-WORLD' WHEN 2 THEN 'AAPL' ELSE 'GOLD' END,
  printf('%d.%06d', i % 500, (i * 31) % 1000000), printf('%d.%04d', 10 + i % 400, i % 10000),
  datetime('$first_day', '+' || (i * 25) || ' seconds') FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
INSERT INTO shipments SELECT i, 1 + (i * 15485863) % 5000,
  CASE i % 3 WHEN 0 THEN 'DHL' WHEN 1 THEN 'UPS' ELSE 'PostNL' END, 0.1 * (1 + i % 300),
  i % 5 <> 0, date('$first_day', '+' || (i * 30 / 100000) || ' days') FROM n;
SQL
sqlite3 bank.db "SELECT 'deposits', count(*) FROM deposits UNION ALL SELECT 'loans', count(*)
  FROM loans UNION ALL SELECT 'investments', count(*) FROM investments UNION ALL
  SELECT 'shipments', count(*) FROM shipments"
cat >> tarn.yaml <<YAML
sources:
  bank:
    kind: sqlite
    path: bank.db
YAML
cat > jobs.yaml <<YAML
jobs:
  deposits:
    source: bank
    table: deposits
    cursor_column: booked_at
    window_start: $first_day
    window_step: 1d
    partition_column: id          # each day read as 4 ranges of id, in parallel
    num_partitions: 4
    primary_key: [id]
  loans:
    source: bank
    table: loans
    cursor_column: opened_at
    window_start: $first_day
    window_step: 1d
  investments:
    source: bank
    table: investments
    cursor_column: traded_at
    window_start: $first_day
    window_step: 1d
  shipments:
    source: bank
    table: shipments
    cursor_column: shipped_on
    window_start: $first_day
    window_step: 1d
YAML
step tarn source describe bank deposits
"$tarn" source describe bank deposits
step "tarn ingest add --file jobs.yaml"
"$tarn" ingest add --file jobs.yaml
step "tarn ingest run --all --parallel 2   # day by day, until each job has caught up"
"$tarn" --log-level warn ingest run --all --parallel 2 | tail -n 12
step "tarn ingest history deposits --limit 3"
"$tarn" ingest history deposits --limit 3
step "tarn table scan raw_bank.deposits --where 'customer_id = 42' --columns id,amount,booked_at --limit 5"
"$tarn" --log-level warn table scan raw_bank.deposits --where 'customer_id = 42' \
  --columns id,amount,booked_at --limit 5
step "tarn ingest run --all   # again: nothing new until the next day (or the safety lag) passes"
"$tarn" --log-level warn ingest run --all | tail -n 6

cat <<EOF

The demo lake is in $demo. Next, try:
  cd $demo
  $tarn ingest list
  $tarn ingest show deposits
  $tarn ingest history loans
  $tarn table history raw_bank.shipments
  $tarn table scan raw_bank.loans --where "status = 'open'" --limit 5
  sqlite3 bank.db "INSERT INTO loans VALUES (200000, 7, 5000.00, 0.03, 24, 'open', datetime('now'))"
  $tarn ingest run loans      # picks the row up once it is older than the 5-minute safety lag
EOF
