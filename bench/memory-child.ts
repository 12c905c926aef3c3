/**
 * The measured process for bench/memory.ts: one ChatClient (as shipped: permessage-deflate,
 * in-memory outbox) and a ChatService whose pushes go to a sink that drops them (the main
 * process with a window, minus the window). Reports memory on request over the fork channel.
 */
import { ChatClient } from '../electron/core/connection';
import { bareService } from '../tests/helpers/service-doubles';
import { MemoryOutboxStore } from '../electron/core/store';
import { tuneHeapForLongRunning } from '../electron/core/desktop';

const url = process.argv[2]!;
// 'as-main': the heap tuning electron/main applies at startup; 'node-defaults': none.
if (process.argv[3] === 'as-main') tuneHeapForLongRunning();
let received = 0;
const client = new ChatClient({ config: { url, token: 'token-alice' }, outboxStore: new MemoryOutboxStore() });
const service = bareService(client);
service.attach({ push: () => {} });
client.on('entries', (es) => {
  for (const e of es) if (e.kind === 'message' && !e.own) received++;
});
client.on('status', (s) => {
  if (s.connection.kind === 'connected') process.send?.({ type: 'ready' });
});
const mem = () => {
  const m = process.memoryUsage();
  return {
    rss: m.rss,
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
    received,
    entries: client.snapshot().entries.length,
    cpu: process.cpuUsage(),
  };
};
process.on('message', (m: { type: string }) => {
  if (m.type === 'sample') process.send?.({ type: 'sample', ...mem() });
  if (m.type === 'final') {
    const before = mem();
    (globalThis as { gc?: () => void }).gc?.();
    process.send?.({ type: 'final', before, after: mem() });
  }
});
process.on('disconnect', () => process.exit(0));
void client.start();
