/**
 * Replies, edits and recalls on the reference server (server/revisions.ts), on the memory, data-dir
 * and Redis stores: the rules (only the author edits or recalls, a recall only within the window, a
 * reply only to a message of the same conversation, by a member), what the others receive live
 * and on catch-up, and that a recalled text is gone from the history, search and the store itself.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Redis } from 'ioredis';
import type { ServerOptions } from '../../server/server';
import { conversationPeer, type ConversationPeer, type Frame } from '../helpers/conversation-peer';
import { THREE } from '../helpers/conversation-stores';
import { testServer, type TestServer } from '../helpers/server';
import { startRedis } from '../scale/scale-kit';

const ACTIONS = { features: 'conversations,edit,recall' };

interface Store {
  name: string;
  start(t: TestContext, extra?: Partial<ServerOptions>): Promise<TestServer>;
  /** Every byte the store holds, as text, to search for what must be gone. */
  dump(): Promise<string>;
}

function stores(): Store[] {
  let dir = '';
  let redisUrl = '';
  const server = async (t: TestContext, options: Partial<ServerOptions>) => {
    const srv = await testServer({ tokens: THREE, ...options });
    t.after(() => srv.stop());
    return srv;
  };
  return [
    { name: 'memory', start: (t, extra = {}) => server(t, extra), dump: async () => '' },
    {
      name: 'data-dir',
      start: (t, extra = {}) => {
        dir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-actions-'));
        t.after(() => rmSync(dir, { recursive: true, force: true }));
        return server(t, { dataDir: dir, ...extra });
      },
      dump: async () =>
        readdirSync(dir, { withFileTypes: true })
          .filter((f) => f.isFile())
          .map((f) => readFileSync(path.join(dir, f.name), 'utf8'))
          .join('\n'),
    },
    {
      name: 'redis',
      start: async (t, extra = {}) => {
        const redis = await startRedis({ persistent: false });
        redisUrl = redis.url;
        t.after(() => redis.dispose());
        return server(t, { redisUrl, ...extra });
      },
      dump: () => redisDump(redisUrl),
    },
  ];
}

/** Every key of the server's rooms in Redis, with its contents. */
async function redisDump(url: string): Promise<string> {
  const redis = new Redis(url, { protocol: 2 });
  try {
    const out: string[] = [];
    for (const key of await redis.keys('uos-chat:*')) {
      const type = await redis.type(key);
      const value =
        type === 'stream'
          ? await redis.xrange(key, '-', '+')
          : type === 'zset'
            ? await redis.zrange(key, '0', '-1')
            : type === 'hash'
              ? await redis.hgetall(key)
              : type === 'list'
                ? await redis.lrange(key, 0, -1)
                : type === 'set'
                  ? await redis.smembers(key)
                  : await redis.get(key);
      out.push(`${key} ${JSON.stringify(value)}`);
    }
    return out.join('\n');
  } finally {
    redis.disconnect();
  }
}

let ids = 0;

/** Sends a chat frame with these fields and resolves with its ack or error. */
function act(peer: ConversationPeer, conv: string, fields: Frame): Promise<Frame> {
  const id = `act-${++ids}`;
  peer.ws.send(JSON.stringify({ type: 'chat_message', id, message: '', conv, timestamp: new Date().toISOString(), ...fields }));
  return peer.next((f) => (f.type === 'ack' || f.type === 'error') && f.id === id, 10_000, `the answer to ${id}`);
}

interface Scene {
  srv: TestServer;
  alice: ConversationPeer;
  bob: ConversationPeer;
  room: string;
}

async function scene(t: TestContext, store: Store, extra: Partial<ServerOptions> = {}): Promise<Scene> {
  const srv = await store.start(t, extra);
  const alice = await conversationPeer(srv.url, 'token-alice', ACTIONS);
  const bob = await conversationPeer(srv.url, 'token-bob', ACTIONS);
  t.after(async () => {
    for (const p of [alice, bob]) if (p.ws.readyState === p.ws.OPEN) await p.close();
  });
  const room = (await alice.request({ type: 'create', name: 'board', kind: 'private', members: ['bob'] })).conversation.id as string;
  await alice.subscribe([{ conv: room }]);
  await bob.subscribe([{ conv: room }]);
  return { srv, alice, bob, room };
}

const seqOf = (ack: Frame): number => {
  assert.equal(ack.type, 'ack', JSON.stringify(ack));
  return ack.seq as number;
};

