/** Grouping and day starts from the neighbour above only (renderer/src/grouping.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GROUP_WINDOW_MS, rowPlace } from '../../renderer/src/grouping';
import type { MarkerEntry, MessageEntry } from '../../electron/common/contract';

const at = (d: number, h: number, m: number) => new Date(2026, 10, d, h, m).toISOString();
const msg = (timestamp: string, extra: Partial<MessageEntry> = {}): MessageEntry => ({
  kind: 'message',
  key: timestamp,
  user: 'bob',
  text: 'x',
  timestamp,
  own: false,
  delivery: 'sent',
  ...extra,
});

test('same sender within five minutes on the same day continues the group', () => {
  assert.deepEqual(rowPlace(msg(at(30, 10, 5)), msg(at(30, 10, 0))), { dayStart: false, continued: true });
  const late = new Date(Date.parse(at(30, 10, 0)) + GROUP_WINDOW_MS + 1000).toISOString();
  assert.deepEqual(rowPlace(msg(late), msg(at(30, 10, 0))), { dayStart: false, continued: false });
});

test('another sender, own versus theirs, and the server break the group', () => {
  assert.equal(rowPlace(msg(at(30, 10, 1), { user: 'carol' }), msg(at(30, 10, 0))).continued, false);
  assert.equal(rowPlace(msg(at(30, 10, 1), { user: 'bob', own: true }), msg(at(30, 10, 0))).continued, false);
  assert.equal(rowPlace(msg(at(30, 10, 1), { fromServer: true }), msg(at(30, 10, 0))).continued, false);
  assert.equal(
    rowPlace(msg(at(30, 10, 1), { own: true, user: 'alice' }), msg(at(30, 10, 0), { own: true, user: 'alice' })).continued,
    true,
  );
});

test('midnight starts a day even within five minutes; the first row held and a row after a gap start one', () => {
  assert.deepEqual(rowPlace(msg(at(30, 0, 1)), msg(at(29, 23, 58))), { dayStart: true, continued: false });
  assert.deepEqual(rowPlace(msg(at(30, 0, 1)), undefined), { dayStart: true, continued: false });
  const gap: MarkerEntry = { kind: 'marker', key: 'g', marker: 'gap', timestamp: at(30, 0, 0) };
  assert.deepEqual(rowPlace(msg(at(30, 0, 1)), gap), { dayStart: true, continued: false });
  assert.deepEqual(rowPlace(gap, msg(at(30, 0, 0))), { dayStart: false, continued: false });
});

test('a timestamp that does not parse neither groups nor labels', () => {
  assert.deepEqual(rowPlace(msg('not a date'), msg(at(30, 0, 0))), { dayStart: false, continued: false });
});
