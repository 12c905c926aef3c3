/**
 * Bytes on the wire and CPU per 10,000 chat messages each way, for the core's
 * three compression modes against the same reference server:
 *   off:     plain text frames
 *   deflate: permessage-deflate (negotiated; ws compresses every frame when context takeover is on)
 *   zlib:    the design notes' binary frames of zlib-compressed JSON (?compression=zlib)
 *
 * Per repeat and mode: the core sends N messages (outbox → server → acks), then a
 * sender floods N messages that the core receives. Bytes are the core socket's
 * bytesWritten/bytesRead (TCP payload on loopback, WebSocket framing included);
 * CPU is process.cpuUsage() of the core's process and of the server's process
 * (which also runs the sender, the same work in every mode).
 *
 * Then the burst: 1,000 messages queued in the outbox while disconnected, drained at
 * connect (upgrade, greeting, every message sent and acked) by a fresh core per mode.
 *
 * Both ends announce `batch` (and `zdict1`), as shipped: frames written in one turn go
 * as one batch frame in every mode, 'off' included. The candidates measured and why
 * this design: bench/notes/compression.md (the per-frame figures: compression-candidates.ts).
 */
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import { ChatClient } from '../electron/core/connection';
import { MemoryOutboxStore } from '../electron/core/store';
import { startCore, type Core } from './clients';
import { chatText, cpuMs, startServerProc, textForFrame, until, type Ctx, type ServerProc } from './lib';
import { figure, type Figure, type Target } from './report';

const BURST = 1_000;
/** The drain takes ~30 ms of CPU: more repeats than the rest, so one scheduler hiccup does not decide the median. */
const BURST_REPEATS = 15;
/** The chat traffic's core CPU is ~0.4 s per sample on a shared machine: 5 samples, not the bench's usual 3. */
const MIN_REPEATS = 5;
const BYTES_TARGET: Target = { on: 'ratio', op: '<=', limit: 0.4, text: "≤ 0.4× 'off'" };
const CPU_TARGET: Target = { on: 'ratio', op: '<=', limit: 1.5, text: "≤ 1.5× 'off'" };

const MODES = ['off', 'deflate', 'zlib'] as const;
type Mode = (typeof MODES)[number];

