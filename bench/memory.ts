/**
 * Core RSS while 1,000 msgs/s arrive for 60 s. The core runs alone in a child
 * process (bench/memory-child.ts: ChatClient + ChatService, as shipped); a paced
 * sender in the server's process feeds its room. RSS is sampled every second;
 * growth = RSS at the end − RSS after the warm-up (no forced GC). Several
 * children run at once in separate rooms (independent repeats, same wall time).
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { BENCH_DIR, sleep, startServerProc, textForFrame, withTimeout, type Ctx } from './lib';
import { figure, type Figure } from './report';

interface Mem {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  received: number;
  entries: number;
}

const MB = 2 ** 20;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

export async function benchMemory(ctx: Ctx): Promise<Figure[]> {
  const { rate, durationMs, warmupMs, parallel } = ctx.sizes.memory;
  const srv = await startServerProc();
  const children: ChildProcess[] = [];
  try {
    const runs = await Promise.all(
      Array.from({ length: parallel }, async (_, i) => {
        const child = fork(path.join(BENCH_DIR, 'memory-child.ts'), [srv.roomUrl(`mem-${i}`, '')], {
          execArgv: ['--import', 'tsx', '--expose-gc'],
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        });
        children.push(child);
        let pending: ((m: unknown) => void) | undefined;
        let ready!: () => void;
        const isReady = new Promise<void>((r) => (ready = r));
        child.on('message', (m: { type: string }) => {
          if (m.type === 'ready') ready();
          else pending?.(m);
        });
        const ask = <T>(type: string) =>
          withTimeout(
            new Promise<T>((resolve) => {
              pending = resolve as (m: unknown) => void;
              child.send({ type });
            }),
            10_000,
            `memory child ${type}`,
          );
        await withTimeout(isReady, 20_000, 'memory child connected');
        return { child, ask, room: `mem-${i}` };
      }),
    );
    const samples: Mem[][] = runs.map(() => []);
    const sending = Promise.all(runs.map((r) => srv.paced(r.room, rate, warmupMs + durationMs, textForFrame(200))));
    const t0 = performance.now();
    let baseline: Mem[] = [];
    const tickMs = Math.min(1_000, durationMs / 4);
    await sleep(warmupMs);
    baseline = await Promise.all(runs.map((r) => r.ask<Mem>('sample')));
    while (performance.now() - t0 < warmupMs + durationMs) {
      ctx.check();
      await sleep(tickMs);
      const now = await Promise.all(runs.map((r) => r.ask<Mem>('sample')));
      now.forEach((m, i) => samples[i]!.push(m));
    }
    const sent = await sending;
    const ends = runs.map((_, i) => samples[i]!.at(-1)!);
    const finals = await Promise.all(runs.map((r) => r.ask<{ before: Mem; after: Mem }>('final')));
    const growth = ends.map((e, i) => (e.rss - baseline[i]!.rss) / MB);
    runs.forEach((_, i) => ctx.log(`memory ${i + 1}: rss ${(baseline[i]!.rss / MB).toFixed(1)} → ${(ends[i]!.rss / MB).toFixed(1)} MB (peak ${(Math.max(...samples[i]!.map((s) => s.rss)) / MB).toFixed(1)}), heap ${(baseline[i]!.heapUsed / MB).toFixed(1)} → ${(finals[i]!.after.heapUsed / MB).toFixed(1)} MB after GC, ${ends[i]!.received} received, log ${ends[i]!.entries}`));
    return [
      figure({
        id: 'memory.rss-growth',
        section: 'memory',
        name: `core RSS growth over ${durationMs / 1000} s at ${rate.toLocaleString('en-US')} msgs/s offered (${Math.round(median(ends.map((e) => e.received)) / ((warmupMs + durationMs) / 1000))}/s handled)`,
        unit: 'MB',
        samples: growth,
        target: { on: 'value', op: '<=', limit: 5, text: '≤ 5 MB' },
        note: `ChatClient + ChatService (pushes dropped) alone in a child process, as shipped (permessage-deflate); ${parallel} children in parallel, separate rooms; RSS after ${warmupMs / 1000} s warm-up → at the end, no forced GC (heap after a forced GC in details).`,
        details: {
          rssBaselineMB: baseline.map((b) => b.rss / MB),
          rssEndMB: ends.map((e) => e.rss / MB),
          rssPeakMB: samples.map((s) => Math.max(...s.map((x) => x.rss)) / MB),
          heapUsedBaselineMB: baseline.map((b) => b.heapUsed / MB),
          heapUsedEndAfterGcMB: finals.map((f) => f.after.heapUsed / MB),
          rssEndAfterGcMB: finals.map((f) => f.after.rss / MB),
          logEntriesEnd: ends.map((e) => e.entries),
          received: ends.map((e) => e.received),
          achievedMsgsPerSec: ends.map((e) => Math.round(e.received / ((warmupMs + durationMs) / 1000))),
          sent: sent.map((s) => s.sent),
          series: samples.map((s) => s.map((x) => Math.round((x.rss / MB) * 10) / 10)),
        },
      }),
      figure({
        id: 'memory.heap-growth-after-gc',
        section: 'memory',
        name: '… JS heap retained after a forced GC (growth)',
        unit: 'MB',
        samples: finals.map((f, i) => (f.after.heapUsed - baseline[i]!.heapUsed) / MB),
      }),
    ];
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    await srv.stop();
  }
}
