/**
 * Three reference server nodes as separate processes on one Redis (Debian's
 * redis-server): delivery, resume and dedup across nodes, the gap after Redis
 * restarts empty, and connections per token counted across nodes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChatClient } from '../../electron/core/connection/client';
import type { MessageEntry } from '../../electron/common/contract';
import { RedisConnectionCounter } from '../../server/redis-connection-counter';
import { redisConnector } from '../../server/redis-link';
import { until, withTimeout } from '../helpers/wait';
import { startNode, startRedis, wirePeer, type ChatNode, type RedisServer } from './scale-kit';

async function cluster(
  t: { after(fn: () => Promise<void>): void },
  opts: { persistent: boolean; extra?: string[] },
): Promise<{ redis: RedisServer; nodes: ChatNode[] }> {
  const redis = await startRedis(opts);
  const nodes: ChatNode[] = [];
  t.after(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await redis.dispose();
  });
  for (let i = 0; i < 3; i++) nodes.push(await startNode(redis.url, opts.extra));
  return { redis, nodes };
}

test('three nodes on Redis: cross-node delivery, resume on another node, dedup across nodes', { timeout: 90_000 }, async (t) => {
  const { redis, nodes } = await cluster(t, { persistent: false });
  const [n1, n2, n3] = nodes as [ChatNode, ChatNode, ChatNode];

  // A sender on node 1, a listener on node 3.
  const carol = await wirePeer(n3.url, { token: 'token-carol', room: 'r' });
  const alice = await wirePeer(n1.url, { token: 'token-alice', room: 'r' });
  for (let i = 1; i <= 20; i++) alice.send(`a-${i}`, `hello ${i}`);
  const acks = await Promise.all(
    Array.from({ length: 20 }, (_, i) => alice.next((f) => f.type === 'ack' && f.id === `a-${i + 1}`, 10_000, `ack ${i + 1}`)),
  );
  assert.deepEqual(
    acks.map((a) => a.seq),
    Array.from({ length: 20 }, (_, i) => i + 1),
    'seqs come from Redis, in order',
  );
  await carol.next((f) => f.type === 'chat_message' && f.id === 'a-20', 10_000, 'the last message on node 3');
  const atCarol = carol.frames.filter((f) => f.type === 'chat_message');
  assert.deepEqual(
    atCarol.map((f) => [f.id, f.seq, f.user]),
    acks.map((a, i) => [`a-${i + 1}`, a.seq, 'alice']),
    'node 3 delivered each once, in order',
  );
  assert.equal(alice.frames.filter((f) => f.type === 'chat_message').length, 0, 'the sender does not get its own messages back');

  // Resume across nodes: bob leaves node 1 at seq 20, misses 5 messages sent through node 3, resumes on node 2.
  const bob = await wirePeer(n1.url, { token: 'token-bob', room: 'r' });
  assert.equal((await bob.next((f) => f.type === 'connection_status')).seq, 20);
  await bob.close();
  for (let i = 1; i <= 5; i++) carol.send(`c-${i}`, `while bob was away ${i}`);
  await carol.next((f) => f.type === 'ack' && f.id === 'c-5', 10_000, 'carol acked');
  const back = await wirePeer(n2.url, { token: 'token-bob', room: 'r', since: '20' });
  await back.next((f) => f.type === 'chat_message' && f.id === 'c-5', 10_000, 'the replay');
  const hello = back.frames.find((f) => f.type === 'connection_status')!;
  assert.equal(hello.seq, 25);
  assert.equal(hello.gap, undefined, 'no gap: everything missed is in the history');
  const replayed = back.frames.filter((f) => f.type === 'chat_message');
  assert.deepEqual(
    replayed.map((f) => [f.id, f.seq, f.replay]),
    [1, 2, 3, 4, 5].map((i) => [`c-${i}`, 20 + i, true]),
  );

  // Dedup across nodes: the same id through node 1 and node 2 at once is stored once, both acked with its seq.
  const alice2 = await wirePeer(n2.url, { token: 'token-alice', room: 'r' });
  alice.send('dup-1', 'sent twice');
  alice2.send('dup-1', 'sent twice');
  const [ack1, ack2] = await Promise.all(
    [alice, alice2].map((p) => p.next((f) => f.type === 'ack' && f.id === 'dup-1', 10_000, 'the dup ack')),
  );
  assert.equal(ack1!.seq, 26);
  assert.equal(ack2!.seq, 26);
  alice.send('after-dup', 'next');
  await carol.next((f) => f.type === 'chat_message' && f.id === 'after-dup', 10_000, 'the message after the dup');
  assert.equal(carol.frames.filter((f) => f.type === 'chat_message' && f.id === 'dup-1').length, 1, 'seen once on node 3');
  assert.equal(back.frames.filter((f) => f.type === 'chat_message' && f.id === 'dup-1').length, 1, 'seen once on node 2');
  assert.equal(redis.cli('XLEN', 'uos-chat:room:{r}:log').trim(), '27', 'stored once');
  await Promise.all([alice, alice2, carol, back].map((p) => p.close()));
});

test('Redis restarted without persistence: live clients are asked to resume, and they show the gap', { timeout: 60_000 }, async (t) => {
  const { redis, nodes } = await cluster(t, { persistent: false });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-scale-gap-'));
  const mk = (token: string, node: ChatNode) =>
    new ChatClient({ config: { url: node.url, token, backoff: { baseMs: 20, capMs: 200, rateLimitedMs: 500, tlsMs: 500 } } });
  const alice = mk('token-alice', nodes[0]!);
  const carol = mk('token-carol', nodes[2]!);
  t.after(async () => {
    await alice.stop();
    await carol.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  await alice.start();
  await carol.start();
  // Carol keeps no history and asks for none on her first connection: she sees what is sent once she is connected.
  const connected = (c: ChatClient) => c.status().connection.kind === 'connected';
  await until(carol, () => connected(carol), 10_000, 'carol connected');
  await until(alice, () => connected(alice), 10_000, 'alice connected');
  const seen = (c: ChatClient, text: string) => c.snapshot().entries.some((e) => e.kind === 'message' && e.text === text && !e.own);
  for (let i = 1; i <= 5; i++) await alice.send(`before ${i}`);
  await until(carol, () => seen(carol, 'before 5'), 10_000, 'carol to have the first five');

  await redis.stop();
  await redis.start();
  await alice.send('after the restart');
  await until(carol, () => seen(carol, 'after the restart'), 20_000, 'carol to have the message sent after the restart');
  const entries = carol.snapshot().entries;
  const gapAt = entries.findIndex((e) => e.kind === 'marker' && e.marker === 'gap');
  assert.ok(gapAt >= 0, 'the gap marker shows');
  const after = entries.find((e): e is MessageEntry => e.kind === 'message' && e.text === 'after the restart')!;
  assert.equal(after.seq, 1, 'the room starts over in the new Redis');
  assert.equal(entries.filter((e) => e.kind === 'message' && e.text === 'after the restart').length, 1, 'once');
});

test('connections per token are counted across nodes, and a dead node’s count expires', { timeout: 60_000 }, async (t) => {
  const { redis, nodes } = await cluster(t, { persistent: false, extra: ['--max-connections', '2'] });
  const first = await wirePeer(nodes[0]!.url, { token: 'token-alice' });
  const second = await wirePeer(nodes[1]!.url, { token: 'token-alice' });
  const third = await wirePeer(nodes[2]!.url, { token: 'token-alice' });
  assert.deepEqual(await withTimeout(third.closed, 5_000, 'the third to be refused'), { code: 4008, reason: 'too many connections' });
  await second.close();
  // The place is given back when node 2 has seen the close (its ZREM is on its own way to Redis): try until then, bounded.
  let again = await wirePeer(nodes[2]!.url, { token: 'token-alice' });
  for (let tries = 1; again.frames[0]?.type !== 'connection_status' && tries < 50; tries++) {
    await new Promise((r) => setTimeout(r, 100));
    again = await wirePeer(nodes[2]!.url, { token: 'token-alice' });
  }
  assert.equal(again.frames[0]?.type, 'connection_status', 'a freed place is taken on another node');
  await Promise.all([first.close(), again.close()]);

  // A node that dies keeps no place: its members expire when it stops refreshing them.
  const log: string[] = [];
  const counter = (nodeId: string) =>
    new RedisConnectionCounter({ connect: redisConnector(redis.url, (l) => log.push(l)), nodeId, leaseMs: 3_000, log: (l) => log.push(l) });
  const dying = counter('dying');
  const living = counter('living');
  t.after(() => {
    dying.close();
    living.close();
  });
  await Promise.all([dying.connected(5_000), living.connected(5_000)]);
  assert.ok(await dying.acquire('token-x', 1), 'the dying node takes the only place');
  // Beyond one lease: the dying node still refreshes (every second), so its place holds. A lease of seconds, not
  // 300 ms, so that only a stall of ~2 s in this process (load, GC) could let it lapse, not an ordinary hiccup.
  await new Promise((r) => setTimeout(r, 4_500));
  assert.equal(await living.acquire('token-x', 1), undefined, 'refreshed: still taken');
  dying.close(); // as SIGKILL: no release, no more refreshing
  const deadline = Date.now() + 15_000;
  let lease;
  while (!(lease = await living.acquire('token-x', 1)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.ok(lease, 'the dead node’s place expired');
});
