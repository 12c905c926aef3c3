/**
 * ConversationClients over the reference server (memory and Redis stores): every
 * conversation of a user on one socket, each message in its own conversation only, a
 * refused conversation refused without taking the others down, resume after the shared
 * socket drops, and the design notes' one-room server as the fallback.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { MessageEntry } from '../../electron/common/contract';
import type { ChatClient } from '../../electron/core/connection/client';
import { ConversationClients } from '../../electron/core/conversations';
import { AccountDirectory } from '../../electron/core/store';
import { conversationPeer } from '../helpers/conversation-peer';
import { STORES, THREE } from '../helpers/conversation-stores';
import { ManualClock } from '../helpers/clock';
import { rawServer } from '../helpers/raw-server';
import { testServer, type TestServer } from '../helpers/server';
import { stateIs, until, withTimeout } from '../helpers/wait';

const FAST = { backoff: { baseMs: 10, capMs: 50, rateLimitedMs: 50, tlsMs: 50 } };
const texts = (c: ChatClient | undefined) =>
  (c?.snapshot().entries ?? []).filter((e): e is MessageEntry => e.kind === 'message').map((m) => m.text);
const connections = (srv: TestServer, user: string) => srv.logs.filter((l) => l.startsWith(`user ${user} connected from`)).length;

async function clientsOf(t: { after(fn: () => Promise<void>): void }, url: string, token: string, extra: object = {}) {
  const clients = new ConversationClients({ config: { url, token, ...FAST }, ...extra });
  t.after(() => clients.stop());
  const ready = await withTimeout(clients.start(), 5_000, 'the greeting');
  return { clients, ready };
}

function waitFor(check: () => boolean, clients: ConversationClients, what: string, ms = 5_000): Promise<void> {
  if (check()) return Promise.resolve();
  return withTimeout(
    new Promise<void>((resolve) => {
      const poll = () => (check() ? resolve() : undefined);
      clients.on('list', poll);
      for (const c of clients.all().values()) c.on('entries', poll);
      // A client made after this call: the list event that made it is followed by its entries.
      clients.on('list', () => clients.all().forEach((c) => c.on('entries', poll)));
    }),
    ms,
    what,
  );
}

for (const store of STORES) {
  test(`${store.name}: every conversation on one socket; each message only in its own conversation`, async (t) => {
    const srv = await store.start(t);
    const bob = await conversationPeer(srv.url, 'token-bob');
    t.after(() => bob.close());
    const room = (await bob.request({ type: 'create', name: '项目组', kind: 'private', members: ['alice'] })).conversation.id as string;
    const dm = (await bob.request({ type: 'open_dm', user: 'alice' })).conversation.id as string;
    const { clients, ready } = await clientsOf(t, srv.url, 'token-alice');
    assert.equal(ready.multi, true);
    clients.followAll();
    assert.deepEqual([...clients.all().keys()].sort(), [room, dm].sort(), 'a client per conversation in the list');
    for (const conv of [room, dm]) await stateIs(clients.client(conv)!, 'connected');
    assert.equal(connections(srv, 'alice'), 1, 'one socket for both conversations');

    await bob.subscribe([{ conv: room }, { conv: dm }]);
    await bob.say(room, 'r1', 'in the room');
    await bob.say(dm, 'd1', 'in the DM');
    await waitFor(() => texts(clients.client(dm)).includes('in the DM'), clients, 'the DM message');
    await waitFor(() => texts(clients.client(room)).includes('in the room'), clients, 'the room message');
    assert.deepEqual(texts(clients.client(room)), ['in the room']);
    assert.deepEqual(texts(clients.client(dm)), ['in the DM']);

    const sent = await clients.client(dm)!.send('reply in the DM');
    assert.ok(sent.ok);
    const got = await bob.next((f) => f.type === 'chat_message' && f.message === 'reply in the DM', 5_000, 'bob gets the reply');
    assert.equal(got.conv, dm);
    await until(clients.client(dm)!, () => clients.client(dm)!.pendingCount() === 0, 5_000, 'acked');
    const listed = clients.link.list.get(room)!;
    assert.equal(listed.unread, 1, 'the list counts what came live');
  });

  test(`${store.name}: a conversation the user is not in is refused (FORBIDDEN, no retry); the others stay up`, async (t) => {
    const srv = await store.start(t);
    const bob = await conversationPeer(srv.url, 'token-bob');
    t.after(() => bob.close());
    const secret = (await bob.request({ type: 'create', name: 'secret', kind: 'private', members: ['carol'] })).conversation.id as string;
    const { clients } = await clientsOf(t, srv.url, 'token-alice');
    clients.followAll();
    const lobby = clients.client('lobby')!;
    await stateIs(lobby, 'connected');
    const refused = await stateIs(clients.follow(secret), 'auth-failed');
    assert.equal(refused.connection.kind === 'auth-failed' && refused.connection.reason.code, 'FORBIDDEN');
    await assert.rejects(clients.link.request({ type: 'invite', conv: secret, user: 'alice' }), { code: 'FORBIDDEN' });
    assert.equal(lobby.status().connection.kind, 'connected', 'the lobby is still up');
    assert.ok((await lobby.send('still here')).ok);
    await until(lobby, () => lobby.pendingCount() === 0, 5_000, 'lobby message acked');
  });
}

test('unread and mention counts: the same on a second device, cleared there by reading here, right after a restart', async (t) => {
  const srv = await testServer({ tokens: THREE });
  t.after(() => srv.stop());
  const bob = await conversationPeer(srv.url, 'token-bob');
  t.after(() => bob.close());
  const room = (await bob.request({ type: 'create', name: 'ops', kind: 'private', members: ['alice'] })).conversation.id as string;
  await bob.subscribe([{ conv: room }]);
  await bob.say(room, 'a', 'plain');
  await bob.say(room, 'b', '@alice look');
  const counts = (c: ConversationClients) => [c.link.list.get(room)?.unread, c.link.list.get(room)?.mentions];
  const { clients: laptop } = await clientsOf(t, srv.url, 'token-alice');
  laptop.followAll(); // live messages are counted in conversations followed
  const { clients: desktop } = await clientsOf(t, srv.url, 'token-alice');
  assert.deepEqual(counts(laptop), [2, 1]);
  assert.deepEqual(counts(desktop), [2, 1], 'the second device sees the same');

  assert.ok(laptop.link.markRead(room, laptop.link.list.get(room)!.seq));
  await waitFor(() => counts(desktop)[0] === 0, desktop, 'the read marker on the other device');
  assert.deepEqual(counts(desktop), [0, 0]);

  await bob.say(room, 'c', '@alice again');
  await waitFor(() => counts(laptop)[0] === 1, laptop, 'the new message counted live');
  await laptop.stop();
  const { clients: restarted } = await clientsOf(t, srv.url, 'token-alice');
  assert.deepEqual(counts(restarted), [1, 1], 'after a restart: only what came after the read marker');
});

test('the shared socket drops: every conversation resumes over one new socket, each missed message once', async (t) => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-cc-'));
  const clientDir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-cc-client-'));
  t.after(() => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(clientDir, { recursive: true, force: true });
  });
  const srv = await testServer({ tokens: THREE, dataDir });
  t.after(() => srv.stop());
  const bob = await conversationPeer(srv.url, 'token-bob');
  const rooms: string[] = [];
  for (const name of ['a', 'b', 'c'])
    rooms.push((await bob.request({ type: 'create', name, kind: 'private', members: ['alice'] })).conversation.id);
  bob.close();
  const { clients } = await clientsOf(t, srv.url, 'token-alice', { accounts: new AccountDirectory({ base: clientDir }) });
  clients.followAll();
  for (const r of rooms) await stateIs(clients.client(r)!, 'connected');

  await srv.restart();
  const bob2 = await conversationPeer(srv.url, 'token-bob');
  t.after(() => bob2.close());
  await bob2.subscribe(rooms.map((conv) => ({ conv })));
  for (const r of rooms) await bob2.say(r, `while-${r}`, `missed in ${r}`);
  for (const r of rooms) await waitFor(() => texts(clients.client(r)).includes(`missed in ${r}`), clients, `the message missed in ${r}`);
  for (const r of rooms) assert.deepEqual(texts(clients.client(r)), [`missed in ${r}`], 'once, and only in its conversation');
  assert.equal(connections(srv, 'alice'), 2, 'one socket before the restart, one after');
});

test("the design notes' server has no conversations: one client for the URL's room, on its own socket", async (t) => {
  const urls: string[] = [];
  const srv = await rawServer((ws) => {
    ws.send(JSON.stringify({ type: 'connection_status', status: 'connected', user_id: 7, timestamp: 't' }));
    ws.on('message', (d) => {
      const f = JSON.parse(d.toString());
      if (f.type === 'chat_message') ws.send(JSON.stringify({ type: 'chat_response', message: `echo: ${f.message}`, timestamp: 't2' }));
    });
  });
  srv.wss.on('connection', (_ws, req) => urls.push(req.url ?? ''));
  t.after(() => srv.close());
  const { clients, ready } = await clientsOf(t, `${srv.url}?room=ops`, 'x');
  assert.equal(ready.multi, false);
  const ops = clients.client('ops')!;
  assert.ok(ops, 'the URL room has its client');
  await stateIs(ops, 'connected');
  assert.deepEqual([...clients.all().keys()], ['ops']);
  await ops.send('hello django');
  await until(ops, () => texts(ops).includes('echo: hello django'), 5_000, 'the reply');
  const last = new URL(urls.at(-1)!, 'ws://x');
  assert.equal(last.searchParams.get('room'), 'ops', 'the room is in the URL, as the design notes have it');
  assert.ok(!srv.received.some((r) => r.includes('"subscribe"')), 'no conversation frame reached it');
});

test('one heartbeat for the shared socket, none per conversation: an idle app wakes once per interval, however many conversations', async (t) => {
  const srv = await testServer({ tokens: THREE });
  t.after(() => srv.stop());
  const bob = await conversationPeer(srv.url, 'token-bob');
  t.after(() => bob.close());
  for (const name of ['a', 'b', 'c']) await bob.request({ type: 'create', name, kind: 'private', members: ['alice'] });
  const clock = new ManualClock();
  const HEARTBEAT = 12_345; // a delay no other timer of the core uses
  const clients = new ConversationClients({ config: { url: srv.url, token: 'token-alice', ...FAST, heartbeatMs: HEARTBEAT }, clock });
  t.after(() => clients.stop());
  await withTimeout(clients.start(), 5_000, 'the greeting');
  clients.followAll();
  assert.equal(clients.all().size, 3, 'a client per room');
  for (const c of clients.all().values()) await stateIs(c, 'connected');
  assert.deepEqual(
    clock.pending().filter((ms) => ms === HEARTBEAT),
    [HEARTBEAT],
    'the shared socket pings; its three channels do not',
  );
});
