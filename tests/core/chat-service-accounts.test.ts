/**
 * The host side of the leftovers and "Clear history" channels (ChatService on a real ChatClient
 * with per-account stores, real reference servers on loopback): what the window is told, what it
 * may discard (only a key among the current leftovers, refused with a clear error otherwise), and
 * the `chat:account` push after the entries before it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LeftoverView, PushChannel, PushMap } from '../../electron/common/contract';
import { AccountDirectory } from '../../electron/core/store/accounts';
import { ConversationClients, ConversationDesk } from '../../electron/core/conversations';
import { InvalidCallError, type FrameScheduler } from '../../electron/core/service/chat-service';
import { bareService } from '../helpers/service-doubles';
import { ChatClient, type ClientConfig } from '../../electron/core/connection/client';
import { testServer } from '../helpers/server';
import { nextEvent, stateIs, until, withTimeout } from '../helpers/wait';

const fast: Partial<ClientConfig> = { backoff: { baseMs: 20, capMs: 200, rateLimitedMs: 500, tlsMs: 500 }, helloTimeoutMs: 500 };
const immediately: FrameScheduler = (fn) => queueMicrotask(fn);

type Pushed = { [P in PushChannel]: { channel: P; payload: PushMap[P] } }[PushChannel];

/** A client on server A (down) with one message waiting for it, then switched to server B (up). */
async function switchedAway(t: { after(fn: () => Promise<void> | void): void }) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-service-'));
  const a = await testServer();
  await a.stop(); // A is down: what is written for it waits
  const b = await testServer();
  const client = new ChatClient({ config: { url: a.url, token: 'token-alice', ...fast }, accounts: new AccountDirectory({ base: dir }) });
  const service = bareService(client, { schedule: immediately });
  const pushed: Pushed[] = [];
  service.attach({ push: (channel, payload) => void pushed.push({ channel, payload } as Pushed) });
  t.after(async () => {
    service.dispose();
    await client.stop();
    await b.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  await client.start();
  const r = await service.handle('chat:send', 'for A only');
  assert.equal((r as { ok: boolean }).ok, true);
  await client.saveOutbox();
  const aKey = client.account.key!;
  const opened = nextEvent(client, 'account', (v) => v.key !== aKey);
  client.reconfigure({ url: b.url });
  await opened;
  await stateIs(client, 'connected');
  return { a, b, client, service, pushed, aKey };
}

test('get-leftovers names the other account (host shown), discard takes only a key among them', async (t) => {
  const { a, client, service, aKey } = await switchedAway(t);
  const leftovers = (await service.handle('chat:get-leftovers', null)) as LeftoverView[];
  assert.equal(leftovers.length, 1);
  const { server, ...rest } = leftovers[0]!;
  assert.deepEqual(rest, { key: aKey, host: `127.0.0.1:${a.port}`, room: 'lobby', count: 1 });
  assert.ok(server.startsWith(`ws://127.0.0.1:${a.port}/`), server);

  // Not among the leftovers: the account in use, a well-formed key of nothing, and malformed keys.
  const notAmong = /discard-leftovers: no messages are waiting for that account/;
  await assert.rejects(
    service.handle('chat:discard-leftovers', client.account.key),
    (err: Error) => err instanceof InvalidCallError && notAmong.test(err.message),
  );
  await assert.rejects(service.handle('chat:discard-leftovers', 'f'.repeat(24)), notAmong);
  for (const bad of ['../accounts', 'A'.repeat(24), '', 'a'.repeat(65), 42, null, { key: aKey }]) {
    await assert.rejects(service.handle('chat:discard-leftovers', bad), /discard-leftovers needs an account key/, JSON.stringify(bad));
  }
  assert.equal(((await service.handle('chat:get-leftovers', null)) as LeftoverView[])[0]?.count, 1, 'a refused call loses nothing');

  assert.equal(await service.handle('chat:discard-leftovers', aKey), 1);
  assert.deepEqual(await service.handle('chat:get-leftovers', null), []);
  await assert.rejects(service.handle('chat:discard-leftovers', aKey), notAmong, 'discarded once: nothing left for a second call');
});

test('chat:account is pushed when another account opens, after the entries pushed before it', async (t) => {
  const { b, pushed } = await switchedAway(t);
  const last = pushed.map((p) => p.channel).lastIndexOf('chat:account');
  assert.ok(last >= 0, 'an account push');
  const account = pushed[last]!.payload as PushMap['chat:account'];
  assert.equal(account.room, 'lobby');
  assert.ok(account.server.startsWith(`ws://127.0.0.1:${b.port}/`), account.server);
  assert.equal(JSON.stringify(account).includes('token'), false, 'no token or token hash goes to the window');
  // The old account's pending row went out before the switch was announced, never after it.
  const afterSwitch = pushed.slice(last + 1).flatMap((p) => (p.channel === 'chat:entries' ? p.payload : []));
  assert.equal(
    afterSwitch.some((e) => e.kind === 'message' && e.text === 'for A only'),
    false,
  );
});

test('clear-history forgets the shown log, keeps what waits, and tells the window to fetch again', async (t) => {
  const { b, client, service, pushed } = await switchedAway(t);
  const bob = new ChatClient({ config: { url: b.url, token: 'token-bob', ...fast } });
  t.after(() => bob.stop());
  await bob.start();
  await bob.send('said before the clear');
  await until(
    client,
    () => client.snapshot().entries.some((e) => e.kind === 'message' && e.text === 'said before the clear'),
    5_000,
    'alice sees bob',
  );
  await b.stop(); // B is down: this one waits
  await stateIs(client, 'reconnecting');
  await service.handle('chat:send', 'still waiting');
  const before = pushed.length;
  const told = withTimeout(
    new Promise<void>((resolve) => service.attach({ push: (channel) => channel === 'chat:account' && resolve() })),
    5_000,
    'chat:account after the clear',
  );
  assert.equal(await service.handle('chat:clear-history', null), null);
  await told;
  assert.ok(pushed.slice(before).some((p) => p.channel === 'chat:account'));
  const snap = client.snapshot();
  assert.deepEqual(
    snap.entries.map((e) => (e.kind === 'message' ? `${e.text}/${e.delivery}` : e.kind)),
    ['still waiting/pending'],
  );
  assert.equal(client.search('said before', 10).length, 0, 'gone from the store too');
  await assert.rejects(service.handle('chat:clear-history', 'everything'), /clear-history takes no argument/);
});

test('a leftover of an account the server had named carries its user (the window says "as alice")', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-service-'));
  const a = await testServer();
  const b = await testServer();
  const accounts = new AccountDirectory({ base: dir });
  const first = new ChatClient({ config: { url: a.url, token: 'token-alice', ...fast }, accounts });
  const client = new ChatClient({ config: { url: a.url, token: 'token-alice', ...fast }, accounts });
  const service = bareService(client, { schedule: immediately });
  t.after(async () => {
    service.dispose();
    await first.stop();
    await client.stop();
    await b.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  // Connected once: the server said who the token is, so the next start opens the user's account.
  await first.start();
  await stateIs(first, 'connected');
  await first.stop();
  const named = nextEvent(client, 'account', (v) => v.identity === 'user:alice');
  await client.start();
  await named;
  await a.stop();
  await stateIs(client, 'reconnecting');
  await service.handle('chat:send', 'for alice at A');
  const aKey = client.account.key!;
  const opened = nextEvent(client, 'account', (v) => v.key !== aKey);
  client.reconfigure({ url: b.url });
  await opened;
  const leftovers = (await service.handle('chat:get-leftovers', null)) as LeftoverView[];
  assert.deepEqual(
    leftovers.map((l) => [l.key, l.identity, l.count]),
    [[aKey, 'alice', 1]],
  );
});

test("a conversation's client made while the old ones stop (asked for early) still gets its account pushed", async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-service-'));
  const a = await testServer();
  const b = await testServer();
  const clients = new ConversationClients({
    config: { url: a.url, token: 'token-alice', ...fast },
    accounts: new AccountDirectory({ base: dir }),
  });
  const desk = new ConversationDesk(clients, 'lobby');
  clients.followAll();
  const service = bareService(desk.client(), { schedule: immediately, desk });
  const accounts: string[] = [];
  service.attach({ push: (channel, payload) => channel === 'chat:account' && accounts.push((payload as PushMap['chat:account']).server) });
  t.after(async () => {
    service.dispose();
    await clients.stop();
    await Promise.all([a.stop(), b.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });
  await withTimeout(clients.start(), 5_000, 'the greeting');
  await stateIs(desk.client(), 'connected');
  // The old client's stop is held until the new one has announced its account: the order a loaded machine can give
  // (main asks desk.client() whenever a status changes, so the new client can be made and open its stores first).
  const old = desk.client();
  let announced!: () => void;
  const early = new Promise<void>((resolve) => (announced = resolve));
  const stop = old.stop.bind(old);
  old.stop = async () => {
    await early;
    return stop();
  };
  const switching = clients.reconfigure({ url: b.url, token: 'token-alice', ...fast });
  const made = desk.client();
  assert.notEqual(made, old, 'the new configuration made a new client');
  await nextEvent(made, 'account', (v) => v.server.includes(`:${b.port}/`));
  announced();
  await withTimeout(switching, 5_000, 'the reconfigure');
  await new Promise((resolve) => setImmediate(resolve)); // the pushes of this turn are out (scheduled as microtasks)
  assert.ok(accounts.at(-1)?.includes(`:${b.port}/`), `the window is told of B last (pushed: ${accounts.join(', ')})`);
});
