/**
 * What the core's CPU work of issue 18 changed in behaviour (bench/notes/core-cpu.md).
 * One `entries` event per socket read: ws emits every frame of one read in the same task,
 * and the core stores and reports what they changed once, when that task ends. Against a
 * stand-in socket, so "one read" is exactly the frames emitted in one task. Also: the
 * emitter's kept listener list, one outbox commit per turn, the exact size limit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type WebSocket from 'ws';
import { ChatClient } from '../../electron/core/connection/client';
import { Emitter } from '../../electron/core/base/emitter';
import { MemoryOutboxStore } from '../../electron/core/store/outbox';
import type { LogEntry, MessageEntry } from '../../electron/common/contract';
import { ManualClock } from '../helpers/clock';

class StandInSocket extends EventEmitter {
  readyState = 1;
  extensions = '';
  readonly sent: string[] = [];
  send(data: string, opts?: unknown, cb?: (err?: Error) => void): void {
    this.sent.push(String(data));
    (typeof opts === 'function' ? (opts as () => void) : cb)?.();
  }
  ping(): void {}
  close(): void {}
  terminate(): void {}
  /** A frame from the server, as ws hands it to a 'message' listener. */
  frame(f: Record<string, unknown>): void {
    this.emit('message', Buffer.from(JSON.stringify(f)), false);
  }
}

async function connected(): Promise<{ client: ChatClient; ws: StandInSocket; events: LogEntry[][] }> {
  let ws: StandInSocket | undefined;
  const client = new ChatClient({
    config: { url: 'ws://127.0.0.1:1/ws/chat/r/', token: 't', compression: 'off' },
    clock: new ManualClock(),
    outboxStore: new MemoryOutboxStore(),
    socketFactory: () => (ws = new StandInSocket()) as unknown as WebSocket,
  });
  await client.start();
  assert.ok(ws, 'the client opened a socket');
  ws.emit('open');
  ws.frame({ type: 'connection_status', status: 'connected', features: ['ack', 'seq'], user_id: 'alice', seq: 0 });
  assert.equal(client.status().connection.kind, 'connected');
  await Promise.resolve(); // the hello's own task ends
  const events: LogEntry[][] = [];
  client.on('entries', (es) => events.push(es));
  return { client, ws, events };
}

const chat = (i: number, id = `m${i}`) => ({
  type: 'chat_message',
  id,
  user: 'bob',
  message: `text ${i}`,
  seq: i,
  timestamp: '2026-01-01T00:00:00.000Z',
});
const texts = (es: LogEntry[]) => es.map((e) => (e as MessageEntry).text);

test('frames of one read: one entries event after the read, in order, duplicates not shown twice', async () => {
  const { client, ws, events } = await connected();
  ws.frame(chat(1));
  ws.frame(chat(2));
  ws.frame(chat(1)); // a replayed duplicate
  ws.frame(chat(3));
  assert.equal(events.length, 0, 'nothing is reported while the read is handled');
  assert.deepEqual(texts(client.snapshot().entries), ['text 1', 'text 2', 'text 3'], 'the log itself is current at once');
  await Promise.resolve();
  assert.equal(events.length, 1);
  assert.deepEqual(texts(events[0]!), ['text 1', 'text 2', 'text 3']);
  await client.stop();
});

test('frames of separate reads are reported separately; an ack in a read with chat comes in the same list', async () => {
  const { client, ws, events } = await connected();
  ws.frame(chat(1));
  await new Promise<void>((resolve) => setImmediate(resolve));
  ws.frame(chat(2));
  await new Promise<void>((resolve) => setImmediate(resolve));
  assert.deepEqual(events.map(texts), [['text 1'], ['text 2']]);

  const sent = await client.send('mine');
  assert.ok(sent.ok);
  const id = sent.entry.id!;
  events.length = 0;
  ws.frame({ type: 'ack', id, seq: 3 });
  ws.frame(chat(4));
  await Promise.resolve();
  assert.equal(events.length, 1);
  const [own, other] = events[0] as MessageEntry[];
  assert.deepEqual([own?.key, own?.delivery, own?.seq, other?.text], [id, 'sent', 3, 'text 4']);
  await client.stop();
});

class Probe extends Emitter<{ x: number }> {
  fire(v: number): void {
    this.emit('x', v);
  }
}

test('emitter: listeners added or removed between emits are (not) called; a removal during an emit still gets that emit', () => {
  const p = new Probe();
  const got: string[] = [];
  const offA = p.on('x', (v) => got.push(`a${v}`));
  p.fire(1);
  const offB = p.on('x', (v) => {
    got.push(`b${v}`);
    offC(); // removed during the emit: still called for this one, not after
  });
  const offC = p.on('x', (v) => got.push(`c${v}`));
  p.fire(2);
  offA();
  p.fire(3);
  offB();
  p.fire(4);
  assert.deepEqual(got, ['a1', 'a2', 'b2', 'c2', 'b3']);
});

test('outbox: sends made in one turn are saved in one commit (one fsync for a burst); a lone send later is its own commit', async () => {
  const commits: number[] = [];
  const store = new MemoryOutboxStore();
  const commit = store.commit.bind(store);
  store.commit = (ops, items) => {
    commits.push(ops.length);
    return commit(ops, items);
  };
  const client = new ChatClient({
    config: { url: 'ws://127.0.0.1:1/ws/chat/r/', token: 't' },
    clock: new ManualClock(),
    outboxStore: store,
  });
  const results = await Promise.all(Array.from({ length: 32 }, (_, i) => client.send(`burst ${i}`)));
  assert.ok(results.every((r) => r.ok));
  assert.deepEqual(commits, [32]);
  assert.equal(store.saved.length, 32);
  await client.send('alone');
  assert.deepEqual(commits, [32, 1]);
});

test('the size limit is exact in UTF-8 bytes at the boundary (the cheap bound only skips counting well under it)', async () => {
  const client = new ChatClient({
    config: { url: 'ws://127.0.0.1:1/ws/chat/r/', token: 't' },
    clock: new ManualClock(),
    outboxStore: new MemoryOutboxStore(),
  });
  const limit = client.status().maxMessageBytes;
  const cjk = '字'.repeat(Math.floor(limit / 3)); // 3 bytes each
  const fill = 'a'.repeat(limit - cjk.length * 3);
  assert.ok((await client.send(cjk + fill)).ok, 'exactly the limit');
  const over = await client.send(cjk + fill + 'a');
  assert.equal(!over.ok && over.reason.code, 'TOO_LARGE');
  const overCjk = await client.send('字'.repeat(Math.floor(limit / 3) + 1));
  assert.equal(!overCjk.ok && overCjk.reason.code, 'TOO_LARGE');
  assert.ok((await client.send('a'.repeat(limit))).ok, 'ASCII at the limit');
  assert.equal(client.pendingCount(), 2);
});
