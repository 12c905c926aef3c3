/**
 * Profiling aid for the inbound path (not part of npm run bench):
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile-core.ts [off|deflate] [N]
 * Drains N ~200-byte chat_message frames into a ChatClient (paused-socket method of
 * bench/throughput.ts), then does N sequential round trips (echo server).
 */
import { performance } from 'node:perf_hooks';
import { startCore } from './clients';
import { chatText, startServerProc, textForFrame, until } from './lib';

async function main() {
  const mode = (process.argv[2] ?? 'off') as 'off' | 'deflate';
  const n = Number(process.argv[3] ?? 100_000);
  const srv = await startServerProc({ echo: true });
  const core = await startCore(srv.roomUrl('prof', ''), { compression: mode });
  let count = 0;
  core.client.on('entries', (es) => {
    for (const e of es) if (e.kind === 'message' && !e.own) count++;
  });
  const ws = core.ws()!;
  ws.pause();
  await srv.flood('prof', n, textForFrame(200));
  const t0 = performance.now();
  ws.resume();
  await until(() => count >= n, 300_000, 'drain', 1);
  console.log(`drain: ${(n / ((performance.now() - t0) / 1000)).toFixed(0)} msg/s`);
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
  await srv.stop();
  process.exit(0);
}
void main();
