/**
 * Core RSS while 1,000 msgs/s arrive for 60 s. The core runs alone in a child
 * process (bench/memory-child.ts: ChatClient + ChatService, as shipped); a paced
 * sender in the server's process feeds its room. RSS is sampled every second;
 * growth = RSS at the end − RSS after the warm-up (no forced GC). Several
 * children run at once in separate rooms (independent repeats, same wall time):
 * half with the heap tuning the main process applies at startup
 * (electron/core/desktop/heap-tuning.ts), half with Node's defaults, so both figures
 * come from the same minute on the same machine.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { MAIN_PROCESS_V8_FLAGS } from '../electron/core/desktop';
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
  // Children [0, parallel) tuned as the main process is, [parallel, 2·parallel) with Node's defaults.
  const tuned = (i: number) => i < parallel;
  try {
    const runs = await Promise.all(
      Array.from({ length: parallel * 2 }, async (_, i) => {
        const child = fork(path.join(BENCH_DIR, 'memory-child.ts'), [srv.roomUrl(`mem-${i}`, ''), tuned(i) ? 'as-main' : 'node-defaults'], {
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
    runs.forEach((_, i) =>
      ctx.log(
        `memory ${i + 1} (${tuned(i) ? 'as main' : 'node defaults'}): rss ${(baseline[i]!.rss / MB).toFixed(1)} → ${(ends[i]!.rss / MB).toFixed(1)} MB (peak ${(Math.max(...samples[i]!.map((s) => s.rss)) / MB).toFixed(1)}), heap ${(baseline[i]!.heapUsed / MB).toFixed(1)} → ${(finals[i]!.after.heapUsed / MB).toFixed(1)} MB after GC (total ${(baseline[i]!.heapTotal / MB).toFixed(1)} → ${(ends[i]!.heapTotal / MB).toFixed(1)}), external ${(baseline[i]!.external / MB).toFixed(1)} → ${(ends[i]!.external / MB).toFixed(1)} MB, ${ends[i]!.received} received, log ${ends[i]!.entries}`,
      ),
    );
    const pick = <T>(xs: T[], asMain: boolean) => xs.filter((_, i) => tuned(i) === asMain);
    const handled = Math.round(median(ends.map((e) => e.received)) / ((warmupMs + durationMs) / 1000));
    const rssFigure = (asMain: boolean): Figure =>
      figure({
        id: asMain ? 'memory.rss-growth' : 'memory.rss-growth.node-defaults',
        section: 'memory',
        name: asMain
          ? `core RSS growth over ${durationMs / 1000} s at ${rate.toLocaleString('en-US')} msgs/s offered (${handled}/s handled), as in the main process (${MAIN_PROCESS_V8_FLAGS.join(' ')})`
          : "… the same with Node's default V8 heap sizing",
        unit: 'MB',
        samples: pick(growth, asMain),
        target: { on: 'value', op: '<=', limit: 5, text: '≤ 5 MB' },
        note: `ChatClient + ChatService (pushes dropped) alone in a child process, as shipped (permessage-deflate); ${parallel} children in parallel per variant, separate rooms, both variants in the same minute; RSS after ${warmupMs / 1000} s warm-up → at the end, no forced GC (heap after a forced GC in details). ${asMain ? `With the heap tuning electron/main applies at startup (electron/core/desktop/heap-tuning.ts: ${MAIN_PROCESS_V8_FLAGS.join(' ')}).` : 'Without the flag V8 sizes its heap for speed under the steady allocation of a message flow (young generation up to 2 × 16 MB, old-generation limits well above what is live): RSS grows while the heap retained after GC does not.'}`,
        details: {
          v8Flags: asMain ? MAIN_PROCESS_V8_FLAGS : [],
          rssBaselineMB: pick(baseline, asMain).map((b) => b.rss / MB),
          rssEndMB: pick(ends, asMain).map((e) => e.rss / MB),
          rssPeakMB: pick(samples, asMain).map((s) => Math.max(...s.map((x) => x.rss)) / MB),
          heapUsedBaselineMB: pick(baseline, asMain).map((b) => b.heapUsed / MB),
          heapUsedEndAfterGcMB: pick(finals, asMain).map((f) => f.after.heapUsed / MB),
          rssEndAfterGcMB: pick(finals, asMain).map((f) => f.after.rss / MB),
          logEntriesEnd: pick(ends, asMain).map((e) => e.entries),
          received: pick(ends, asMain).map((e) => e.received),
          achievedMsgsPerSec: pick(ends, asMain).map((e) => Math.round(e.received / ((warmupMs + durationMs) / 1000))),
          sent: pick(sent, asMain).map((x) => x.sent),
          series: pick(samples, asMain).map((x) => x.map((m) => Math.round((m.rss / MB) * 10) / 10)),
        },
      });
    return [
      rssFigure(true),
      rssFigure(false),
      figure({
        id: 'memory.heap-growth-after-gc',
        section: 'memory',
        name: '… JS heap retained after a forced GC (growth), all children',
        unit: 'MB',
        samples: finals.map((f, i) => (f.after.heapUsed - baseline[i]!.heapUsed) / MB),
      }),
    ];
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    await srv.stop();
  }
}
