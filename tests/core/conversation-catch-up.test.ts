/**
 * Many conversations on one socket: a client in 200 conversations misses 50 messages in
 * each while it is not running; on return it gets exactly those 10,000, each once on the
 * wire, in order within each conversation, over one socket, into each conversation's own store.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import WebSocket from 'ws';
import { decodeServerFrames, inboundText, MAX_INBOUND_FRAME_BYTES } from '../../protocol';
import type { MessageEntry } from '../../electron/common/contract';
import { ConversationClients } from '../../electron/core/conversations';
import type { SocketFactory } from '../../electron/core/connection/transport';
import { AccountDirectory } from '../../electron/core/store';
import { conversationPeer } from '../helpers/conversation-peer';
import { THREE } from '../helpers/conversation-stores';
import { testServer } from '../helpers/server';
import { stateIs, withTimeout } from '../helpers/wait';

const CONVERSATIONS = 200;
const MISSED = 50;

/** A real socket whose inbound chat frames are counted by conversation and id (batches and zlib frames unpacked). */
function countingFactory(seen: Map<string, number>): SocketFactory {
  return (url, options) => {
    const ws = new WebSocket(url, options);
    ws.on('message', (data, isBinary) => {
      const inbound = inboundText(data as Buffer, isBinary, MAX_INBOUND_FRAME_BYTES);
      if (!inbound.ok) return;
      for (const f of decodeServerFrames(inbound.text).frames) {
        if (f.type === 'chat_message' && f.id) seen.set(`${f.conv}/${f.id}`, (seen.get(`${f.conv}/${f.id}`) ?? 0) + 1);
      }
    });
    return ws;
  };
}

const texts = (clients: ConversationClients, conv: string) =>
  (clients.client(conv)?.snapshot().entries ?? []).filter((e): e is MessageEntry => e.kind === 'message').map((m) => m.text);

test(`${CONVERSATIONS} conversations × ${MISSED} missed: each message once, in order, over one socket`, { timeout: 240_000 }, async (t) => {
  const clientDir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-catchup-'));
  t.after(() => rmSync(clientDir, { recursive: true, force: true }));
  const srv = await testServer({ tokens: THREE, rateLimit: { messages: 1_000_000, windowMs: 60_000 } });
  t.after(() => srv.stop());
  const bob = await conversationPeer(srv.url, 'token-bob');
  t.after(() => bob.close());
  const made = await Promise.all(
    Array.from({ length: CONVERSATIONS }, (_, i) => bob.request({ type: 'create', name: `组 ${i}`, kind: 'private', members: ['alice'] })),
  );
  const rooms = made.map((a) => a.conversation.id as string);
  const config = { url: srv.url, token: 'token-alice', firstContactHistory: 0 };

  // First run: every conversation followed (and its resume point stored), then the client quits.
  const first = new ConversationClients({ config, accounts: new AccountDirectory({ base: clientDir }) });
  await first.start();
  first.followAll();
  for (const r of rooms) await stateIs(first.client(r)!, 'connected', 30_000);
  await first.stop();

  // While it is away: 50 messages in each conversation.
  await bob.subscribe(rooms.map((conv) => ({ conv })));
  const acked = new Set<string>();
  const allAcked = withTimeout(
    new Promise<void>((resolve) => {
      const onAck = (d: WebSocket.RawData) => {
        const f = JSON.parse(d.toString()) as { type: string; id: string };
        if (f.type === 'ack') acked.add(f.id);
        if (acked.size === CONVERSATIONS * MISSED) {
          bob.ws.off('message', onAck);
          resolve();
        }
      };
      bob.ws.on('message', onAck);
    }),
    120_000,
    'every missed message acked',
  );
  for (let n = 0; n < MISSED; n++)
    for (const [i, r] of rooms.entries())
      bob.ws.send(
        JSON.stringify({ type: 'chat_message', id: `m${i}-${n}`, conv: r, message: `${i}:${n}`, timestamp: new Date().toISOString() }),
      );
  await allAcked;

  // Second run: the same store, one socket, every conversation resumed from its own seq.
  const seen = new Map<string, number>();
  const before = srv.logs.filter((l) => l.startsWith('user alice connected from')).length;
  const second = new ConversationClients({
    config,
    accounts: new AccountDirectory({ base: clientDir }),
    socketFactory: countingFactory(seen),
  });
  t.after(() => second.stop());
  await second.start();
  second.followAll();
  const expected = (i: number) => Array.from({ length: MISSED }, (_, n) => `${i}:${n}`);
  await withTimeout(
    new Promise<void>((resolve) => {
      const check = () => (rooms.every((r, i) => texts(second, r).length >= expected(i).length) ? resolve() : undefined);
      const hook = () => second.all().forEach((c) => c.on('entries', check));
      second.on('list', hook);
      hook();
      check();
    }),
    120_000,
    'all missed messages shown',
  );
  for (const [i, r] of rooms.entries()) assert.deepEqual(texts(second, r), expected(i), `conversation ${i}: exactly its own, in order`);
  assert.equal(seen.size, CONVERSATIONS * MISSED, 'every missed message came');
  assert.deepEqual([...new Set(seen.values())], [1], 'each exactly once on the wire');
  assert.equal(srv.logs.filter((l) => l.startsWith('user alice connected from')).length - before, 1, 'over one socket');
});
