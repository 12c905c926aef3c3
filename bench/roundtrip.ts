/**
 * Round trip: send → reference server (echo: true) → chat_response back, one
 * message in flight, p50/p99 per repeat. The core is measured from send() to its
 * 'frame' event for the chat_response; the baseline is a bare ws client doing
 * the same against the same server (both negotiate permessage-deflate, the
 * core's default; the server is in its own process). The core's outbox is in memory
 * here: the journal's fsync before a message may go out is its own figure, send →
 * durable (bench/durable.ts), measured in this section beside a bare append + fsync.
 */
import { performance } from 'node:perf_hooks';
import type WebSocket from 'ws';
import { startBare, startCore } from './clients';
import { benchDurable } from './durable';
import { chatText, pct, startServerProc, withTimeout, type Ctx } from './lib';
import { figure, type Figure } from './report';

const TEXT_BYTES = 100;

function cpuSince(t0: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(t0);
  return d.user + d.system;
}
/** Round trips in a row for one client before the other takes its turn. */
const BLOCK = 100;

export async function benchRoundtrip(ctx: Ctx): Promise<Figure[]> {
  const { warmup, messages } = ctx.sizes.roundtrip;
  const srv = await startServerProc({ echo: true });
  const texts = Array.from({ length: 32 }, (_, i) => chatText(TEXT_BYTES, i + 1));
  try {
    const core = await startCore(srv.roomUrl('rt-core', ''));
    const bare = await startBare(srv.roomUrl('rt-bare'));
    try {
      const coreOne = (i: number) =>
        new Promise<number>((resolve) => {
          const t0 = performance.now();
          const off = core.client.on('frame', (f) => {
            if (f.type !== 'chat_response') return;
            off();
            resolve(performance.now() - t0);
          });
          void core.client.send(texts[i % texts.length]!);
        });
      let bareN = 0;
      const bareOne = (ws: WebSocket, i: number) =>
        new Promise<number>((resolve) => {
          const onMsg = (data: WebSocket.RawData) => {
            const f = JSON.parse(data.toString()) as { type: string };
            if (f.type !== 'chat_response') return;
            ws.off('message', onMsg);
            resolve(performance.now() - t0);
          };
          ws.on('message', onMsg);
          const t0 = performance.now();
          ws.send(
            JSON.stringify({
              type: 'chat_message',
              id: `bare-${++bareN}`,
              message: texts[i % texts.length],
              timestamp: new Date().toISOString(),
            }),
          );
        });
      const series = async (one: (i: number) => Promise<number>, n: number) => {
        const out: number[] = [];
        for (let i = 0; i < n; i++) out.push(await one(i));
        return out;
      };
      const bound = (p: Promise<number[]>, what: string) => withTimeout(p, 120_000, what);

      await bound(series(coreOne, warmup), 'core warm-up');
      await bound(
        series((i) => bareOne(bare.ws, i), warmup),
        'bare warm-up',
      );
      const coreP50: number[] = [];
      const coreP99: number[] = [];
      const bareP50: number[] = [];
      const bareP99: number[] = [];
      const all: { core: number[]; bare: number[] } = { core: [], bare: [] };
      // CPU of this process per round trip: the tail follows it (bench/notes/core-cpu.md, round trip p99).
      const coreCpu: number[] = [];
      const bareCpu: number[] = [];
      for (let r = 0; r < ctx.sizes.repeats; r++) {
        ctx.check();
        // Interleaved in blocks of BLOCK round trips, so drift in the machine's load (other
        // engineers' tests come and go within seconds) hits both alike.
        const c: number[] = [];
        const b: number[] = [];
        const cpu = { core: 0, bare: 0 };
        for (let done = 0; done < messages; done += BLOCK) {
          const k = Math.min(BLOCK, messages - done);
          let t0 = process.cpuUsage();
          c.push(...(await bound(series(coreOne, k), 'core round trips')));
          cpu.core += cpuSince(t0);
          t0 = process.cpuUsage();
          b.push(
            ...(await bound(
              series((i) => bareOne(bare.ws, i), k),
              'bare round trips',
            )),
          );
          cpu.bare += cpuSince(t0);
        }
        coreCpu.push(cpu.core / messages);
        bareCpu.push(cpu.bare / messages);
        coreP50.push(pct(c, 0.5));
        coreP99.push(pct(c, 0.99));
        bareP50.push(pct(b, 0.5));
        bareP99.push(pct(b, 0.99));
        all.core.push(...c);
        all.bare.push(...b);
        ctx.log(
          `roundtrip repeat ${r + 1}: core p50 ${pct(c, 0.5).toFixed(3)} p99 ${pct(c, 0.99).toFixed(3)} ms; bare p50 ${pct(b, 0.5).toFixed(3)} p99 ${pct(b, 0.99).toFixed(3)} ms`,
        );
      }
      const details = {
        messagesPerRepeat: messages,
        warmup,
        textBytes: TEXT_BYTES,
        pooled: {
          core: { p50: pct(all.core, 0.5), p90: pct(all.core, 0.9), p99: pct(all.core, 0.99), max: Math.max(...all.core) },
          bare: { p50: pct(all.bare, 0.5), p90: pct(all.bare, 0.9), p99: pct(all.bare, 0.99), max: Math.max(...all.bare) },
        },
      };
      const note = `core send() → chat_response 'frame' event vs a bare ws client, sequential (one in flight), ${messages} messages × ${ctx.sizes.repeats} repeats after ${warmup} warm-up, core and bare alternating in blocks of ${BLOCK}; server (echo: true) in its own process; value = median of per-repeat percentiles. The core's outbox is in memory: the fsync before a message may be written is in 'send → durable'.`;
      const durable = await benchDurable(ctx, srv.roomUrl('rt-durable', ''));
      return [
        figure({
          id: 'roundtrip.p50',
          section: 'roundtrip',
          name: 'round trip p50 (core → server → echo)',
          unit: 'ms',
          samples: coreP50,
          baseline: { label: 'bare ws', kind: 'measured', samples: bareP50 },
          target: { on: 'ratio', op: '<=', limit: 1.2, text: '≤ 1.2× bare' },
          note,
          details,
        }),
        figure({
          id: 'roundtrip.p99',
          section: 'roundtrip',
          name: 'round trip p99 (core → server → echo)',
          unit: 'ms',
          samples: coreP99,
          baseline: { label: 'bare ws', kind: 'measured', samples: bareP99 },
          target: { on: 'ratio', op: '<=', limit: 1.5, text: '≤ 1.5× bare' },
        }),
        figure({
          id: 'roundtrip.cpu',
          section: 'roundtrip',
          name: 'CPU per round trip, client process (user + system)',
          unit: 'µs',
          samples: coreCpu,
          baseline: { label: 'bare ws', kind: 'measured', samples: bareCpu },
          note: 'process.cpuUsage() of the bench process (the server runs in its own) over the same interleaved blocks as the round trip figures, per round trip; includes the kernel side of the loopback writes.',
        }),
        ...durable,
      ];
    } finally {
      await core.stop();
      await bare.close();
    }
  } finally {
    await srv.stop();
  }
}
