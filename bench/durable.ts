/**
 * Send → durable: from ChatClient.send() to its promise resolving, which is when the
 * message is in the outbox journal on disk (appended and fsynced, FileOutboxStore, as
 * shipped). Only then may it be written to the socket, so this is the part of a round
 * trip that the durability rule costs; the round-trip figures use an in-memory outbox
 * and leave it out, so a p99 from fsync shows here and not there.
 *
 * Same-run baseline: a bare fs append + fsync of the same journal line (open 'a', write,
 * fsync, close: what the journal does per commit), in the same directory.
 *   sequential: one send at a time.
 *   burst: 32 sends at once; the outbox coalesces commits made while one is in flight,
 *   so a message may wait for the commit before its own. Baseline: the 32 lines
 *   appended in one write + fsync (the ideal coalescing), each message's latency = that write's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ChatClient } from '../electron/core/connection';
import { FileOutboxStore } from '../electron/core/store';
import { chatText, pct, type Ctx } from './lib';
import { figure, type Figure } from './report';

const BURST = 32;

export async function benchDurable(ctx: Ctx, url: string): Promise<Figure[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'uos-bench-durable-'));
  const n = ctx.sizes.tiny ? 20 : 300;
  const bursts = ctx.sizes.tiny ? 2 : 20;
  const texts = Array.from({ length: 32 }, (_, i) => chatText(100, i + 1));
  // Not started: no socket, nothing acked, so every message stays in the journal (its size
  // grows as in an outage; compaction, when due, is part of what is measured).
  const client = new ChatClient({
    config: { url, token: 'token-alice' },
    outboxStore: new FileOutboxStore(path.join(dir, 'outbox.jsonl')),
  });
  const bareFile = path.join(dir, 'bare.jsonl');
  const line = (i: number) =>
    JSON.stringify({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      text: texts[i % texts.length],
      createdAt: new Date().toISOString(),
    }) + '\n';
  const bareAppend = async (data: string) => {
    const h = await fs.open(bareFile, 'a', 0o600);
    try {
      await h.write(data);
      await h.sync();
    } finally {
      await h.close();
    }
  };
  let k = 0;
  const coreSeq = async () => {
    const t0 = performance.now();
    const r = await client.send(texts[k++ % texts.length]!);
    if (!r.ok) throw new Error(`send refused: ${r.reason.code}`);
    return performance.now() - t0;
  };
  const bareSeq = async () => {
    const t0 = performance.now();
    await bareAppend(line(k++));
    return performance.now() - t0;
  };
  const coreBurst = async () => {
    const t0 = performance.now();
    return Promise.all(Array.from({ length: BURST }, () => client.send(texts[k++ % texts.length]!).then(() => performance.now() - t0)));
  };
  const bareBurst = async () => {
    const t0 = performance.now();
    await bareAppend(Array.from({ length: BURST }, () => line(k++)).join(''));
    return new Array<number>(BURST).fill(performance.now() - t0);
  };
  const series = async (one: () => Promise<number>, count: number) => {
    const out: number[] = [];
    for (let i = 0; i < count; i++) out.push(await one());
    return out;
  };
  const burstSeries = async (one: () => Promise<number[]>) => {
    const out: number[] = [];
    for (let i = 0; i < bursts; i++) out.push(...(await one()));
    return out;
  };
  const seq = { core50: [] as number[], core99: [] as number[], bare50: [] as number[], bare99: [] as number[] };
  const burst = { core50: [] as number[], core99: [] as number[], bare50: [] as number[], bare99: [] as number[] };
  try {
    await series(coreSeq, 10);
    await series(bareSeq, 10);
    for (let r = 0; r < ctx.sizes.repeats; r++) {
      ctx.check();
      // Interleaved, so drift in the machine's load (and the disk's) hits both alike.
      const c = await series(coreSeq, n);
      const b = await series(bareSeq, n);
      const cb = await burstSeries(coreBurst);
      const bb = await burstSeries(bareBurst);
      seq.core50.push(pct(c, 0.5));
      seq.core99.push(pct(c, 0.99));
      seq.bare50.push(pct(b, 0.5));
      seq.bare99.push(pct(b, 0.99));
      burst.core50.push(pct(cb, 0.5));
      burst.core99.push(pct(cb, 0.99));
      burst.bare50.push(pct(bb, 0.5));
      burst.bare99.push(pct(bb, 0.99));
      ctx.log(
        `durable repeat ${r + 1}: sequential core p50 ${pct(c, 0.5).toFixed(3)} p99 ${pct(c, 0.99).toFixed(3)} ms, bare append+fsync p50 ${pct(b, 0.5).toFixed(3)} p99 ${pct(b, 0.99).toFixed(3)}; burst of ${BURST} core p99 ${pct(cb, 0.99).toFixed(3)}, bare ${pct(bb, 0.99).toFixed(3)}`,
      );
    }
  } finally {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const note = `ChatClient.send() until it resolves (the message appended to the outbox journal and fsynced, FileOutboxStore in ${os.tmpdir()}), the client not connected; baseline: open-append-fsync-close of the same journal line in the same directory. ${n} sequential sends and ${bursts} bursts of ${BURST} concurrent sends per repeat, ${ctx.sizes.repeats} repeats, interleaved; value = median of per-repeat percentiles.`;
  const fig = (
    id: string,
    name: string,
    s: { core50: number[]; bare50: number[] } | { core99: number[]; bare99: number[] },
    label: string,
  ) =>
    figure({
      id,
      section: 'roundtrip',
      name,
      unit: 'ms',
      samples: 'core50' in s ? s.core50 : s.core99,
      baseline: { label, kind: 'measured', samples: 'bare50' in s ? s.bare50 : s.bare99 },
      note,
    });
  return [
    fig(
      'durable.p50',
      'send → durable p50 (outbox journal, fsync), one at a time',
      { core50: seq.core50, bare50: seq.bare50 },
      'bare append+fsync',
    ),
    fig(
      'durable.p99',
      'send → durable p99 (outbox journal, fsync), one at a time',
      { core99: seq.core99, bare99: seq.bare99 },
      'bare append+fsync',
    ),
    fig(
      'durable.burst.p50',
      `send → durable p50, bursts of ${BURST} at once`,
      { core50: burst.core50, bare50: burst.bare50 },
      `bare: ${BURST} lines, one append+fsync`,
    ),
    fig(
      'durable.burst.p99',
      `send → durable p99, bursts of ${BURST} at once`,
      { core99: burst.core99, bare99: burst.bare99 },
      `bare: ${BURST} lines, one append+fsync`,
    ),
  ];
}
