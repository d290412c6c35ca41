// An independent Iceberg reader for tarn's tests: icebird (npm), reading a table tarn wrote.
// Usage: node iceberg_judge.mjs TABLE_URL METADATA_FILE_NAME
//   -> {"rows": [...], "schema": [...names]} with BIGINTs as text, bytes as hex, dates as ISO.
// icebird fetches everything with fetch(); file:// URLs are served from disk here (with Range
// and HEAD), the way an HTTP object store would serve them.
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// A local S3 server (TARN_JUDGE_S3_ENDPOINT, path-style, anonymous reads) stands in for AWS:
// icebird turns s3://bucket/key into https://bucket.s3.amazonaws.com/key.
const s3Endpoint = process.env.TARN_JUDGE_S3_ENDPOINT;
const realFetch = globalThis.fetch;
globalThis.fetch = async (url, init = {}) => {
  let u = String(url);
  const aws = /^https:\/\/([^./]+)\.s3\.amazonaws\.com\/(.*)$/.exec(u);
  if (aws && s3Endpoint) return realFetch(`${s3Endpoint}/${aws[1]}/${aws[2]}`, init);
  if (!u.startsWith('file:')) return realFetch(url, init);
  const path = fileURLToPath(u);
  const size = statSync(path).size;
  if ((init.method ?? 'GET') === 'HEAD') {
    return new Response(null, { status: 200, headers: { 'content-length': String(size) } });
  }
  const headers = new Headers(init.headers ?? {});
  const range = headers.get('range');
  let body = readFileSync(path);
  let status = 200;
  if (range) {
    const m = /bytes=(\d+)-(\d*)/.exec(range);
    const start = Number(m[1]);
    const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    body = body.subarray(start, end + 1);
    status = 206;
  }
  return new Response(body, { status, headers: { 'content-length': String(body.length) } });
};

const { icebergRead, icebergMetadata } = await import('icebird');
const [tableUrl, metadataFileName] = process.argv.slice(2);
try {
  const metadata = await icebergMetadata({ tableUrl, metadataFileName });
  const rows = await icebergRead({ tableUrl, metadata });
  const plain = (v) => {
    if (typeof v === 'bigint') return v.toString();
    if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
    if (v instanceof Date) return v.toISOString();
    return v;
  };
  const out = rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, plain(v)])));
  process.stdout.write(JSON.stringify({ rows: out }) + '\n');
} catch (e) {
  process.stdout.write(JSON.stringify({ error: String(e && e.stack || e) }) + '\n');
  process.exit(1);
}
