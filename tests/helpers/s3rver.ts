/** s3rver, the S3-compatible store from npm, on loopback for a test (a process of its own, removed after). */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { withTimeout } from './wait';

export interface S3rver {
  /** `--s3` URL: http://KEY:SECRET@127.0.0.1:PORT/BUCKET (s3rver's fixed test credentials). */
  url: string;
  directory: string;
  stop(): Promise<void>;
}

export async function startS3rver(bucket = 'uos-chat-files'): Promise<S3rver> {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-s3rver-'));
  const child = spawn(process.execPath, [path.join(__dirname, 's3rver-child.cjs'), directory, bucket], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await withTimeout(
    new Promise<number>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (l) => l.startsWith('listening ') && resolve(Number(l.slice(10))));
      child.once('exit', (code) => reject(new Error(`s3rver exited with ${code}`)));
    }),
    15_000,
    's3rver to listen',
  );
  return {
    // s3rver accepts the access key S3RVER with the secret S3RVER.
    url: `http://S3RVER:S3RVER@127.0.0.1:${port}/${bucket}`,
    directory,
    async stop() {
      child.kill();
      await exited;
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
