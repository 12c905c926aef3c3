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
 */
import type { Socket } from 'node:net';
import { startCore, type Core } from './clients';
import { chatText, cpuMs, startServerProc, textForFrame, until, type Ctx } from './lib';
import { figure, type Figure } from './report';

const MODES = ['off', 'deflate', 'zlib'] as const;
type Mode = (typeof MODES)[number];

export async function benchCompression(ctx: Ctx): Promise<Figure[]> {
  const n = ctx.sizes.compression.messages;
  const per10k = 10_000 / n;
  const srv = await startServerProc({ compression: 'deflate' });
  const cores = new Map<Mode, Core & { received: () => number }>();
  try {
    for (const mode of MODES) {
      const core = await startCore(srv.roomUrl(`cmp-${mode}`, ''), { compression: mode });
      let received = 0;
      core.client.on('entries', (es) => {
        for (const e of es) if (e.kind === 'message' && !e.own) received++;
      });
      cores.set(mode, { ...core, received: () => received });
    }
    const textBytes = textForFrame(200);
    type Sample = { bytesOut: number; bytesIn: number; sendOut: number; sendIn: number; recvIn: number; clientCpu: number; serverCpu: number };
    const samples = new Map<Mode, Sample[]>(MODES.map((m) => [m, []]));
    const one = async (mode: Mode, repeat: number): Promise<Sample> => {
      const core = cores.get(mode)!;
      const sock = (core.ws() as unknown as { _socket: Socket })._socket;
      const w0 = sock.bytesWritten;
      const r0 = sock.bytesRead;
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
        clientCpu: cpuMs(c1) * per10k,
        serverCpu: (cpuMs(s1) - cpuMs(s0)) * per10k,
      };
    };
    for (const mode of MODES) await one(mode, 0); // warm-up
    for (let r = 0; r < ctx.sizes.repeats; r++) {
      ctx.check();
      for (const mode of MODES) {
        const s = await one(mode, r + 1);
        samples.get(mode)!.push(s);
        ctx.log(`compression ${mode} ${r + 1}: out ${s.bytesOut.toFixed(0)} B, in ${s.bytesIn.toFixed(0)} B, client CPU ${s.clientCpu.toFixed(0)} ms, server CPU ${s.serverCpu.toFixed(0)} ms (per 10k each way)`);
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
          clientCpuMs: med('clientCpu'),
          serverCpuMs: med('serverCpu'),
        },
      };
    };
    const note = `per 10,000 messages sent by the core (acked) plus 10,000 received (frames ~200 bytes, every message a different word-like text from a ~90-word vocabulary); bytes = core socket bytesWritten + bytesRead; CPU = the core process's process.cpuUsage() (server CPU in details); ${ctx.sizes.repeats} repeats after a warm-up, modes interleaved. Baseline = 'off' in the same run.`;
    const figures: Figure[] = [];
    for (const m of MODES) {
      figures.push(
        figure({
          id: `compression.bytes.${m}`,
          section: 'compression',
          name: `wire bytes per 10k msgs each way, ${m}`,
          unit: 'B',
          samples: total(m),
          ...(m !== 'off' ? { baseline: { label: 'off', kind: 'measured' as const, samples: total('off') } } : {}),
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
          ...(m !== 'off' ? { baseline: { label: 'off', kind: 'measured' as const, samples: cpu('off') } } : {}),
          details: { serverCpuMs: samples.get(m)!.map((s) => s.serverCpu) },
        }),
      );
    }
    return figures;
  } finally {
    for (const c of cores.values()) await c.stop();
    await srv.stop();
  }
}