async function historyOf(peer: ConversationPeer, conv: string): Promise<Frame[]> {
  const ref = `h${++ids}`;
  peer.ws.send(JSON.stringify({ type: 'history', before: Number.MAX_SAFE_INTEGER, limit: 100, conv, ref }));
  return (await peer.next((f) => f.ref === ref, 10_000, 'a history page')).messages as Frame[];
}

for (const store of stores()) {
  test(`${store.name}: only the author edits or recalls, a reply names a message of the conversation, members only`, async (t) => {
    const { srv, alice, bob, room } = await scene(t, store);
    const first = seqOf(await alice.say(room, 'a1', 'the plan is tuesday'));
    for (const fields of [{ edit_of: first, message: 'bob was here' }, { recall_of: first }]) {
      const refused = await act(bob, room, fields);
      assert.equal(refused.code, 'not_author', JSON.stringify(refused));
      assert.match(refused.message, /only its sender/);
    }
    const missing = await act(bob, room, { reply_to: first + 100, message: 'what?' });
    assert.equal(missing.code, 'no_such_message');
    assert.equal((await act(alice, room, { edit_of: first, message: '   ' })).code, 'bad_frame', 'an edit to nothing is refused');
    const bad = await act(alice, room, { edit_of: first, recall_of: first });
    assert.equal(bad.code, 'bad_frame', 'one action per message');

    const carol = await conversationPeer(srv.url, 'token-carol', ACTIONS);
    t.after(() => carol.close());
    const intruder = await act(carol, room, { reply_to: first, message: 'me too' });
    assert.equal(intruder.code, 'forbidden', 'a reply into a conversation the user is not in');

    const reply = seqOf(await act(bob, room, { reply_to: first, message: 'tuesday works' }));
    const live = await alice.next((f) => f.type === 'chat_message' && f.seq === reply, 10_000, 'the reply');
    assert.equal(live.reply_to, first);
    assert.equal(live.user, 'bob');
    assert.equal(carol.frames.filter((f) => JSON.stringify(f).includes('tuesday')).length, 0, 'nothing reaches a non-member');

    // A recall resent after a lost ack is acked again with its seq, not refused as "already recalled".
    const frame = {
      type: 'chat_message',
      id: 'recall-once',
      message: '',
      conv: room,
      recall_of: first,
      timestamp: new Date().toISOString(),
    };
    alice.ws.send(JSON.stringify(frame));
    const once = await alice.next((f) => f.id === 'recall-once', 10_000, 'the recall');
    alice.ws.send(JSON.stringify(frame));
    const twice = await alice.next((f) => f.id === 'recall-once' && f !== once, 10_000, 'the resent recall');
    assert.deepEqual([once.type, twice.type, twice.seq], ['ack', 'ack', once.seq]);
  });

  test(`${store.name}: an edit and a recall reach the others live and on catch-up, and the text is gone everywhere`, async (t) => {
    const { srv, alice, bob, room } = await scene(t, store);
    const kept = seqOf(await alice.say(room, 'k1', 'meeting at 3'));
    const doomed = seqOf(await alice.say(room, 'd1', 'the password is hunter2'));
    const edit = seqOf(await act(alice, room, { edit_of: doomed, message: 'the password is swordfish' }));
    const heard = await bob.next((f) => f.type === 'chat_message' && f.seq === edit, 10_000, 'the edit, live');
    assert.deepEqual([heard.edit_of, heard.message, heard.user], [doomed, 'the password is swordfish', 'alice']);
    const found = await bob.request({ type: 'search', query: 'password' });
    assert.deepEqual(
      found.messages.map((m: Frame) => [m.seq, m.message]),
      [[doomed, 'the password is swordfish']],
      'search finds the new text on the message, not the old one, nor the edit',
    );

    // Bob goes away; alice edits one message and recalls the other.
    const bobSeen = Math.max(...bob.frames.filter((f) => f.conv === room && typeof f.seq === 'number').map((f) => f.seq as number));
    await bob.close();
    const edit2 = seqOf(await act(alice, room, { edit_of: kept, message: 'meeting at 4' }));
    const recall = seqOf(await act(alice, room, { recall_of: doomed }));

    const back = await conversationPeer(srv.url, 'token-bob', ACTIONS);
    t.after(() => back.close());
    await back.subscribe([{ conv: room, since: bobSeen }]);
    const caughtUp = await back.next((f) => f.type === 'chat_message' && f.seq === recall, 10_000, 'the recall on catch-up');
    assert.equal(caughtUp.recall_of, doomed);
    assert.equal(caughtUp.message, '');
    const edited = back.frames.find((f) => f.seq === edit2);
    assert.equal(edited?.edit_of, kept, 'the edit arrives on catch-up too');
    assert.equal(edited?.message, 'meeting at 4');

    const page = await historyOf(back, room);
    const bySeq = new Map(page.map((m) => [m.seq as number, m]));
    assert.deepEqual([bySeq.get(kept)?.message, bySeq.get(kept)?.edited], ['meeting at 4', edit2], 'the history keeps the latest text');
    assert.deepEqual([bySeq.get(doomed)?.message, bySeq.get(doomed)?.recalled], ['', true], 'the recalled message is there, empty');
    assert.deepEqual([bySeq.get(edit)?.message, bySeq.get(edit)?.superseded], ['', true], 'the edit it had is blanked too');
    assert.equal((await back.request({ type: 'search', query: 'password' })).messages.length, 0, 'search finds nothing of it');

    const everything = JSON.stringify(back.frames.filter((f) => f.seq !== edit)) + (await store.dump());
    for (const secret of ['hunter2', 'swordfish']) assert.ok(!everything.includes(secret), `"${secret}" is gone from the store`);
    if (store.name === 'data-dir') {
      await srv.restart();
      const again = await conversationPeer(srv.url, 'token-bob', ACTIONS);
      t.after(() => again.close());
      await again.subscribe([{ conv: room }]);
      const after = new Map((await historyOf(again, room)).map((m) => [m.seq as number, m]));
      assert.equal(after.get(doomed)?.recalled, true, 'still recalled after a restart');
      assert.equal(after.get(kept)?.message, 'meeting at 4', 'still edited after a restart');
    }
  });

  test(`${store.name}: an edit or recall is never unread, and the list's preview follows it`, async (t) => {
    const { alice, bob, room } = await scene(t, store);
    const one = seqOf(await alice.say(room, 'p1', 'draft'));
    seqOf(await act(alice, room, { edit_of: one, message: 'final' }));
    const seen = (await bob.request({ type: 'list' })).conversations.find((c: Frame) => c.id === room);
    assert.deepEqual([seen.unread, seen.last.message, seen.last.seq], [1, 'final', one], 'one unread message, shown with its latest text');
    seqOf(await act(alice, room, { recall_of: one }));
    const after = (await bob.request({ type: 'list' })).conversations.find((c: Frame) => c.id === room);
    assert.deepEqual([after.last.message, after.last.recalled], ['', true], 'the preview says it was recalled, and nothing of it');
  });

  test(`${store.name}: a recall after the window is refused`, async (t) => {
    const { alice, room } = await scene(t, store, { recallWindowMs: 1 });
    const seq = seqOf(await alice.say(room, 'w1', 'oops'));
    await new Promise((r) => setTimeout(r, 20));
    const late = await act(alice, room, { recall_of: seq });
    assert.equal(late.code, 'too_late', JSON.stringify(late));
    assert.match(late.message, /recalled for 0 s|recalled for/);
  });

  test(`${store.name}: a client that did not ask for edit and recall gets the rewritten messages, never the actions`, async (t) => {
    const { srv, alice, room } = await scene(t, store);
    const old = await conversationPeer(srv.url, 'token-bob');
    t.after(() => old.close());
    await old.subscribe([{ conv: room }]);
    const one = seqOf(await alice.say(room, 'o1', 'typo hree'));
    const two = seqOf(await alice.say(room, 'o2', 'never mind'));
    const fix = seqOf(await act(alice, room, { edit_of: one, message: 'typo here' }));
    seqOf(await act(alice, room, { recall_of: two }));
    const marker = seqOf(await alice.say(room, 'o3', 'last'));
    await old.next((f) => f.seq === marker, 10_000, 'the last message');
    assert.deepEqual(
      old.frames.filter((f) => f.type === 'chat_message').map((f) => f.seq),
      [one, two, marker],
      'neither the edit nor the recall is sent to it live',
    );
    const page = await historyOf(old, room);
    assert.deepEqual(
      page.map((m) => [m.seq, m.message]),
      [
        [one, 'typo here'],
        [marker, 'last'],
      ],
      'its history has the latest text, without the recalled message or the actions',
    );
    assert.ok(!page.some((m) => m.seq === fix));
  });
}
