/**
 * Edits and recalls in the Redis room store across nodes (server/redis-revisions.ts): two stores
 * in this process, as two nodes, on one real Redis.
 * - A node whose stream reader had not yet read a message when it was recalled finds a hole in
 *   the stream where it was: it delivers the rewritten message from `revs`, then the recall, and
 *   does not mistake the hole for lost history (which would make every client reconnect).
 * - Edits and a recall racing from two nodes never leave an edited text behind the recall.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { redisConnector, type RedisRole } from '../../server/redis-link';
import { RedisRoomStore } from '../../server/redis-room-store';
import type { NewMessage, StoredMessage } from '../../server/room-store';
import { startRedis } from '../scale/scale-kit';
import { withTimeout } from '../helpers/wait';

const OPTIONS = { historyLimit: 1000, dedupLimit: 1000, recallWindowMs: 120_000, log: () => undefined };

function message(id: string, fields: Partial<NewMessage> = {}): NewMessage {
  return { type: 'chat_message', id, user: 'alice', message: '', timestamp: new Date().toISOString(), conv: 'room', ...fields };
}

/** A store whose reader waits for `gate` before each XREAD while one is set. */
function gatedStore(url: string, gate: { wait?: Promise<void> }): RedisRoomStore {
  const connect = redisConnector(url, () => undefined);
  return new RedisRoomStore({
    ...OPTIONS,
    connect: (role: RedisRole): Redis => {
      const redis = connect(role);
      if (role !== 'reader') return redis;
      const call = redis.call.bind(redis) as (...args: unknown[]) => Promise<unknown>;
      (redis as unknown as { call: (...args: unknown[]) => Promise<unknown> }).call = async (...args: unknown[]) => {
        if (args[0] === 'XREAD' && gate.wait) await gate.wait;
        return call(...args);
      };
      return redis;
    },
  });
}

test('redis: a node that reads a recall before the message it recalled delivers both, in order, and no reset', async (t) => {
  const redis = await startRedis({ persistent: false });
  t.after(() => redis.dispose());
  const gate: { wait?: Promise<void> } = {};
  let open!: () => void;
  gate.wait = new Promise((r) => (open = r));
  const nodeA = new RedisRoomStore({ ...OPTIONS, connect: redisConnector(redis.url, () => undefined) });
  const nodeB = gatedStore(redis.url, gate);
  t.after(async () => {
    await nodeA.close();
    await nodeB.close();
  });
  await Promise.all([nodeA.connected(5_000), nodeB.connected(5_000)]);
  const heard: StoredMessage[] = [];
  let resets = 0;
  let both!: () => void;
  const heardBoth = new Promise<void>((r) => (both = r));
  const watch = nodeB.room('room').watch({
    message: (m) => {
      if (heard.push(m) === 2) both();
    },
    reset: () => (resets += 1),
  });
  t.after(() => watch.close());
  await watch.ready;

  const room = nodeA.room('room');
  const sent = await room.append(message('m1', { message: 'sent to the wrong room' }));
  assert.ok('stored' in sent);
  const recall = await room.append(message('r1', { recall_of: sent.stored.seq }));
  assert.ok('stored' in recall, JSON.stringify(recall));
  gate.wait = undefined;
  open();

  await withTimeout(heardBoth, 10_000, 'node B to hear both');
  assert.equal(resets, 0, 'a rewritten message is not lost history');
  assert.deepEqual(
    heard.map((m) => [m.seq, m.message, m.recalled ?? false, m.recall_of ?? 0]),
    [
      [sent.stored.seq, '', true, 0],
      [recall.stored.seq, '', false, sent.stored.seq],
    ],
  );
});

test('redis: edits and a recall racing from two nodes leave no edited text behind the recall', async (t) => {
  const redis = await startRedis({ persistent: false });
  t.after(() => redis.dispose());
  const nodes = [0, 1].map(() => new RedisRoomStore({ ...OPTIONS, connect: redisConnector(redis.url, () => undefined) }));
  t.after(() => Promise.all(nodes.map((n) => n.close())));
  await Promise.all(nodes.map((n) => n.connected(5_000)));
  for (let round = 0; round < 10; round++) {
    const name = `race-${round}`;
    const first = await nodes[0]!.room(name).append(message(`m-${round}`, { message: 'original' }));
    assert.ok('stored' in first);
    const target = first.stored.seq;
    const edits = Array.from({ length: 6 }, (_, i) =>
      nodes[i % 2]!.room(name).append(message(`e-${round}-${i}`, { edit_of: target, message: `edit number ${i}` })),
    );
    const recall = nodes[round % 2]!.room(name).append(message(`r-${round}`, { recall_of: target }));
    const results = await Promise.all([...edits, recall]);
    assert.ok('stored' in results.at(-1)!, `the recall is stored: ${JSON.stringify(results)}`);
    for (const r of results.slice(0, -1))
      assert.ok('stored' in r || ('refused' in r && r.refused.code === 'no_such_message'), JSON.stringify(r));
    const kept = await nodes[1]!.room(name).since(0);
    const text = kept.messages.map((m) => m.message).join('|');
    assert.ok(!/edit number|original/.test(text), `round ${round}: nothing of the recalled message is left: ${text}`);
    assert.equal(kept.messages.find((m) => m.seq === target)?.recalled, true);
  }
});
