// The peer of bench/parquet_bench: DuckDB, one thread, on the same table (same formulas).
// Usage: node duckdb_peer.mjs ROWS DIR  ->  {"write_s":..,"size":..,"read_s":..,"totals":".."}
import { statSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [rows, dir] = process.argv.slice(2);
const file = `${dir}/duckdb.parquet`;
const c = await (await DuckDBInstance.create(':memory:')).connect();
await c.run('SET threads = 1');
await c.run(`CREATE TABLE t AS SELECT
  i AS id,
  floor(power(((i * 2654435761) % 4294967296) / 4294967296.0, 3) * 100000)::BIGINT AS customer_id,
  make_timestamp(1704067200000000 + i * 250000) AS ts,
  (((i * 7919) % 1000000) / 100)::DECIMAL(12,2) AS amount,
  ['EUR','USD','GBP','NOK','SEK'][(i % 5) + 1] AS currency,
  'merchant-' || ((i * 31) % 10000) AS merchant,
  CASE WHEN i % 10 < 3 THEN NULL ELSE 'note ' || (i % 1000) END AS note
  FROM range(${rows}) r(i)`);
let start = process.hrtime.bigint();
await c.run(`COPY t TO '${file}' (FORMAT parquet, COMPRESSION zstd)`);
const write_s = Number(process.hrtime.bigint() - start) / 1e9;
// A full scan: every column is decoded, strings included (strlen needs their bytes). The best
// of three runs, as on tarn's side.
let read_s = Infinity;
let r;
for (let run = 0; run < 3; ++run) {
  start = process.hrtime.bigint();
  r = await c.runAndReadAll(`SELECT sum(id)::VARCHAR, sum(customer_id)::VARCHAR,
    max(epoch_us(ts))::VARCHAR, sum(amount)::VARCHAR, sum(strlen(currency))::VARCHAR,
    sum(strlen(merchant))::VARCHAR, sum(strlen(note))::VARCHAR FROM '${file}'`);
  read_s = Math.min(read_s, Number(process.hrtime.bigint() - start) / 1e9);
}
const totals = r.getRowsJson()[0].join(',');
process.stdout.write(JSON.stringify({ write_s, size: statSync(file).size, read_s, totals }) + '\n');
