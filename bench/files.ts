/**
 * Files (feature `files`): upload and download throughput of a 100 MB file on loopback through
 * the core's FileTransfer (in its own process: bench/files-child.ts), beside curl on the same
 * endpoint in the same run, and the client's peak RSS during the transfer beside the RSS it
 * started with: it streams from and to disk, so the peak must stay far below the file's size.
 *
 * Both sides send 4 MB chunks; curl sends them as one process (`--next`), with the SHA-256 worked
 * out beforehand, so the client's figure also carries hashing the file before it sends.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, openSync, closeSync, rmSync, writeSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { runTs } from '../tests/helpers/proc';
import { freePort } from '../tests/helpers/ports';
import { SCALE_TOKENS } from '../tests/scale/scale-kit';
import { peer } from './conversations';
import { withTimeout, type Ctx } from './lib';
import { figure, type Figure } from './report';

const CHUNK = 4 * 1024 * 1024;

/** A file of `bytes` random bytes (written in 1 MB pieces); resolves with its SHA-256. */
function randomFile(file: string, bytes: number): string {
  const hash = createHash('sha256');
  const fd = openSync(file, 'w');
  try {
    for (let done = 0; done < bytes;) {
      const piece = randomBytes(Math.min(1024 * 1024, bytes - done));
      writeSync(fd, piece);
      hash.update(piece);
      done += piece.length;
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** curl uploads `file` (created, then every chunk in one curl process) and downloads it; ms for each. */
function curlRound(base: string, conv: string, file: string, size: number, sha256: string, out: string): { up: number; down: number } {
  const auth = ['-H', 'Authorization: Bearer token-alice'];
  const created = JSON.parse(
    execFileSync(
      'curl',
      [
        '-sS',
        ...auth,
        '-H',
        'content-type: application/json',
        '--data',
        JSON.stringify({ conv, name: 'c.bin', size, sha256 }),
        `${base}/files/uploads`,
      ],
      {
        encoding: 'utf8',
      },
    ),
  ) as { upload: { upload: string } };
  const id = created.upload.upload;
  const args: string[] = [];
  const dir = path.dirname(file);
  execFileSync('split', ['-b', String(CHUNK), '-d', '-a', '4', file, path.join(dir, 'chunk.')]);
  for (let at = 0, i = 0; at < size; at += CHUNK, i++) {
    if (i > 0) args.push('--next');
    const chunk = path.join(dir, `chunk.${String(i).padStart(4, '0')}`);
    args.push(
      '-sS',
      '-o',
      '/dev/null',
      ...auth,
      '-X',
      'PATCH',
      '-H',
      `Upload-Offset: ${at}`,
      '-H',
      'content-type: application/offset+octet-stream',
      '--data-binary',
      `@${chunk}`,
      `${base}/files/uploads/${id}`,
    );
  }
  const t0 = performance.now();
  execFileSync('curl', args, { maxBuffer: 1024 * 1024 });
  const up = performance.now() - t0;
  const state = execFileSync('curl', ['-sS', ...auth, `${base}/files/sha256/${sha256}`, '-o', out, '-w', '%{http_code}'], {
    encoding: 'utf8',
  });
  if (state !== '200') throw new Error(`curl upload did not complete (download by hash: HTTP ${state})`);
  const t1 = performance.now();
  execFileSync('curl', ['-sS', ...auth, `${base}/files/sha256/${sha256}`, '-o', out]);
  return { up, down: performance.now() - t1 };
}

/** The core's client in its own process: times and peak RSS. */
async function clientRound(url: string, conv: string, file: string, out: string) {
  const p = runTs('bench/files-child.ts', [url, 'token-alice', conv, file, out]);
  const line = await p.line((l) => l.startsWith('{'), 300_000, 'the files client to finish');
  await withTimeout(p.exited, 30_000, 'the files client to exit');
  return JSON.parse(line) as {
    uploadMs: number;
    downloadMs: number;
    startRssKb: number;
    maxRssKb: number;
    start: { anonKb: number; fileKb: number };
    peak: { anonKb: number; fileKb: number };
  };
}

export async function benchFiles(ctx: Ctx): Promise<Figure[]> {
  const size = ctx.sizes.tiny ? 1024 * 1024 : 100 * 1024 * 1024;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-bench-files-'));
  const port = await freePort();
  const proc = runTs('server/main.ts', ['--port', String(port), '--data-dir', path.join(dir, 'server')], { UOS_CHAT_TOKENS: SCALE_TOKENS });
  const MBps = (ms: number) => size / (1024 * 1024) / (ms / 1000);
  const up: number[] = [];
  const down: number[] = [];
  const curlUp: number[] = [];
  const curlDown: number[] = [];
  const rssGrowth: number[] = [];
  const startRss: number[] = [];
  const maxRss: number[] = [];
  try {
    await proc.line((l) => l.startsWith('listening on '), 20_000, 'the bench server to listen');
    const url = `ws://127.0.0.1:${port}/ws/chat/`;
    const alice = await peer(url, 'token-alice');
    const conv = (
      (await alice.request({ type: 'create', name: 'bench files', kind: 'private', members: [] })).conversation as { id: string }
    ).id;
    alice.close();
    for (let r = 0; r < ctx.sizes.repeats; r++) {
      ctx.check();
      // Fresh bytes for each side and repeat: the same bytes again would be "stored already", done at once.
      const mine = path.join(dir, `client-${r}.bin`);
      randomFile(mine, size);
      const c = await clientRound(url, conv, mine, path.join(dir, `client-${r}.out`));
      up.push(MBps(c.uploadMs));
      down.push(MBps(c.downloadMs));
      // What the process allocated (RssAnon): the mapped node binary's pages (RssFile) are not the file it sends.
      rssGrowth.push((c.peak.anonKb - c.start.anonKb) / 1024);
      startRss.push(c.start.anonKb / 1024);
      maxRss.push((c.maxRssKb - c.startRssKb) / 1024);
      const curlDir = mkdtempSync(path.join(dir, 'curl-'));
      const theirs = path.join(curlDir, 'curl.bin');
      const sha = randomFile(theirs, size);
      const k = curlRound(`http://127.0.0.1:${port}`, conv, theirs, size, sha, path.join(curlDir, 'curl.out'));
      curlUp.push(MBps(k.up));
      curlDown.push(MBps(k.down));
      rmSync(curlDir, { recursive: true, force: true });
      rmSync(mine, { force: true });
      ctx.log(
        `files: repeat ${r + 1}: up ${up[r]!.toFixed(0)} MB/s (curl ${curlUp[r]!.toFixed(0)}), down ${down[r]!.toFixed(0)} MB/s (curl ${curlDown[r]!.toFixed(0)}), peak RSS +${rssGrowth[r]!.toFixed(0)} MB anonymous (+${maxRss[r]!.toFixed(0)} MB with file pages)`,
      );
    }
  } finally {
    proc.kill();
    await proc.exited;
    rmSync(dir, { recursive: true, force: true });
  }
  const label = `${Math.round(size / 1024 / 1024)} MB file, loopback`;
  return [
    figure({
      id: 'files.upload',
      section: 'files',
      name: `upload throughput (${label}, incl. hashing it first)`,
      unit: 'MB/s',
      samples: up,
      baseline: { label: 'curl, same endpoint and chunks', kind: 'measured', samples: curlUp },
    }),
    figure({
      id: 'files.download',
      section: 'files',
      name: `download throughput (${label})`,
      unit: 'MB/s',
      samples: down,
      baseline: { label: 'curl, same endpoint', kind: 'measured', samples: curlDown },
    }),
    figure({
      id: 'files.client-peak-rss',
      section: 'files',
      name: `client's peak anonymous RSS growth during upload and download (${label}; sampled every 20 ms)`,
      unit: 'MB',
      samples: rssGrowth,
      baseline: { label: 'the client process anonymous RSS at its start', kind: 'measured', samples: startRss },
      details: { maxRssGrowthWithFilePagesMb: maxRss },
      target: { on: 'value', op: '<=', limit: 64, text: '≤ 64 MB over its start: it streams, never holds the file' },
    }),
  ];
}
