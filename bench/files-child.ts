/**
 * The measured client of the files bench, in a process of its own (so its peak RSS is its own):
 * uploads FILE into CONV through the core's FileTransfer, then downloads it to OUT, and prints one
 * JSON line with the times and the peak RSS (process.resourceUsage().maxRSS) beside the RSS it
 * started with.
 *
 *   node --import tsx bench/files-child.ts URL TOKEN CONV FILE OUT
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { FileTransfer } from '../electron/core/files';

/** RssAnon and RssFile from /proc/self/status, in kB: what the process allocated, apart from file pages it maps. */
function rssParts(): { anonKb: number; fileKb: number } {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  return { anonKb: kb('RssAnon'), fileKb: kb('RssFile') };
}

async function main(): Promise<void> {
  const [url, token, conv, file, out] = process.argv.slice(2) as [string, string, string, string, string];
  const startRssKb = Math.round(process.memoryUsage().rss / 1024);
  const start = rssParts();
  const peak = { ...start };
  const sampler = setInterval(() => {
    const now = rssParts();
    peak.anonKb = Math.max(peak.anonKb, now.anonKb);
    peak.fileKb = Math.max(peak.fileKb, now.fileKb);
  }, 20);
  const transfer = new FileTransfer({ config: { url, token }, timeoutMs: 60_000 });
  const t0 = performance.now();
  const a = await transfer.upload(conv, file);
  const uploadMs = performance.now() - t0;
  const afterUploadRssKb = process.resourceUsage().maxRSS;
  const t1 = performance.now();
  await transfer.download(a.id, out);
  const downloadMs = performance.now() - t1;
  clearInterval(sampler);
  const rss = { startRssKb, afterUploadRssKb, maxRssKb: process.resourceUsage().maxRSS, start, peak };
  process.stdout.write(`${JSON.stringify({ id: a.id, uploadMs, downloadMs, ...rss })}\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`files-child: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
