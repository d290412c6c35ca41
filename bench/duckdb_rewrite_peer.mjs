// The peer of bench/iceberg_bench's delete: DuckDB, one thread, rewriting a table's data files
// without the deleted rows, as an engine without row-level deletes must.
// Usage: node duckdb_rewrite_peer.mjs GLOB IDS OUT  ->  {"s": seconds, "rows": "rows kept"}
import { DuckDBInstance } from '@duckdb/node-api';

const [glob, ids, out] = process.argv.slice(2);
const c = await (await DuckDBInstance.create(':memory:')).connect();
await c.run('SET threads = 1');
const start = process.hrtime.bigint();
await c.run(`COPY (SELECT * FROM read_parquet('${glob}') WHERE id NOT IN (${ids}))
  TO '${out}' (FORMAT parquet, COMPRESSION zstd)`);
const s = Number(process.hrtime.bigint() - start) / 1e9;
const r = await c.runAndReadAll(`SELECT count(*)::VARCHAR FROM '${out}'`);
process.stdout.write(JSON.stringify({ s, rows: r.getRowsJson()[0][0] }) + '\n');
