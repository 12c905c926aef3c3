/**
 * The local history store (SQLite through node:sqlite): real files, corrupt and
 * truncated ones, bounds, and search over Chinese and English at 100,000 messages.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { MessageEntry } from '../../electron/common/contract';
import { openHistory } from '../../electron/core/store/history-salvage';
import { SqliteHistory } from '../../electron/core/store/history-sqlite';
import { FIRST_ORDER } from '../../electron/core/store/history-store';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'uos-chat-history-'));

function message(n: number, text = `message ${n}`): MessageEntry {
  return {
    kind: 'message',
    key: `id-${n}`,
    id: `id-${n}`,
    seq: n,
    user: n % 2 ? 'bob' : 'alice',
    text,
    timestamp: new Date(n * 1000).toISOString(),
    own: false,
    delivery: 'sent',
    order: FIRST_ORDER + n,
  };
}

function fill(store: SqliteHistory, count: number, text: (n: number) => string = (n) => `message ${n}`): void {
  for (let start = 1; start <= count; start += 1000) {
    const batch: MessageEntry[] = [];
    for (let n = start; n < Math.min(start + 1000, count + 1); n++) batch.push(message(n, text(n)));
    store.put(batch, { lastSeq: batch.at(-1)!.seq, epoch: 0 });
  }
}

test('entries, pages and the resume point survive a reopen; files are 0600', (t) => {
  const dir = tmp();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'acct', 'history.sqlite');
  const store = new SqliteHistory(file);
  fill(store, 30);
  store.put([{ ...message(5), delivery: 'failed' }]);
  store.close();
  const again = new SqliteHistory(file);
  t.after(() => again.close());
  assert.deepEqual(again.resume(), { lastSeq: 30, epoch: 0 });
  const newest = again.newest(10);
  assert.deepEqual(
    newest.entries.map((e) => e.key),
    Array.from({ length: 10 }, (_, i) => `id-${21 + i}`),
  );
  assert.equal(newest.hasOlder, true);
  const older = again.before(newest.entries[0]!.order!, 100);
  assert.equal(older.entries.length, 20);
  assert.equal(older.hasOlder, false);
  assert.equal((again.get('id-5') as MessageEntry).delivery, 'failed', 'a put with the same key replaces the entry in place');
  assert.equal(again.get('id-5')!.order, FIRST_ORDER + 5);
  for (const name of readdirSync(path.dirname(file))) assert.equal(statSync(path.join(path.dirname(file), name)).mode & 0o777, 0o600, name);
  assert.equal(statSync(path.dirname(file)).mode & 0o777, 0o700);
});

test('older pages from the server go before the oldest entry; known keys are skipped', (t) => {
  const dir = tmp();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = new SqliteHistory(path.join(dir, 'h.sqlite'));
  t.after(() => store.close());
  store.put([message(10), message(11)]);
  const added = store.addOlder([8, 9, 10].map((n) => ({ ...message(n), order: undefined })));
  assert.deepEqual(
    added.map((e) => e.key),
    ['id-8', 'id-9'],
  );
  assert.deepEqual(
    store.newest(10).entries.map((e) => e.key),
    ['id-8', 'id-9', 'id-10', 'id-11'],
  );
  assert.equal(store.oldestSeq(), 8);
});

test('search: Chinese substrings (trigram and the two-character fallback), English in any case, no match', (t) => {
  const dir = tmp();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = new SqliteHistory(path.join(dir, 'h.sqlite'));
  t.after(() => store.close());
  store.put([
    message(1, '今天的会议改到三点'),
    message(2, 'Meeting moved to 3pm'),
    message(3, '会议室在二楼'),
    message(4, '100% sure_thing'),
    message(5, 'say "hi"'),
  ]);
  const texts = (q: string) => store.search(q, 10).map((e) => e.text);
  assert.deepEqual(texts('会议改'), ['今天的会议改到三点']);
  assert.deepEqual(texts('会议'), ['会议室在二楼', '今天的会议改到三点'], 'two characters: LIKE, newest first');
  assert.deepEqual(texts('meeting'), ['Meeting moved to 3pm']);
  assert.deepEqual(texts('MOVED TO'), ['Meeting moved to 3pm']);
  assert.deepEqual(texts('%'), ['100% sure_thing'], 'LIKE wildcards are literal');
  assert.deepEqual(texts('"hi"'), ['say "hi"'], 'quotes are literal in MATCH');
  assert.deepEqual(texts('晚饭'), []);
  assert.deepEqual(texts('nothing like this'), []);
});

test('bounded: the newest maxMessages entries are kept, and pruned history is not fetched again', (t) => {
  const dir = tmp();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = new SqliteHistory(path.join(dir, 'h.sqlite'), { maxMessages: 1_000, maxBytes: 200 * 1024 * 1024 });
  t.after(() => store.close());
  fill(store, 5_000);
  const newest = store.newest(1);
  assert.equal(newest.entries[0]!.key, 'id-5000');
  let count = 0;
  for (let page = store.newest(1_000); ; page = store.before(page.entries[0]!.order!, 1_000)) {
    count += page.entries.length;
    if (!page.hasOlder) break;
  }
  assert.ok(count <= 1_000 && count >= 900, `${count} kept`);
  assert.ok(
    store.floorSeq() > store.oldestSeq()! - 1 && store.floorSeq() <= store.oldestSeq()!,
    'the floor is where the kept history starts',
  );
});

test('bounded by bytes too', (t) => {
  const dir = tmp();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'h.sqlite');
  const store = new SqliteHistory(file, { maxMessages: 200_000, maxBytes: 2 * 1024 * 1024 });
  t.after(() => store.close());
  fill(store, 6_000, (n) => `${n} ${'x'.repeat(2_000)}`);
  const used = store.newest(10_000).entries.length;
  assert.ok(used < 6_000, `${used} of 6000 kept under 2 MB`);
  assert.equal(store.newest(1).entries[0]!.key, 'id-6000');
});

test('a corrupt file is set aside and reported; the store starts empty and works', (t) => {
  const dir = tmp();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'h.sqlite');
  writeFileSync(file, 'this is not a database'.repeat(100));
  const { store, problem } = openHistory(file, { now: () => 1234 });
  t.after(() => store.close());
  assert.equal(problem?.code, 'HISTORY_CORRUPT');
  assert.match(problem!.detail!, /set aside in .*h\.sqlite\.corrupt-1234; 0 entries kept/);
  assert.ok(existsSync(`${file}.corrupt-1234`));
  store.put([message(1)]);
  assert.equal(store.newest(5).entries.length, 1);
});

test('a truncated file: starts, reports the problem, keeps what is readable', (t) => {
  const dir = tmp();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'h.sqlite');
  const store = new SqliteHistory(file);
  fill(store, 20_000);
  store.close(); // checkpoints the WAL into the file
  assert.ok(!existsSync(`${file}-wal`) || statSync(`${file}-wal`).size === 0);
  truncateSync(file, Math.floor(statSync(file).size * 0.6));
  const opened = openHistory(file, { now: () => 99 });
  t.after(() => opened.store.close());
  assert.equal(opened.problem?.code, 'HISTORY_CORRUPT');
  const kept = Number(/(\d+) entries kept/.exec(opened.problem!.detail!)?.[1]);
  assert.ok(kept > 1_000 && kept < 20_000, `${kept} entries kept`);
  assert.equal(opened.store.resume().lastSeq, 20_000, 'the resume point survived');
  const newest = opened.store.newest(kept + 10);
  assert.equal(newest.entries.length, kept);
  assert.equal(new Set(newest.entries.map((e) => e.key)).size, kept);
  opened.store.put([message(20_001)]);
  assert.equal(opened.store.newest(1).entries[0]!.key, 'id-20001');
});

test('search over 100,000 stored messages', { timeout: 120_000 }, (t) => {
  const dir = tmp();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = new SqliteHistory(path.join(dir, 'h.sqlite'));
  t.after(() => store.close());
  fill(store, 100_000, (n) =>
    n % 10_000 === 7 ? `第${n}次：今天的会议改到三点` : n % 2 ? `message ${n} about the weather` : `消息 ${n} 关于天气`,
  );
  const started = performance.now();
  const hits = store.search('会议改', 50);
  const trigramMs = performance.now() - started;
  assert.equal(hits.length, 10);
  assert.ok(hits.every((h) => h.text.includes('今天的会议改到三点')));
  assert.equal(hits[0]!.seq, 90_007, 'newest first');
  const t2 = performance.now();
  assert.equal(store.search('会议', 50).length, 10);
  const likeMs = performance.now() - t2;
  assert.equal(store.search('WEATHER', 20).length, 20);
  assert.equal(store.search('no such words here', 20).length, 0);
  t.diagnostic(`100k: trigram search ${trigramMs.toFixed(1)} ms, two-character scan ${likeMs.toFixed(1)} ms`);
});
