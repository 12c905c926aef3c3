/**
 * Profiling aid for the inbound path (not part of npm run bench):
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile-core.ts [off|deflate][-single] [N] [repeats]
 * `-single`: the core does not announce `features`, so it gets one frame per message (as the bare client does).
 * Drains N ~200-byte chat_message frames into a ChatClient and into a bare ws client,
 * interleaved (the paused-socket method of bench/throughput.ts), and prints both rates
 * and their ratio per repeat (a quick same-run A/B while changing the core); then does
 * N sequential round trips (echo server, at most 5,000).
 */
import { performance } from 'node:perf_hooks';
import type WebSocket from 'ws';
import { startBare, startCore } from './clients';
import { chatText, startServerProc, textForFrame, until } from './lib';

async function main() {
  const [mode, single] = (process.argv[2] ?? 'off').split('-') as ['off' | 'deflate', string | undefined];
  const n = Number(process.argv[3] ?? 100_000);
  const repeats = Number(process.argv[4] ?? 1);
  const srv = await startServerProc({ echo: true });
  const core = await startCore(srv.roomUrl('prof', ''), { compression: mode }, 'token-alice', { singleFrames: single === 'single' });
  const bare = await startBare(srv.roomUrl('prof-bare'), mode === 'deflate');
  let count = 0;
  core.client.on('entries', (es) => {
    for (const e of es) if (e.kind === 'message' && !e.own) count++;
  });
  let bareCount = 0;
  bare.ws.on('message', (data: WebSocket.RawData) => {
    if ((JSON.parse(data.toString()) as { type: string }).type === 'chat_message') bareCount++;
  });
  const drain = async (ws: WebSocket, room: string, counter: () => number) => {
    const before = counter();
    ws.pause();
    await srv.flood(room, n, textForFrame(200));
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    ws.resume();
    await until(() => counter() - before >= n, 300_000, 'drain', 1);
    const cpu = process.cpuUsage(cpu0);
    return { rate: n / ((performance.now() - t0) / 1000), cpuUs: (cpu.user + cpu.system) / n };
  };
  for (let r = 0; r < repeats; r++) {
    const c = await drain(core.ws()!, 'prof', () => count);
    const b = await drain(bare.ws, 'prof-bare', () => bareCount);
    console.log(
      `drain: core ${c.rate.toFixed(0)} msg/s ${c.cpuUs.toFixed(2)} µs CPU/msg, bare ${b.rate.toFixed(0)} msg/s ${b.cpuUs.toFixed(2)} µs CPU/msg; ratio ${(c.rate / b.rate).toFixed(2)} (CPU ${(b.cpuUs / c.cpuUs).toFixed(2)})`,
    );
  }
  const rt = Math.min(n, 5_000);
  const t1 = performance.now();
  for (let i = 0; i < rt; i++) {
    await new Promise<void>((resolve) => {
      const off = core.client.on('frame', (f) => {
        if (f.type === 'chat_response') {
          off();
          resolve();
        }
      });
      void core.client.send(chatText(100, i));
    });
  }
  console.log(`round trips: ${(((performance.now() - t1) / rt) * 1000).toFixed(0)} µs mean`);
  await core.stop();
  await bare.close();
  await srv.stop();
  process.exit(0);
}
void main();