export async function benchCompression(ctx: Ctx): Promise<Figure[]> {
  const n = ctx.sizes.compression.messages;
  const per10k = 10_000 / n;
  const repeats = ctx.sizes.tiny ? 1 : Math.max(MIN_REPEATS, ctx.sizes.repeats);
  const srv = await startServerProc({ compression: 'deflate' });
  const cores = new Map<Mode, Core & { received: () => number; frames: () => number }>();
  try {
    for (const mode of MODES) {
      const core = await startCore(srv.roomUrl(`cmp-${mode}`, ''), { compression: mode });
      let received = 0;
      core.client.on('entries', (es) => {
        for (const e of es) if (e.kind === 'message' && !e.own) received++;
      });
      // WebSocket messages the core got (a batch counts once): shows how much coalescing happened.
      let frames = 0;
      core.ws()?.on('message', () => frames++);
      cores.set(mode, { ...core, received: () => received, frames: () => frames });
    }
    const textBytes = textForFrame(200);
    type Sample = {
      bytesOut: number;
      bytesIn: number;
      sendOut: number;
      sendIn: number;
      recvIn: number;
      framesIn: number;
      clientCpu: number;
      serverCpu: number;
    };
    const samples = new Map<Mode, Sample[]>(MODES.map((m) => [m, []]));
    const one = async (mode: Mode, repeat: number): Promise<Sample> => {
      const core = cores.get(mode)!;
      const sock = (core.ws() as unknown as { _socket: Socket })._socket;
      const w0 = sock.bytesWritten;
      const r0 = sock.bytesRead;
      const f0 = core.frames();
      const c0 = process.cpuUsage();
      const s0 = await srv.cpu();
      // Send: N through the outbox, until all are acked.
      await Promise.all(Array.from({ length: n }, (_, i) => core.client.send(chatText(textBytes, 7_000_001 * (repeat + 1) + i))));
      await until(() => core.client.pendingCount() === 0, 120_000, `${mode}: ${n} sent and acked`);
      const w1 = sock.bytesWritten;
      const r1 = sock.bytesRead;
      // Receive: N from a sender.
      const before = core.received();
      await srv.flood(`cmp-${mode}`, n, textBytes);
      await until(() => core.received() - before >= n, 120_000, `${mode}: ${n} received`);
      const c1 = process.cpuUsage(c0);
      const s1 = await srv.cpu();
      const r2 = sock.bytesRead;
      const w2 = sock.bytesWritten;
      return {
        bytesOut: (w2 - w0) * per10k,
        bytesIn: (r2 - r0) * per10k,
        sendOut: (w1 - w0) * per10k,
        sendIn: (r1 - r0) * per10k,
        recvIn: (r2 - r1) * per10k,
        framesIn: (core.frames() - f0) * per10k,
        clientCpu: cpuMs(c1) * per10k,
        serverCpu: (cpuMs(s1) - cpuMs(s0)) * per10k,
      };
    };
    for (const mode of MODES) await one(mode, 0); // warm-up
    for (let r = 0; r < repeats; r++) {
      ctx.check();
      for (const mode of MODES) {
        const s = await one(mode, r + 1);
        samples.get(mode)!.push(s);
        ctx.log(
          `compression ${mode} ${r + 1}: out ${s.bytesOut.toFixed(0)} B, in ${s.bytesIn.toFixed(0)} B, ${s.framesIn.toFixed(0)} frames in, client CPU ${s.clientCpu.toFixed(0)} ms, server CPU ${s.serverCpu.toFixed(0)} ms (per 10k each way)`,
        );
      }
    }
    const total = (m: Mode) => samples.get(m)!.map((s) => s.bytesOut + s.bytesIn);
    const cpu = (m: Mode) => samples.get(m)!.map((s) => s.clientCpu);
    const detail = (m: Mode) => {
      const list = samples.get(m)!;
      const med = (k: keyof Sample) => [...list.map((s) => s[k])].sort((a, b) => a - b)[Math.floor(list.length / 2)] ?? NaN;
      return {
        extensions: cores.get(m)!.ws()?.extensions ?? '',
        medianPer10kEachWay: {
          sendBytesOut: med('sendOut'),
          sendBytesIn_acks: med('sendIn'),
          receiveBytesIn: med('recvIn'),
          framesIn_acksAndMessages: med('framesIn'),
          clientCpuMs: med('clientCpu'),
          serverCpuMs: med('serverCpu'),
        },
      };
    };
    const note = `per 10,000 messages sent by the core (acked) plus 10,000 received (frames ~200 bytes, every message a different word-like text from a ~90-word vocabulary); bytes = core socket bytesWritten + bytesRead; CPU = the core process's process.cpuUsage() (server CPU in details); ${repeats} repeats after a warm-up, modes interleaved. Baseline = 'off' in the same run.`;
    const figures: Figure[] = [];
    for (const m of MODES) {
      figures.push(
        figure({
          id: `compression.bytes.${m}`,
          section: 'compression',
          name: `wire bytes per 10k msgs each way, ${m}`,
          unit: 'B',
          samples: total(m),
          ...(m !== 'off' ? { baseline: { label: 'off', kind: 'measured' as const, samples: total('off') }, target: BYTES_TARGET } : {}),
          ...(m === 'off' ? { note } : {}),
          details: detail(m),
        }),
      );
    }
    for (const m of MODES) {
      figures.push(
        figure({
          id: `compression.cpu.${m}`,
          section: 'compression',
          name: `core CPU per 10k msgs each way, ${m}`,
          unit: 'ms',
          samples: cpu(m),
          ...(m !== 'off' ? { baseline: { label: 'off', kind: 'measured' as const, samples: cpu('off') }, target: CPU_TARGET } : {}),
          details: { serverCpuMs: samples.get(m)!.map((s) => s.serverCpu) },
        }),
      );
    }
    for (const c of cores.values()) await c.stop();
    cores.clear();
    figures.push(...(await benchBurst(ctx, srv)));
    return figures;
  } finally {
    for (const c of cores.values()) await c.stop();
    await srv.stop();
  }
}

