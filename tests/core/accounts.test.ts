/**
 * State per account: the core with an AccountDirectory on real files against the real
 * reference server. Catch-up from the stored seq, the first contact's history, older
 * pages from the server, the gap marker, search, clear, and the outbox staying with its
 * account across a change of server and token.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LogEntry, MessageEntry } from '../../electron/common/contract';
import { AccountDirectory } from '../../electron/core/store/accounts';
import { ChatClient, type ClientConfig } from '../../electron/core/connection/client';
import { MemoryOutboxStore } from '../../electron/core/store/outbox';
import { roomReplay, testServer, type TestServer } from '../helpers/server';
import { nextEvent, stateIs, until } from '../helpers/wait';

const fast: Partial<ClientConfig> = { backoff: { baseMs: 20, capMs: 200, rateLimitedMs: 500, tlsMs: 500 }, helloTimeoutMs: 500 };
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'uos-chat-accounts-'));

function stored(dir: string, url: string, token: string, extra: Partial<ClientConfig> = {}): ChatClient {
  return new ChatClient({ config: { url, token, ...fast, ...extra }, accounts: new AccountDirectory({ base: dir }) });
}

function plain(url: string, token: string): ChatClient {
  return new ChatClient({ config: { url, token, ...fast }, outboxStore: new MemoryOutboxStore() });
}

const texts = (entries: readonly LogEntry[]) => entries.filter((e): e is MessageEntry => e.kind === 'message').map((e) => e.text);

/** Everything the room on `url` keeps, as `user: text`. */
const roomOf = async (url: string) => (await roomReplay(url, 'token-alice')).map((f) => `${f.user}: ${f.message}`);

/** Bob (no store) says each text and waits for its ack. */
async function bobSays(srv: TestServer, lines: string[]): Promise<void> {
  const bob = plain(srv.url, 'token-bob');
  await bob.start();
  await stateIs(bob, 'connected');
  for (const line of lines) await bob.send(line);
  await until(bob, () => bob.pendingCount() === 0, 20_000, 'bob acked');
  await bob.stop();
}

