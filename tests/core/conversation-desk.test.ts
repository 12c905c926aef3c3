/**
 * The desk over the reference server: who is told of what (DeskAttention), what is remembered
 * between runs (DeskMemory: a corrupt file is an empty memory, never a stop), and the machine's
 * word reaching the shared socket (asleep: closed; awake: every conversation back over one socket).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConversationClients, ConversationDesk, DeskAttention, DeskMemory, type DeskNotification } from '../../electron/core/conversations';
import { conversationPeer } from '../helpers/conversation-peer';
import { THREE } from '../helpers/conversation-stores';
import { ManualClock } from '../helpers/clock';
import { testServer } from '../helpers/server';
import { stateIs, withTimeout } from '../helpers/wait';

const FAST = { backoff: { baseMs: 10, capMs: 50, rateLimitedMs: 50, tlsMs: 50 } };
type T = import('node:test').TestContext;

async function deskFor(t: T, url: string, memory?: DeskMemory) {
  const config = { url, token: 'token-alice', ...FAST };
  const clients = new ConversationClients({ config });
  const desk = new ConversationDesk(clients, 'lobby', memory ? () => memory.for(config) : undefined);
  clients.followAll();
  t.after(() => clients.stop());
  await withTimeout(clients.start(), 5_000, 'the greeting');
  return { clients, desk };
}

function listedSoon(desk: ConversationDesk, id: string): Promise<void> {
  if (desk.view().list.some((c) => c.id === id)) return Promise.resolve();
  return withTimeout(
    new Promise<void>((resolve) => desk.on('changed', (v) => v.list.some((c) => c.id === id) && resolve())),
    5_000,
    `${id} listed`,
  );
}

test('attention: levels, own messages, the conversation on screen, and plain messages limited while mentions are not', async (t) => {
  const srv = await testServer({ tokens: THREE });
  t.after(() => srv.stop());
  const { clients, desk } = await deskFor(t, srv.url);
  const clock = new ManualClock();
  const told: DeskNotification[] = [];
  const titles: string[] = [];
  const attention = new DeskAttention({
    desk,
    clients,
    clock,
    baseTitle: 'UOS Chat',
    sink: { notify: (n) => told.push(n), setTitle: (title) => titles.push(title), totals: () => undefined },
  });
  t.after(() => attention.dispose());
  const bob = await conversationPeer(srv.url, 'token-bob');
  t.after(() => bob.close());
  const [loud, quiet, picky] = (await Promise.all(
    ['loud', 'quiet', 'picky'].map(async (name) => {
      const id = (await bob.request({ type: 'create', name, kind: 'private', members: ['alice'] })).conversation.id as string;
      await listedSoon(desk, id);
      return id;
    }),
  )) as [string, string, string];
  assert.ok(desk.setNotify(quiet, 'muted') && desk.setNotify(picky, 'mentions'));
  assert.ok(desk.open(loud));
  await bob.subscribe([loud, quiet, picky].map((conv) => ({ conv })));
  const counted = (n: number) =>
    withTimeout(
      new Promise<void>((resolve) => {
        const check = () => desk.view().list.reduce((sum, c) => sum + c.unread, 0) >= n && resolve();
        check();
        desk.on('changed', check);
      }),
      5_000,
      `${n} counted`,
    );

  // Focused on `loud`: nothing from it; the muted and mentions-only ones only for a mention.
  await bob.say(loud, 'l1', 'on screen');
  await bob.say(quiet, 'q1', 'muted plain');
  await bob.say(picky, 'p1', 'picky plain');
  await bob.say(quiet, 'q2', '@alice muted but needed');
  await bob.say(picky, 'p2', '@alice picky and needed');
  await counted(5);
  assert.deepEqual(
    told.map((n) => [n.conv, n.body]).sort(),
    [
      [picky, 'bob: @alice picky and needed'],
      [quiet, 'bob: @alice muted but needed'],
    ].sort(),
  );
  assert.deepEqual(desk.totals(), { unread: 3, mentions: 2 }, 'a muted conversation counts its mentions, not its messages');
  assert.equal(titles.at(-1), '(3) UOS Chat');

  // In the background: plain messages of `loud` at most once per interval, a mention whenever it comes.
  attention.setFocused(false);
  told.length = 0;
  await bob.say(loud, 'l2', 'first plain');
  await bob.say(loud, 'l3', 'second plain, too soon');
  await bob.say(loud, 'l4', '@alice right away');
  await counted(8);
  assert.deepEqual(
    told.map((n) => n.body),
    ['bob: first plain', 'bob: @alice right away'],
  );
  clock.advance(3_000);
  await bob.say(loud, 'l5', 'later plain');
  await counted(9);
  assert.equal(told.at(-1)?.body, 'bob: later plain');
  assert.ok(
    told.every((n) => n.title === desk.nameOf(n.conv)),
    'a room notification is titled by the room',
  );
});

test('memory: a corrupt desk.json is an empty memory (said in the log), and what is set is there after a reopen', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-desk-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'desk.json');
  writeFileSync(file, '{"version":1,"accounts":{"x":');
  const logs: string[] = [];
  const memory = await DeskMemory.open({ file, log: (l) => logs.push(l), saveDelayMs: 10 });
  assert.match(logs.join('\n'), /desk memory: the file is not JSON; starting empty/);
  const ref = { url: 'ws://chat.example/ws/chat/?room=x', token: 'secret-token' };
  assert.deepEqual(memory.for(ref).get(), {});
  memory.for(ref).update({ current: 'c1', notify: { c1: 'muted' }, drafts: { c1: '草稿', c2: '' } });
  memory.for({ url: 'ws://chat.example/ws/chat/', token: 'other' }).update({ current: 'c9' });
  await memory.settled();
  assert.ok(!readFileSync(file, 'utf8').includes('secret-token'), 'tokens are never written');

  const again = await DeskMemory.open({ file });
  assert.deepEqual(again.for({ url: 'ws://chat.example/ws/chat/', token: 'secret-token' }).get(), {
    current: 'c1',
    notify: { c1: 'muted' },
    drafts: { c1: '草稿' },
  });
  assert.equal(again.for({ url: 'ws://chat.example/ws/chat/', token: 'other' }).get().current, 'c9', 'each account its own');

  // Parts of the wrong shape are dropped, the rest kept.
  const raw = JSON.parse(readFileSync(file, 'utf8'));
  const key = Object.keys(raw.accounts)[0]!;
  raw.accounts[key] = { current: 7, notify: { c1: 'loud', c2: 'mentions' }, list: [{ id: 'only-an-id' }], drafts: { c3: 5 } };
  writeFileSync(file, JSON.stringify(raw));
  const mixed = await DeskMemory.open({ file });
  assert.deepEqual(Object.values((mixed as unknown as { accounts: Record<string, unknown> }).accounts)[0], {
    list: [],
    notify: { c2: 'mentions' },
    drafts: {},
  });
});

test('the machine: asleep, the shared socket is closed; awake, every conversation is back over one new socket', async (t) => {
  const srv = await testServer({ tokens: THREE });
  t.after(() => srv.stop());
  const bob = await conversationPeer(srv.url, 'token-bob');
  t.after(() => bob.close());
  const room = (await bob.request({ type: 'create', name: 'r', kind: 'private', members: ['alice'] })).conversation.id as string;
  const dm = (await bob.request({ type: 'open_dm', user: 'alice' })).conversation.id as string;
  const { clients, desk } = await deskFor(t, srv.url);
  await listedSoon(desk, room);
  await listedSoon(desk, dm);
  for (const c of [dm, room]) await stateIs(clients.client(c)!, 'connected');
  const sockets = () => srv.logs.filter((l) => l.startsWith('user alice connected from')).length;
  assert.equal(sockets(), 1);

  clients.suspend();
  for (const c of [dm, room]) assert.notEqual(clients.client(c)!.status().connection.kind, 'connected');
  assert.equal(clients.link.alive, false, 'no socket left open while asleep');
  clients.resume();
  for (const c of [dm, room]) await stateIs(clients.client(c)!, 'connected');
  assert.equal(sockets(), 2, 'one new socket for both');

  clients.setNetwork('offline');
  assert.equal(clients.link.alive, false, 'offline: the shared socket is closed too');
  for (const c of [dm, room]) assert.equal(clients.client(c)!.status().connection.kind, 'offline');
});
