// Starts @20minutes/s3rver (it verifies SigV4 signatures) on loopback for the S3 tests.
// Usage: node s3rver.js DATA_DIR BUCKET [BUCKET...]
// Prints "listening PORT" once ready; stops on SIGTERM. The package ships no CLI entry point.
'use strict';
const S3rver = require('@20minutes/s3rver');

const [directory, ...buckets] = process.argv.slice(2);
if (!directory || buckets.length === 0) {
  console.error('usage: s3rver.js DATA_DIR BUCKET [BUCKET...]');
  process.exit(2);
}
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  directory,
  silent: true,
  serviceEndpoint: 'localhost',  // so BUCKET.s3.localhost is a virtual-hosted request
  configureBuckets: buckets.map((name) => ({ name, configs: [] })),
});
server.run().then(({ port }) => {
  process.stdout.write(`listening ${port}\n`);
}, (error) => {
  console.error(`s3rver failed to start: ${error.message}`);
  process.exit(1);
});
process.on('SIGTERM', () => server.close().finally(() => process.exit(0)));
