// s3rver (npm) in a process of its own, as the S3-compatible store of the files tests: its logger
// hooks uncaught exceptions, which must not meet the test runner's. Prints "listening PORT" when ready.
const S3rver = require('s3rver');
const [directory, bucket] = process.argv.slice(2);
new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] })
  .run()
  .then(({ port }) => process.stdout.write(`listening ${port}\n`))
  .catch((err) => {
    process.stderr.write(`s3rver: ${err.message}\n`);
    process.exit(1);
  });