type Burst = { bytes: number; bytesOut: number; bytesIn: number; cpu: number; serverCpu: number; ms: number };

/** One outbox drain: BURST messages queued while disconnected, then connect and wait until all are acked. */
async function burstOnce(srv: ServerProc, mode: Mode, run: number, count: number): Promise<Burst> {
  let current: WebSocket | undefined;
  const client = new ChatClient({
    config: { url: srv.roomUrl(`burst-${mode}-${run}`), token: 'token-alice', compression: mode },
    outboxStore: new MemoryOutboxStore(),
    socketFactory: (u, o) => (current = new WebSocket(u, o)),
  });
  const textBytes = textForFrame(200);
  for (let i = 0; i < count; i++) await client.send(chatText(textBytes, 9_000_001 * (run + 1) + i));
  try {
    const c0 = process.cpuUsage();
    const s0 = await srv.cpu();
    const t0 = performance.now();
    await client.start();
    await until(() => client.pendingCount() === 0, 60_000, `${mode}: burst of ${count} drained`);
    const ms = performance.now() - t0;
    const cpu = cpuMs(process.cpuUsage(c0));
    const serverCpu = cpuMs(await srv.cpu()) - cpuMs(s0);
    const sock = (current as unknown as { _socket: Socket })._socket;
    return { bytes: sock.bytesWritten + sock.bytesRead, bytesOut: sock.bytesWritten, bytesIn: sock.bytesRead, cpu, serverCpu, ms };
  } finally {
    await client.stop();
  }
}

async function benchBurst(ctx: Ctx, srv: ServerProc): Promise<Figure[]> {
  const samples = new Map<Mode, Burst[]>(MODES.map((m) => [m, []]));
  const count = ctx.sizes.tiny ? 100 : BURST;
  for (const mode of MODES) await burstOnce(srv, mode, 0, count); // warm-up
  for (let r = 0; r < (ctx.sizes.tiny ? 1 : BURST_REPEATS); r++) {
    ctx.check();
    for (const mode of MODES) {
      const b = await burstOnce(srv, mode, r + 1, count);
      samples.get(mode)!.push(b);
      ctx.log(
        `burst ${mode} ${r + 1}: ${b.bytes} B (out ${b.bytesOut}, in ${b.bytesIn}), client CPU ${b.cpu.toFixed(0)} ms, server CPU ${b.serverCpu.toFixed(0)} ms, ${b.ms.toFixed(0)} ms`,
      );
    }
  }
  const of = (m: Mode, k: keyof Burst) => samples.get(m)!.map((b) => b[k]);
  const note = `one burst of ${count} messages queued in the outbox while disconnected (frames ~200 bytes), drained at connect until all are acked; bytes = the core socket's bytesWritten + bytesRead from the upgrade on; CPU = the core process. Baseline = 'off' in the same run.`;
  const figures: Figure[] = [];
  for (const [kind, key, unit, target] of [
    ['bytes', 'bytes', 'B', BYTES_TARGET],
    ['cpu', 'cpu', 'ms', CPU_TARGET],
  ] as const) {
    for (const m of MODES) {
      figures.push(
        figure({
          id: `compression.burst.${kind}.${m}`,
          section: 'compression',
          name: `${kind === 'bytes' ? 'wire bytes' : 'core CPU'}, outbox drain of ${count} queued, ${m}`,
          unit,
          samples: of(m, key),
          ...(m !== 'off' ? { baseline: { label: 'off', kind: 'measured' as const, samples: of('off', key) }, target } : {}),
          ...(m === 'off' && kind === 'bytes' ? { note } : {}),
          details: { bytesOut: of(m, 'bytesOut'), bytesIn: of(m, 'bytesIn'), serverCpuMs: of(m, 'serverCpu'), drainMs: of(m, 'ms') },
        }),
      );
    }
  }
  return figures;
}
