/**
 * The window's boot feed (renderer/src/bootFeed.ts): it asks for the snapshot before React
 * runs and keeps the pushes that come after the answer until the feed claims them. Fed by a
 * stand-in window.chat whose answer and pushes the test controls. Each test loads its own
 * copy of the module (the boot feed is once per window).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatApi, LogEntry, Snapshot } from '../../electron/common/contract';
import type { Status } from '../../electron/common/state';

type BootModule = typeof import('../../renderer/src/bootFeed');

interface FakeChat {
  answer(snap: Snapshot): void;
  fail(): void;
  status(s: Status): void;
  entries(batch: LogEntry[]): void;
  listeners(): number;
}

let copies = 0;
/** A fresh copy of bootFeed.ts, started on a fresh stand-in chat API by `start()`. */
async function load(): Promise<{ boot: BootModule & { startBootFeed(): void }; chat: FakeChat }> {
  const statusCbs = new Set<(s: Status) => void>();
  const entryCbs = new Set<(e: LogEntry[]) => void>();
  let resolve!: (s: Snapshot) => void;
  let reject!: (e: Error) => void;
  const snapshot = new Promise<Snapshot>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const api = {
    getSnapshot: () => snapshot,
    onStatus: (cb: (s: Status) => void) => {
      statusCbs.add(cb);
      return () => statusCbs.delete(cb);
    },
    onEntries: (cb: (e: LogEntry[]) => void) => {
      entryCbs.add(cb);
      return () => entryCbs.delete(cb);
    },
    onAccount: () => () => undefined,
  } as unknown as ChatApi;
  const module = (await import(`../../renderer/src/bootFeed.ts?copy=${++copies}`)) as BootModule;
  const boot = { ...module, startBootFeed: () => module.startBootFeed(api) };
  const chat: FakeChat = {
    answer: (s) => resolve(s),
    fail: () => reject(new Error('main said no')),
    status: (s) => statusCbs.forEach((cb) => cb(s)),
    entries: (b) => entryCbs.forEach((cb) => cb(b)),
    listeners: () => statusCbs.size + entryCbs.size,
  };
  return { boot, chat };
}

const entry = (order: number): LogEntry => ({
  kind: 'message',
  key: `k${order}`,
  order,
  user: 'bob',
  text: `m${order}`,
  timestamp: '2026-11-30T00:00:00Z',
  own: false,
  delivery: 'sent',
});
const status = (n: number) => ({ connection: { kind: 'connected' }, n }) as unknown as Status;
const snap: Snapshot = { status: status(0), entries: [entry(1), entry(2)], hasOlder: true };

test('asks at once; pushes before the answer are left out (the snapshot holds them), those after it are handed over in order at the claim, later ones straight through', async () => {
  const { boot, chat } = await load();
  boot.startBootFeed();
  assert.equal(chat.listeners(), 2, 'subscribed before asking');
  chat.entries([entry(2)]); // before the answer: already in the snapshot
  assert.equal(boot.bootSnapshot(), null);
  chat.answer(snap);
  await boot.bootSettled();
  assert.equal(boot.bootSnapshot(), snap, 'the first render can show it');
  chat.entries([entry(3)]);
  chat.status(status(1));
  chat.entries([entry(4)]);

  const feed = boot.claimBootFeed();
  assert.ok(feed);
  assert.equal(feed.snapshot, snap);
  const got: string[] = [];
  const off = feed.claim({
    status: (s) => got.push(`status ${(s as unknown as { n: number }).n}`),
    entries: (b) => got.push(`entries ${b.map((e) => e.order).join(',')}`),
  });
  assert.deepEqual(got, ['entries 3', 'status 1', 'entries 4']);
  chat.entries([entry(5)]);
  assert.deepEqual(got.at(-1), 'entries 5');
  off();
  assert.equal(chat.listeners(), 0, 'unsubscribed');
  chat.entries([entry(6)]);
  assert.equal(got.length, 4);
});

test('claimed once: a second claim (StrictMode runs effects twice) and bootSnapshot() after it get nothing, so that caller asks on its own', async () => {
  const { boot, chat } = await load();
  boot.startBootFeed();
  chat.answer(snap);
  await boot.bootSettled();
  assert.ok(boot.claimBootFeed());
  assert.equal(boot.claimBootFeed(), undefined);
  assert.equal(boot.bootSnapshot(), null);
});

test('asking fails: settled all the same, failed, no snapshot, and no push is passed on', async () => {
  const { boot, chat } = await load();
  boot.startBootFeed();
  chat.fail();
  await boot.bootSettled();
  const feed = boot.claimBootFeed();
  assert.ok(feed);
  assert.equal(feed.failed, true);
  assert.equal(feed.snapshot, null);
  const got: unknown[] = [];
  const off = feed.claim({ status: (s) => got.push(s), entries: (b) => got.push(b) });
  chat.entries([entry(3)]);
  assert.deepEqual(got, []);
  off();
  assert.equal(chat.listeners(), 0);
});

test('too many pushes before the claim: the boot feed lets go of them and of its subscription, and the feed asks again', async () => {
  const { boot, chat } = await load();
  boot.startBootFeed();
  chat.answer(snap);
  await boot.bootSettled();
  for (let i = 0; i < 10_000; i++) chat.entries([entry(10 + i)]);
  assert.equal(chat.listeners(), 0, 'unsubscribed');
  assert.equal(boot.bootSnapshot(), null, 'the first render does not show a snapshot the pushes outran');
  assert.equal(boot.claimBootFeed(), undefined);
});

test('no boot feed started (a window without it): nothing to claim, and it settles at once', async () => {
  const { boot } = await load();
  assert.equal(boot.claimBootFeed(), undefined);
  assert.equal(boot.bootSnapshot(), null);
  await boot.bootSettled();
});