test('away and back: the restarted client shows its stored history at once and catches up on exactly what it missed', async (t) => {
  const dir = tmp();
  const srv = await testServer({ rateLimit: { messages: 100_000, windowMs: 60_000 } });
  t.after(async () => {
    await srv.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  await bobSays(srv, ['before 1', 'before 2']);

  const first = stored(dir, srv.url, 'token-alice');
  await first.start();
  await until(first, () => texts(first.snapshot(200).entries).length === 2, 5_000, 'first contact history');
  await bobSays(srv, ['live']);
  await until(first, () => texts(first.snapshot(200).entries).includes('live'));
  await first.stop();

  const missed = Array.from({ length: 50 }, (_, i) => `missed ${i}`);
  await bobSays(srv, missed);

  const again = stored(dir, srv.url, 'token-alice');
  t.after(() => again.stop());
  const arrived: string[] = [];
  again.on('entries', (es) => arrived.push(...texts(es)));
  const started = again.start();
  await started;
  assert.deepEqual(
    texts(again.snapshot(200).entries),
    ['before 1', 'before 2', 'live'],
    'the snapshot before any network comes from the store',
  );
  await until(again, () => arrived.length >= 50, 10_000, 'the catch-up');
  await stateIs(again, 'connected');
  assert.deepEqual(arrived, missed, 'exactly the missed messages, in order, once');
  assert.deepEqual(texts(again.snapshot(200).entries), ['before 1', 'before 2', 'live', ...missed]);
  assert.deepEqual(
    again.search('missed 4', 20).map((e) => e.text),
    [...Array.from({ length: 10 }, (_, i) => `missed ${49 - i}`), 'missed 4'],
  );
  again.clearHistory();
  assert.deepEqual(again.snapshot(200).entries, []);
});

test('scrolling up past the store pages in older messages from the server (history extension)', async (t) => {
  const dir = tmp();
  const srv = await testServer({ rateLimit: { messages: 100_000, windowMs: 60_000 } });
  t.after(async () => {
    await srv.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const all = Array.from({ length: 330 }, (_, i) => `old ${i}`);
  await bobSays(srv, all);
  const alice = stored(dir, srv.url, 'token-alice', { firstContactHistory: 100 });
  t.after(() => alice.stop());
  await alice.start();
  await until(alice, () => texts(alice.snapshot(200).entries).length === 100, 5_000, 'the first contact page');
  const snapshot = alice.snapshot(200);
  assert.equal(snapshot.hasOlder, true, 'the server may keep more than the store');
  const seen = texts(snapshot.entries);
  let cursor = snapshot.entries[0]!.order!;
  let hasOlder = true;
  for (let i = 0; i < 20 && hasOlder; i++) {
    const page = await alice.olderEntries(cursor, 90);
    seen.unshift(...texts(page.entries));
    hasOlder = page.hasOlder;
    cursor = page.entries[0]?.order ?? cursor;
  }
  assert.deepEqual(seen, all, 'every older message once, in order');
  assert.equal(hasOlder, false);
  assert.deepEqual(texts((await alice.olderEntries(cursor, 90)).entries), [], 'nothing before the first');
  assert.equal(alice.snapshot(400).entries.length, 330, 'the pages were merged into the store');
});

test('away longer than the server keeps: the gap marker shows where history no longer reaches', async (t) => {
  const dir = tmp();
  const srv = await testServer({ historyLimit: 20, rateLimit: { messages: 100_000, windowMs: 60_000 } });
  t.after(async () => {
    await srv.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const first = stored(dir, srv.url, 'token-alice');
  await first.start();
  await stateIs(first, 'connected');
  await bobSays(srv, ['seen']);
  await until(first, () => texts(first.snapshot(10).entries).includes('seen'));
  await first.stop();
  await bobSays(
    srv,
    Array.from({ length: 60 }, (_, i) => `while away ${i}`),
  );
  const again = stored(dir, srv.url, 'token-alice');
  t.after(() => again.stop());
  await again.start();
  await until(again, () => texts(again.snapshot(100).entries).includes('while away 59'), 5_000, 'the catch-up');
  const entries = again.snapshot(100).entries;
  const gap = entries.findIndex((e) => e.kind === 'marker' && e.marker === 'gap');
  assert.ok(gap > entries.findIndex((e) => e.kind === 'message' && e.text === 'seen'), 'the gap comes after what was seen');
  assert.deepEqual(
    texts(entries.slice(gap)),
    Array.from({ length: 20 }, (_, i) => `while away ${40 + i}`),
  );
});

test('a message written for server A is never sent to server B; it reaches A when A is used again', async (t) => {
  const dir = tmp();
  const a = await testServer();
  const aPort = a.port;
  await a.stop(); // A is down
  const b = await testServer();
  t.after(async () => {
    await b.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const aUrl = `ws://127.0.0.1:${aPort}/ws/chat/`;
  const client = stored(dir, aUrl, 'token-alice');
  t.after(() => client.stop());
  await client.start();
  const queued = await client.send('secret for server A only');
  assert.ok(queued.ok);

  client.reconfigure({ url: b.url, token: 'token-bob' });
  await stateIs(client, 'connected');
  const hello = await client.send('hello B');
  assert.ok(hello.ok);
  await until(client, () => client.pendingCount() === 0, 5_000, 'hello B acked');
  assert.deepEqual(await roomOf(b.url), ['bob: hello B'], "server B has only its own account's message");
  const leftovers = await client.account.leftovers();
  assert.equal(leftovers.length, 1);
  assert.equal(leftovers[0]!.count, 1);
  assert.equal(leftovers[0]!.server, aUrl);
  assert.deepEqual(texts(client.snapshot(50).entries), ['hello B'], "B's window shows B's account");

  const aAgain = await testServer({ port: aPort });
  t.after(() => aAgain.stop());
  const atA: string[] = [];
  const aliceAtA = plain(aAgain.url, 'token-bob');
  aliceAtA.on('frame', (f) => f.type === 'chat_message' && atA.push(`${f.user}: ${f.message}`));
  await aliceAtA.start();
  await stateIs(aliceAtA, 'connected');
  t.after(() => aliceAtA.stop());
  client.reconfigure({ url: aUrl, token: 'token-alice' });
  await until(aliceAtA, () => atA.length > 0, 10_000, 'the message at A');
  assert.deepEqual(atA, ['alice: secret for server A only'], "sent to A as A's user");
  await until(client, () => client.pendingCount() === 0, 5_000, 'acked by A');
  assert.deepEqual(await client.account.leftovers(), [], 'nothing waits for B');
});

test('discarding leftovers; the old single outbox file moves into the first account', async (t) => {
  const dir = tmp();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const legacy = path.join(dir, 'outbox.jsonl');
  writeFileSync(
    legacy,
    '{"format":"uos-chat-outbox","version":1}\n{"id":"old-1","text":"from before accounts","createdAt":"2024-01-01T00:00:00.000Z"}\n',
  );
  const accounts = new AccountDirectory({ base: dir, legacyOutbox: legacy });
  const a = accounts.resolve({ url: 'ws://127.0.0.1:1/ws/chat/', token: 't1' });
  const opened = await accounts.open(a);
  assert.deepEqual(
    (await opened.outbox.load()).items.map((i) => i.text),
    ['from before accounts'],
  );
  assert.ok(!existsSync(legacy));
  opened.history.store.close();
  const b = accounts.resolve({ url: 'ws://127.0.0.1:2/ws/chat/', token: 't2' });
  (await accounts.open(b)).history.store.close();
  const left = await accounts.leftovers(b.key);
  assert.deepEqual(
    left.map((l) => [l.key, l.count, l.server]),
    [[a.key, 1, 'ws://127.0.0.1:1/ws/chat/']],
  );
  assert.equal(await accounts.discard(a.key), 1);
  assert.deepEqual(await accounts.leftovers(b.key), []);
  // Once the server says who the token is, the token's account becomes the user's.
  accounts.identified({ url: 'ws://127.0.0.1:2/ws/chat/', token: 't2' }, 'alice');
  const named = accounts.resolve({ url: 'ws://127.0.0.1:2/ws/chat/', token: 't2' });
  assert.equal(named.identity, 'user:alice');
  (await accounts.open(named)).history.store.close();
  assert.ok(!existsSync(b.dir) && existsSync(named.dir), 'the directory moved');
});

test('a corrupt history file: the client starts, reports it, and keeps working', async (t) => {
  const dir = tmp();
  const srv = await testServer();
  t.after(async () => {
    await srv.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const accounts = new AccountDirectory({ base: dir });
  const account = accounts.resolve({ url: srv.url, token: 'token-alice' });
  (await accounts.open(account)).history.store.close();
  writeFileSync(path.join(account.dir, 'history.sqlite'), 'garbage'.repeat(1000));
  const alice = new ChatClient({ config: { url: srv.url, token: 'token-alice', ...fast }, accounts });
  t.after(() => alice.stop());
  const problem = nextEvent(alice, 'problem', (p) => p.code === 'HISTORY_CORRUPT');
  await alice.start();
  assert.match((await problem).detail ?? '', /set aside in .*corrupt-/);
  await stateIs(alice, 'connected');
  await bobSays(srv, ['still works']);
  await until(alice, () => texts(alice.snapshot(10).entries).includes('still works'));
});

test("once the server says who the token is, the account becomes the user's: its history moves along, nothing is lost", async (t) => {
  const dir = tmp();
  const srv = await testServer();
  t.after(async () => {
    await srv.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const accounts = new AccountDirectory({ base: dir });
  const alice = new ChatClient({ config: { url: srv.url, token: 'token-alice', ...fast }, accounts });
  t.after(() => alice.stop());
  const first = nextEvent(alice, 'account');
  await alice.start();
  assert.match((await first).identity, /^token:/);
  await stateIs(alice, 'connected');
  await bobSays(srv, ['said to the token']);
  await until(alice, () => texts(alice.snapshot(10).entries).includes('said to the token'));
  const named = nextEvent(alice, 'account');
  alice.reconfigure({ compression: 'off' }); // any reconfigure: the account is resolved again
  assert.equal((await named).identity, 'user:alice');
  await stateIs(alice, 'connected');
  assert.deepEqual(texts(alice.snapshot(10).entries), ['said to the token']);
  assert.deepEqual(await alice.account.leftovers(), []);
});
