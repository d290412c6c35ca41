// The independent judge of tarn's Parquet files: reads FILE with DuckDB and prints one JSON
// document with the schema DuckDB sees (field ids included), per-column chunk metadata, and
// every value in an exact form: integers, decimals (unscaled), dates (days), times and
// timestamps (micros) as decimal strings; floats as shortest round-trip text or NaN/Infinity/-0;
// binary as hex; uuids in canonical text. Usage: node parquet_judge.mjs FILE
import {
  DuckDBInstance, DuckDBDecimalValue, DuckDBTimestampValue, DuckDBTimestampTZValue,
  DuckDBTimeValue, DuckDBDateValue, DuckDBBlobValue, DuckDBUUIDValue,
} from '@duckdb/node-api';

const [file] = process.argv.slice(2);
const quoted = `'${file.replaceAll("'", "''")}'`;
const db = await DuckDBInstance.create(':memory:');
const connection = await db.connect();

function exact(v) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN';
    if (v === Infinity) return 'Infinity';
    if (v === -Infinity) return '-Infinity';
    if (Object.is(v, -0)) return '-0';
    return String(v);
  }
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  if (v instanceof DuckDBDecimalValue) return v.value.toString();
  if (v instanceof DuckDBTimestampValue || v instanceof DuckDBTimestampTZValue ||
      v instanceof DuckDBTimeValue) {
    return v.micros.toString();
  }
  if (v instanceof DuckDBDateValue) return String(v.days);
  if (v instanceof DuckDBBlobValue) return Buffer.from(v.bytes).toString('hex');
  if (v instanceof DuckDBUUIDValue) return v.toString();
  return String(v);
}

const schema = (await connection.runAndReadAll(
  `SELECT name, field_id, type, type_length, repetition_type, converted_type, logical_type
   FROM parquet_schema(${quoted})`)).getRowObjectsJson();
const columns = (await connection.runAndReadAll(
  `SELECT row_group_id, path_in_schema, num_values, compression, encodings, stats_min_value,
          stats_max_value, stats_null_count, total_compressed_size
   FROM parquet_metadata(${quoted}) ORDER BY row_group_id, column_id`)).getRowObjectsJson();
const result = await connection.runAndReadAll(`SELECT * FROM read_parquet(${quoted})`);
const names = result.columnNames();
const types = result.columnTypes().map((t) => t.toString());
const rows = result.getRows().map((row) => row.map(exact));
process.stdout.write(JSON.stringify({ schema, columns, names, types, rows }) + '\n');
