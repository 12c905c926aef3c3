/**
 * The renderer's window onto the log (renderer/src/store.ts), fed plain data: what is
 * appended, replaced, skipped, paged in and let go.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EntryStore } from '../../renderer/src/store';
import type { MessageEntry } from '../../electron/common/contract';

const m = (order: number, extra: Partial<MessageEntry> = {}): MessageEntry => ({
  kind: 'message',
  key: `k${order}`,
  order,
  user: 'bob',
  text: `m${order}`,
  timestamp: '2026-11-23T00:00:00Z',
  own: false,
  delivery: 'sent',
  ...extra,
});
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => m(from + i));
const keys = (s: EntryStore) => Array.from({ length: s.size }, (_, i) => s.keyAt(i));

test('new entries (order above the newest) append; known keys replace in place; updates to entries outside the window are skipped', () => {
  const s = new EntryStore();
  s.reset(range(101, 110), true);
  assert.equal(s.hasOlder, true);
  assert.equal(s.oldestOrder, 101);
  const r = s.upsert([m(111), m(105, { text: 'edited' }), m(50, { delivery: 'failed' }), m(112)]);
  assert.deepEqual(r, { appended: 2, replaced: 1 });
  assert.deepEqual(keys(s), [...range(101, 112).map((e) => e.key)]);
  assert.equal((s.get('k105') as MessageEntry).text, 'edited');
  assert.equal(s.has('k50'), false, 'an update to an entry that is not loaded is not appended');
  assert.equal(s.appendedTotal, 12);
});

test('older pages go in front (not counted as appended), duplicates and out-of-place entries skipped; trimming lets the oldest go', () => {
  const s = new EntryStore();
  s.reset(range(201, 210), true);
  const before = s.appendedTotal;
  assert.equal(s.prepend([...range(195, 200), m(205)], true), 6);
  assert.deepEqual(keys(s).slice(0, 7), ['k195', 'k196', 'k197', 'k198', 'k199', 'k200', 'k201']);
  assert.equal(s.get('k203')?.key, 'k203', 'the index follows the shift');
  assert.equal(s.appendedTotal, before, 'a page is not "new messages"');
  s.prepend(range(190, 194), false);
  assert.equal(s.hasOlder, false);
  assert.equal(s.size, 21);

  const v = s.version;
  assert.equal(s.trimOldest(5), 16);
  assert.deepEqual(keys(s), ['k206', 'k207', 'k208', 'k209', 'k210']);
  assert.equal(s.hasOlder, true, 'what was let go can be paged in again');
  assert.ok(s.version > v);
  assert.equal(s.has('k190'), false);
  assert.equal(s.get('k208')?.key, 'k208');
  // Now an update for a let-go entry is skipped, a new one appended.
  assert.deepEqual(s.upsert([m(195, { text: 'late update' }), m(211)]), { appended: 1, replaced: 0 });
  assert.deepEqual(keys(s), ['k206', 'k207', 'k208', 'k209', 'k210', 'k211']);
});

test('entries without an order (older hosts) are appended as before', () => {
  const s = new EntryStore();
  s.reset([], false);
  const { order: _o, ...noOrder } = m(1);
  assert.deepEqual(s.upsert([noOrder as MessageEntry]), { appended: 1, replaced: 0 });
  assert.deepEqual(s.upsert([m(2)]), { appended: 1, replaced: 0 });
});
