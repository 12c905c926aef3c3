import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageLog, patchedMessage } from '../../electron/core/connection/message-log';
import type { MessageEntry } from '../../electron/common/contract';

const msg = (i: number, own = false, delivery: MessageEntry['delivery'] = 'sent'): MessageEntry => ({
  kind: 'message',
  key: `k${i}`,
  user: own ? 'me' : 'bob',
  text: `m${i}`,
  timestamp: 't',
  own,
  delivery,
});

test('a large log trims in chunks without overflowing the stack, newest kept, index consistent', () => {
  const log = new MessageLog(200_000);
  for (let i = 0; i < 250_000; i++) log.upsert(msg(i));
  assert.ok(log.size <= 200_000 && log.size >= 180_000, `size ${log.size}`);
  assert.equal(log.get('k249999')?.kind, 'message');
  assert.equal(log.get('k0'), undefined);
  const all = log.all();
  assert.equal((all.at(-1) as MessageEntry).text, 'm249999');
  // Replacing by key still lands in the right place after trims.
  log.upsert({ ...msg(249_998), text: 'edited' });
  assert.equal((log.all().at(-2) as MessageEntry).text, 'edited');
});

test('pending own messages survive trimming', () => {
  const log = new MessageLog(10);
  log.upsert(msg(0, true, 'pending'));
  for (let i = 1; i < 40; i++) log.upsert(msg(i));
  assert.equal(log.get('k0')?.kind, 'message', 'the unsent message is still shown');
  assert.ok(log.size <= 10 + 1 + 1, `size ${log.size}: at most the limit, one 10% chunk and the kept pending entry`);
});

test('many pending own messages over the limit do not make every insert re-trim (no O(n²))', () => {
  const log = new MessageLog(1_000);
  const started = process.cpuUsage();
  for (let i = 0; i < 20_000; i++) log.upsert(msg(i, true, 'pending'));
  const cpuMs = (process.cpuUsage(started).user + process.cpuUsage(started).system) / 1000;
  assert.equal(log.size, 20_000, 'pending messages are all kept');
  // Quadratic re-trimming took ~10 s for this; linear work is well under one.
  assert.ok(cpuMs < 2_000, `${cpuMs.toFixed(0)} ms of CPU`);
});

test('order: set once per key, strictly increasing, kept by replacements and trims; pages by order', () => {
  const log = new MessageLog(100);
  for (let i = 0; i < 130; i++) log.upsert(msg(i));
  const all = log.all();
  const orders = all.map((e) => e.order!);
  assert.ok(
    orders.every((o, i) => i === 0 || o > orders[i - 1]!),
    'strictly increasing',
  );
  assert.equal(log.get('k129')?.order, 130);
  // A replacement keeps its place and its order.
  const replaced = { ...msg(120), text: 'edited' };
  log.upsert(replaced);
  assert.equal(replaced.order, 121);
  // The newest page, and pages before a cursor.
  const latest = log.latest(20);
  assert.deepEqual(
    latest.entries.map((e) => e.key),
    Array.from({ length: 20 }, (_, i) => `k${110 + i}`),
  );
  assert.equal(latest.hasOlder, true);
  const page = log.before(latest.entries[0]!.order!, 15);
  assert.deepEqual(
    page.entries.map((e) => e.key),
    Array.from({ length: 15 }, (_, i) => `k${95 + i}`),
  );
  assert.equal(page.hasOlder, true);
  // Walking back reaches the oldest kept entry exactly once, then stops.
  const seen = new Set<string>(latest.entries.map((e) => e.key));
  let cursor = latest.entries[0]!.order!;
  for (let n = 0; n < 50; n++) {
    const p = log.before(cursor, 15);
    for (const e of p.entries) {
      assert.ok(!seen.has(e.key), `${e.key} twice`);
      seen.add(e.key);
    }
    if (!p.hasOlder) break;
    cursor = p.entries[0]!.order!;
  }
  assert.equal(seen.size, log.size);
  // A cursor older than everything kept (trimmed away): nothing, and no more.
  assert.deepEqual(log.before(1, 10), { entries: [], hasOlder: false });
  // A cursor past the newest: the newest page.
  assert.deepEqual(
    log.before(10_000, 3).entries.map((e) => e.key),
    ['k127', 'k128', 'k129'],
  );
});

test('lookups and in-place updates stay right around entries a trim kept back', () => {
  const log = new MessageLog(20);
  const pending = [3, 7, 11].map((i) => msg(i, true, 'pending'));
  for (let i = 0; i < 200; i++) log.upsert(pending.find((p) => p.key === `k${i}`) ?? msg(i));
  // The kept-back entries sit in front of the newest ones, in order, and each is found by key.
  const all = log.all();
  assert.deepEqual(
    all.slice(0, 3).map((e) => e.key),
    ['k3', 'k7', 'k11'],
  );
  for (const e of all) assert.equal(log.get(e.key), e, `${e.key} found`);
  assert.equal(log.get('k50'), undefined, 'a trimmed key is gone');
  // Updating a kept-back entry replaces it where it is; a newer one likewise.
  assert.equal(log.update('k7', { delivery: 'sent' })?.delivery, 'sent');
  assert.equal(log.all()[1]!.key, 'k7');
  assert.equal((log.all()[1] as MessageEntry).delivery, 'sent');
  log.upsert({ ...msg(190), text: 'edited' });
  assert.equal((log.get('k190') as MessageEntry).text, 'edited');
  assert.equal(log.all().filter((e) => e.key === 'k190').length, 1);
  // Once sent, the next trim lets it go.
  for (let i = 200; i < 260; i++) log.upsert(msg(i));
  assert.equal(log.get('k7'), undefined);
  assert.ok(log.get('k3'), 'still pending, still kept');
});

test('patchedMessage: `failure: undefined` removes the key (not left as undefined), other fields patched, the old entry untouched', () => {
  const failed: MessageEntry = { ...msg(1, true, 'failed'), failure: { code: 'REJECTED', detail: 'no' } };
  const sent = patchedMessage(failed, { delivery: 'sent', failure: undefined, seq: 7 })!;
  assert.deepEqual(sent, { ...msg(1, true, 'sent'), seq: 7 });
  assert.equal('failure' in sent, false);
  assert.equal(failed.delivery, 'failed');
  assert.ok(failed.failure);
  // Without a failure to remove, and with one to set.
  const pending = msg(2, true, 'pending');
  assert.equal('failure' in patchedMessage(pending, { delivery: 'sent', failure: undefined })!, false);
  assert.deepEqual(patchedMessage(pending, { delivery: 'failed', failure: { code: 'TOO_LARGE' } }), {
    ...pending,
    delivery: 'failed',
    failure: { code: 'TOO_LARGE' },
  });
  assert.equal(patchedMessage({ kind: 'marker', key: 'm', marker: 'gap', timestamp: 't' }, { delivery: 'sent' }), undefined);
});
