/**
 * The outbox on disk: atomic, survives restart, tolerates corruption, never drops silently.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChatClient } from '../../electron/core/connection/client';
import { Outbox, type OutboxItem, type OutboxStore } from '../../electron/core/store/outbox';
import { FileOutboxStore } from '../../electron/core/store/outbox-file';
import type { Reason } from '../../electron/common/errors';
import { testServer } from '../helpers/server';
import { nextEvent, stateIs, until } from '../helpers/wait';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'uos-chat-outbox-'));
const item = (n: number): OutboxItem => ({ id: `id-${n}`, text: `message ${n}`, createdAt: new Date(0).toISOString() });

test('the journal: torn last line after a crash loses only that line; compaction keeps it small', async (t) => {
  const dir = tmp();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'outbox.jsonl');
  const box = new Outbox(new FileOutboxStore(file));
  await box.load();
  for (let n = 1; n <= 3; n++) await box.add(item(n));
  await box.remove('id-1');
  // A crash in the middle of an append leaves half a line.
  writeFileSync(file, readFileSync(file, 'utf8') + '{"id":"id-4","te', { flag: 'w' });
  const loaded = await new FileOutboxStore(file).load();
  assert.deepEqual(
    loaded.items.map((i) => i.id),
    ['id-2', 'id-3'],
  );
  assert.equal(loaded.problem?.code, 'OUTBOX_CORRUPT');

  // 3,000 add/ack pairs: the file is compacted instead of growing without bound.
  const big = new Outbox(new FileOutboxStore(path.join(dir, 'big.jsonl')));
  await big.load();
  for (let n = 0; n < 3000; n++) {
    await big.add(item(n));
    await big.remove(`id-${n}`);
  }
  const lines = readFileSync(path.join(dir, 'big.jsonl'), 'utf8').trim().split('\n').length;
  assert.ok(lines <= 1 + 1000 + 2, `journal has ${lines} lines`);
});

test('file store round-trips in order and leaves no temp files behind', async (t) => {
  const dir = tmp();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'outbox.jsonl');
  const box = new Outbox(new FileOutboxStore(file));
  await box.load();
  await Promise.all([1, 2, 3, 4, 5].map((n) => box.add(item(n))));
  await box.remove('id-2');
  const reloaded = new Outbox(new FileOutboxStore(file));
  assert.equal(await reloaded.load(), undefined);
  assert.deepEqual(
    reloaded.list().map((i) => i.id),
    ['id-1', 'id-3', 'id-4', 'id-5'],
  );
  assert.deepEqual(readdirSync(dir), ['outbox.jsonl']);
});

test('a corrupt outbox keeps the readable entries, sets the rest aside, and says so', async (t) => {
  const dir = tmp();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'outbox.jsonl');
  writeFileSync(
    file,
    [
      JSON.stringify({ format: 'uos-chat-outbox', version: 1 }),
      JSON.stringify(item(1)),
      '{"id":"torn", "text":"half a li',
      JSON.stringify({ id: 42, text: 'wrong shape' }),
      '\u0000\u0001binary junk',
      JSON.stringify(item(2)),
    ].join('\n'),
  );
  const store = new FileOutboxStore(file, () => 1234);
  const loaded = await store.load();
  assert.deepEqual(
    loaded.items.map((i) => i.id),
    ['id-1', 'id-2'],
  );
  assert.equal(loaded.problem?.code, 'OUTBOX_CORRUPT');
  assert.match(loaded.problem!.detail!, /3 unreadable line\(s\) set aside in .*corrupt-1234; 2 message\(s\) kept/);
  const aside = readFileSync(`${file}.corrupt-1234`, 'utf8');
  assert.ok(aside.includes('half a li') && aside.includes('wrong shape') && aside.includes('binary junk'));
});

test('the client starts on a corrupt outbox, reports it, shows the kept messages pending, and delivers them', async (t) => {
  const dir = tmp();
  const srv = await testServer();
  const file = path.join(dir, 'outbox.jsonl');
  writeFileSync(file, `${JSON.stringify(item(1))}\nnot json at all\n${JSON.stringify(item(2))}\n`);
  const c = new ChatClient({ config: { url: srv.url, token: 'token-alice' }, outboxStore: new FileOutboxStore(file) });
  t.after(async () => {
    await c.stop();
    await srv.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const problem = nextEvent(c, 'problem', (p) => p.code === 'OUTBOX_CORRUPT');
  const restored = nextEvent(c, 'entries', (es) => es.length === 2);
  await c.start();
  assert.equal((await problem).code, 'OUTBOX_CORRUPT');
  assert.deepEqual(
    (await restored).map((e) => e.kind === 'message' && e.delivery),
    ['pending', 'pending'],
  );
  await until(c, () => c.pendingCount() === 0, 5000, 'restored messages delivered');
  assert.ok(c.snapshot().entries.every((e) => e.kind === 'message' && e.delivery === 'sent'));
  await c.saveOutbox();
  const reread = await new FileOutboxStore(file).load();
  assert.deepEqual(reread, { items: [] }, 'the journal on disk is empty and clean again');
});

test('a full outbox refuses the new message and keeps every old one', async (t) => {
  const srv = await testServer();
  await srv.server.close(); // offline: nothing drains
  const c = new ChatClient({ config: { url: srv.url, token: 'token-alice', maxOutbox: 3 } });
  t.after(() => c.stop());
  await c.start();
  for (const n of [1, 2, 3]) assert.ok((await c.send(`m${n}`)).ok);
  const refused = await c.send('m4');
  assert.equal(!refused.ok && refused.reason.code, 'OUTBOX_FULL');
  assert.equal(c.pendingCount(), 3);
  assert.deepEqual(
    c.snapshot().entries.map((e) => e.kind === 'message' && e.text),
    ['m1', 'm2', 'm3'],
  );
});

test('a message that cannot be saved is not shown as queued, and the person is told', async (t) => {
  const failing: OutboxStore = {
    load: async () => ({ items: [] }),
    commit: async () => {
      throw new Error('ENOSPC: no space left on device');
    },
  };
  const srv = await testServer();
  await srv.server.close();
  const c = new ChatClient({ config: { url: srv.url }, outboxStore: failing });
  t.after(() => c.stop());
  await c.start();
  const r = await c.send('important');
  assert.equal(r.ok, false);
  const why = (r as { reason: Reason }).reason;
  assert.equal(why.code, 'OUTBOX_WRITE_FAILED');
  assert.match(why.detail!, /ENOSPC/);
  assert.equal(c.snapshot().entries.length, 0);
  assert.equal(c.pendingCount(), 0);
});

test('messages typed while offline survive a restart of the client and are sent once', async (t) => {
  const dir = tmp();
  const srv = await testServer();
  const file = path.join(dir, 'outbox.jsonl');
  const clients: ChatClient[] = [];
  // One hook, in order: clients stop (and finish writing) before their files are removed.
  t.after(async () => {
    for (const c of clients) await c.stop();
    await srv.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const first = new ChatClient({ config: { url: srv.url, token: 'token-alice' }, outboxStore: new FileOutboxStore(file) });
  await first.start();
  first.setNetwork('offline');
  await stateIs(first, 'offline');
  for (const n of [1, 2, 3]) assert.ok((await first.send(`offline ${n}`)).ok);
  await first.stop();
  assert.ok(existsSync(file));

  const bob = new ChatClient({ config: { url: srv.url, token: 'token-bob' } });
  const second = new ChatClient({ config: { url: srv.url, token: 'token-alice' }, outboxStore: new FileOutboxStore(file) });
  clients.push(bob, second);
  await bob.start();
  await stateIs(bob, 'connected');
  await second.start();
  await until(bob, () => bob.snapshot().entries.length === 3, 5000, 'bob gets the three');
  assert.deepEqual(
    bob.snapshot().entries.map((e) => e.kind === 'message' && e.text),
    ['offline 1', 'offline 2', 'offline 3'],
  );
  await until(second, () => second.pendingCount() === 0, 5000, 'drained');
});

test('a message whose save is still in flight when the connection comes up is not shown pending forever', async (t) => {
  // A store whose saves the test releases by hand: the connection becomes ready mid-save.
  let release: () => void = () => {};
  const held = new Promise<void>((r) => (release = r));
  let commits = 0;
  const slow: OutboxStore = {
    load: async () => ({ items: [] }),
    commit: () => (commits++ === 0 ? held : Promise.resolve()), // only the first save is held
  };
  const srv = await testServer();
  const c = new ChatClient({ config: { url: srv.url, token: 'token-alice' }, outboxStore: slow });
  t.after(async () => {
    release();
    await c.stop();
    await srv.stop();
  });
  await c.start();
  const sending = c.send('raced');
  await stateIs(c, 'connected'); // ready while the save is pending: flush() must not send it yet
  release();
  const r = await sending;
  assert.ok(r.ok);
  await until(c, () => c.snapshot().entries.some((e) => e.kind === 'message' && e.delivery === 'sent'), 5000, 'shown as sent');
});
