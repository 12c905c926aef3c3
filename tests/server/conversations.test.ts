/**
 * Conversations on the reference server, on the memory and the Redis store alike: one
 * connection carries all of a user's rooms and DMs; create, open_dm (one per pair), join,
 * leave and invite; unread counts and @mentions per user, the same from a second device
 * and after a restart; the design notes' one-room connection keeps working beside it.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { conversationPeer, type ConversationPeer } from '../helpers/conversation-peer';
import { STORES, THREE } from '../helpers/conversation-stores';
import { testServer, type TestServer } from '../helpers/server';
import { wirePeer } from '../scale/scale-kit';

/** Peers closed when the test ends (before the server, which was registered first). */
async function peer(t: TestContext, srv: TestServer, token: string): Promise<ConversationPeer> {
  const p = await conversationPeer(srv.url, token);
  t.after(() => (p.ws.readyState === p.ws.OPEN ? p.close() : undefined));
  return p;
}

for (const store of STORES) {
  test(`${store.name}: a new user is greeted with the conversation list, already in lobby`, async (t) => {
    const srv = await store.start(t);
    const alice = await peer(t, srv, 'token-alice');
    const status = alice.frames.find((f) => f.type === 'connection_status')!;
    assert.ok(status.features.includes('conversations'), 'the feature is announced');
    assert.deepEqual(
      alice.greeting.conversations.map((c: any) => [c.id, c.kind]),
      [['lobby', 'room']],
    );
  });

  test(`${store.name}: a private room carries its members' messages over one socket each, with conv`, async (t) => {
    const srv = await store.start(t);
    const alice = await peer(t, srv, 'token-alice');
    const bob = await peer(t, srv, 'token-bob');
    const created = await alice.request({ type: 'create', name: '项目组', kind: 'private', members: ['bob'] });
    assert.equal(created.type, 'conversation');
    const id = created.conversation.id as string;
    assert.match(id, /^c_[A-Za-z0-9_-]{16}$/);
    assert.deepEqual(created.conversation.members, ['alice', 'bob']);
    // Bob hears of it without asking, and subscribes.
    await bob.next((f) => f.type === 'conversation' && f.conversation.id === id, 5_000, 'bob told of the room');
    const [sub] = await bob.subscribe([{ conv: id }]);
    assert.equal(sub!.type, 'subscribed');
    await alice.subscribe([{ conv: id }]);
    const ack = await alice.say(id, 'm1', '你好 @bob');
    assert.equal(ack.type, 'ack');
    assert.equal(ack.conv, id);
    const got = await bob.next((f) => f.type === 'chat_message' && f.id === 'm1', 5_000, 'bob receives m1');
    assert.equal(got.conv, id);
    assert.deepEqual(got.mentions, ['bob']);
  });

  test(`${store.name}: one DM per pair, found again by either side`, async (t) => {
    const srv = await store.start(t);
    const alice = await peer(t, srv, 'token-alice');
    const bob = await peer(t, srv, 'token-bob');
    const fromAlice = await alice.request({ type: 'open_dm', user: 'bob' });
    const fromBob = await bob.request({ type: 'open_dm', user: 'alice' });
    assert.equal(fromAlice.conversation.kind, 'dm');
    assert.equal(fromAlice.conversation.id, fromBob.conversation.id);
    const again = await alice.request({ type: 'open_dm', user: 'bob' });
    assert.equal(again.conversation.id, fromAlice.conversation.id);
    const unknown = await alice.request({ type: 'open_dm', user: 'mallory' });
    assert.equal(unknown.code, 'unknown_user');
  });

  test(`${store.name}: unread and mention counts per user, the same from a second device, cleared by read`, async (t) => {
    const srv = await store.start(t);
    const alice = await peer(t, srv, 'token-alice');
    const bob1 = await peer(t, srv, 'token-bob');
    const room = (await alice.request({ type: 'create', name: 'team', kind: 'room', members: ['bob'] })).conversation.id as string;
    await alice.subscribe([{ conv: room }]);
    for (const [i, text] of ['one', 'two @bob', 'three'].entries()) assert.equal((await alice.say(room, `u${i}`, text)).type, 'ack');
    const bob2 = await peer(t, srv, 'token-bob');
    const entry = bob2.greeting.conversations.find((c: any) => c.id === room);
    assert.equal(entry.unread, 3);
    assert.equal(entry.mentions, 1);
    assert.equal(entry.last.message, 'three');
    // Alice's own messages are not unread for her.
    const mine = (await alice.request({ type: 'list' })).conversations.find((c: any) => c.id === room);
    assert.equal(mine.unread, 0);
    // Bob reads on one device; the other hears of it, and a third connection's list agrees.
    bob1.ws.send(JSON.stringify({ type: 'read', conv: room, seq: entry.seq }));
    const marker = await bob2.next((f) => f.type === 'read_marker' && f.conv === room, 5_000, 'read_marker on the second device');
    assert.equal(marker.seq, entry.seq);
    const bob3 = await peer(t, srv, 'token-bob');
    const after = bob3.greeting.conversations.find((c: any) => c.id === room);
    assert.deepEqual([after.unread, after.mentions, after.read], [0, 0, entry.seq]);
  });

  test(`${store.name}: leave and invite change who is in, and the list of every member`, async (t) => {
    const srv = await store.start(t);
    const alice = await peer(t, srv, 'token-alice');
    const bob = await peer(t, srv, 'token-bob');
    const carol = await peer(t, srv, 'token-carol');
    const room = (await alice.request({ type: 'create', name: 'secret', kind: 'private', members: [] })).conversation.id as string;
    const invited = await alice.request({ type: 'invite', conv: room, user: 'bob' });
    assert.deepEqual(invited.conversation.members, ['alice', 'bob']);
    await bob.next((f) => f.type === 'conversation' && f.conversation.id === room, 5_000, 'bob invited');
    // Only members invite.
    assert.equal((await carol.request({ type: 'invite', conv: room, user: 'carol' })).code, 'forbidden');
    await bob.subscribe([{ conv: room }]);
    const left = await bob.request({ type: 'leave', conv: room });
    assert.equal(left.type, 'left');
    // Out means out: no more messages, no history.
    await alice.subscribe([{ conv: room }]);
    await alice.say(room, 'after-leave', 'bob must not see this');
    assert.equal((await bob.request({ type: 'history', conv: room, before: 100, limit: 10 })).code, 'forbidden');
    assert.equal(
      bob.frames.some((f) => f.type === 'chat_message' && f.id === 'after-leave'),
      false,
    );
    // A public room anyone may join; a DM cannot be left.
    const pub = (await alice.request({ type: 'create', name: 'open', kind: 'room', members: [] })).conversation.id as string;
    assert.equal((await carol.request({ type: 'join', conv: pub })).type, 'conversation');
    const dm = (await alice.request({ type: 'open_dm', user: 'carol' })).conversation.id as string;
    assert.equal((await alice.request({ type: 'leave', conv: dm })).code, 'bad_frame');
  });

  test(`${store.name}: the design notes' one-room connection still works, in lobby and in a room named in the URL`, async (t) => {
    const srv = await store.start(t);
    const legacy = await wirePeer(srv.url, { token: 'token-bob', room: 'lobby' });
    t.after(() => legacy.close());
    const status = await legacy.next((f) => f.type === 'connection_status', 5_000, 'the greeting');
    assert.equal(legacy.frames[0], status, 'the greeting comes first');
    assert.equal(status.seq, 0);
    const alice = await peer(t, srv, 'token-alice');
    await alice.subscribe([{ conv: 'lobby' }]);
    await alice.say('lobby', 'hello', 'hello lobby');
    const got = await legacy.next((f) => f.type === 'chat_message' && f.id === 'hello', 5_000, 'the legacy client gets it');
    assert.equal(got.message, 'hello lobby');
    legacy.send('back', 'hello from the one-room client');
    await alice.next((f) => f.type === 'chat_message' && f.id === 'back' && f.conv === 'lobby', 5_000, 'alice gets it in lobby');
  });
}

test('memory with a data dir: conversations, members and read markers survive a restart', async (t) => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-conv-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const srv = await testServer({ tokens: THREE, dataDir });
  t.after(() => srv.stop());
  const alice = await conversationPeer(srv.url, 'token-alice');
  const room = (await alice.request({ type: 'create', name: '周报', kind: 'private', members: ['bob'] })).conversation.id as string;
  await alice.subscribe([{ conv: room }]);
  await alice.say(room, 'w1', 'first');
  await alice.say(room, 'w2', 'second @bob');
  const bob = await conversationPeer(srv.url, 'token-bob');
  bob.ws.send(JSON.stringify({ type: 'read', conv: room, seq: 1 }));
  await bob.next((f) => f.type === 'read_marker' && f.conv === room, 5_000, 'read_marker');
  await alice.close();
  await bob.close();
  await srv.restart();
  const again = await conversationPeer(srv.url, 'token-bob');
  t.after(() => again.close());
  const entry = again.greeting.conversations.find((c: any) => c.id === room);
  assert.ok(entry, 'the room is still there');
  assert.equal(entry.name, '周报');
  assert.deepEqual([entry.read, entry.unread, entry.mentions], [1, 1, 1]);
});
