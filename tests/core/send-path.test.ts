/**
 * The send path's timing and the shared ISO-date helper (no sockets: a client that never connects).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatClient } from '../../electron/core/connection/client';
import { isoAt } from '../../electron/core/base/clock';
import { MemoryOutboxStore } from '../../electron/core/store/outbox';
import { ManualClock } from '../helpers/clock';

test('send() without an account switch under way takes the message into the outbox at once, before its promise settles', async () => {
  const store = new MemoryOutboxStore();
  const clock = new ManualClock();
  const c = new ChatClient({
    config: { url: 'ws://127.0.0.1:1/ws', token: 't' },
    clock,
    outboxStore: store,
    socketFactory: () => {
      throw new Error('not used');
    },
  });
  const sent = c.send('你好');
  // Queued in the same turn (an extra `await` before delivery used to leave it for a later microtask):
  // a stop() or a switch called right after send() sees it.
  assert.equal(c.pendingCount(), 1);
  const r = await sent;
  assert.ok(r.ok);
  assert.equal(r.entry.timestamp, new Date(clock.now()).toISOString());
  assert.equal(store.saved.length, 1);
  assert.deepEqual(await c.send('   '), { ok: false, reason: { code: 'EMPTY_MESSAGE' } });
  assert.equal(c.pendingCount(), 1);
});

test('isoAt formats like Date#toISOString for every millisecond, including repeats and going back', () => {
  for (const ms of [0, 1, 1, 1_700_000_000_123, 1_700_000_000_123, 1_700_000_000_124, 5, -1, 8.64e15]) {
    assert.equal(isoAt(ms), new Date(ms).toISOString());
  }
  assert.throws(() => isoAt(Number.NaN), RangeError);
});
