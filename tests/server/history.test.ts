/**
 * The history extension on the reference server, through the RoomStore interface, for both
 * stores: `history=N` on a first connection replays the room's newest N; a `history` frame
 * is answered by `history_page` (oldest first, `has_older`); `features` announces it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import type { ServerOptions } from '../../server/server';
import { startRedis } from '../scale/scale-kit';
import { testServer } from '../helpers/server';
import { withTimeout } from '../helpers/wait';

type Frame = {
  type: string;
  seq?: number;
  message?: string;
  messages?: Array<{ seq: number; message: string }>;
  has_older?: boolean;
  features?: string[];
  replay?: boolean;
};

/** A raw connection: its frames, and a way to wait for the next one of a type. */
async function connect(url: string, query: string): Promise<{ ws: WebSocket; frames: Frame[]; next(type: string): Promise<Frame> }> {
  const ws = new WebSocket(`${url}?token=token-alice${query}`);
  const frames: Frame[] = [];
  const waiters: Array<{ type: string; resolve: (f: Frame) => void }> = [];
  ws.on('message', (data) => {
    const f = JSON.parse(String(data)) as Frame;
    frames.push(f);
    const w = waiters.findIndex((x) => x.type === f.type);
    if (w >= 0) waiters.splice(w, 1)[0]!.resolve(f);
  });
  await withTimeout(
    new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    }),
    5_000,
    'open',
  );
  const used = new Set<Frame>();
  const next = (type: string): Promise<Frame> => {
    const ready = frames.find((f) => f.type === type && !used.has(f));
    if (ready) {
      used.add(ready);
      return Promise.resolve(ready);
    }
    return withTimeout(
      new Promise<Frame>((resolve) =>
        waiters.push({
          type,
          resolve: (f) => {
            used.add(f);
            return resolve(f);
          },
        }),
      ),
      5_000,
      type,
    );
  };
  return { ws, frames, next };
}

async function fill(url: string, count: number): Promise<void> {
  const bob = new WebSocket(`${url}?token=token-bob`);
  let acked = 0;
  await withTimeout(
    new Promise<void>((resolve) => {
      bob.on('message', (data) => {
        if ((JSON.parse(String(data)) as Frame).type === 'ack' && ++acked === count) resolve();
      });
      bob.on('open', () => {
        for (let i = 1; i <= count; i++) bob.send(JSON.stringify({ type: 'chat_message', id: `m${i}`, message: `message ${i}` }));
      });
    }),
    10_000,
    'acks',
  );
  bob.close();
}

async function historyWorks(options: Partial<ServerOptions>): Promise<void> {
  const srv = await testServer({ rateLimit: { messages: 100_000, windowMs: 60_000 }, ...options });
  try {
    await fill(srv.url, 120);
    const first = await connect(srv.url, '&history=30');
    const hello = await first.next('connection_status');
    assert.ok(hello.features!.includes('history'));
    first.ws.send(JSON.stringify({ type: 'ping' }));
    await first.next('pong');
    const replayed = first.frames.filter((f) => f.type === 'chat_message');
    assert.deepEqual(
      replayed.map((f) => f.seq),
      Array.from({ length: 30 }, (_, i) => 91 + i),
      'the newest 30, oldest first',
    );
    assert.ok(replayed.every((f) => f.replay === true));

    first.ws.send(JSON.stringify({ type: 'history', before: 91, limit: 50 }));
    const page = await first.next('history_page');
    assert.deepEqual(
      page.messages!.map((m) => m.seq),
      Array.from({ length: 50 }, (_, i) => 41 + i),
    );
    assert.equal(page.has_older, true);
    first.ws.send(JSON.stringify({ type: 'history', before: 41, limit: 50 }));
    const last = await first.next('history_page');
    assert.deepEqual(
      last.messages!.map((m) => m.message),
      Array.from({ length: 40 }, (_, i) => `message ${i + 1}`),
    );
    assert.equal(last.has_older, false);
    first.ws.send(JSON.stringify({ type: 'history', before: 'x', limit: 5 }));
    assert.equal((await first.next('error')).type, 'error');
    first.ws.close();

    const plain = await connect(srv.url, '');
    await plain.next('connection_status');
    plain.ws.send(JSON.stringify({ type: 'ping' }));
    await plain.next('pong');
    assert.equal(plain.frames.filter((f) => f.type === 'chat_message').length, 0, 'no history without asking');
    plain.ws.close();
  } finally {
    await srv.stop();
  }
}

test('history extension: memory room store', () => historyWorks({}));

test('history extension: Redis room store (XREVRANGE)', async (t) => {
  const redis = await startRedis({ persistent: false });
  t.after(() => redis.stop());
  await historyWorks({ redisUrl: redis.url });
});
