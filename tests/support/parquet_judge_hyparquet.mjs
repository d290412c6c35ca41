// A second, independent Parquet reader (hyparquet) for tarn's files. Prints the schema elements
// (with field ids) and the rows; BigInts become strings, bytes become hex.
// Usage: node parquet_judge_hyparquet.mjs FILE
import { readFileSync } from 'node:fs';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';

const [path] = process.argv.slice(2);
const bytes = readFileSync(path);
const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
const metadata = parquetMetadata(file);
const rows = await parquetReadObjects({ file, compressors });
const exact = (_key, v) => {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return v;
};
const schema = metadata.schema.map((e) => ({ name: e.name, field_id: e.field_id ?? null }));
process.stdout.write(JSON.stringify({ schema, num_rows: metadata.num_rows, rows }, exact) + '\n');
