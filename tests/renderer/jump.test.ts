/**
 * Jumping to a search result (renderer/src/store.ts pageInUntil): older pages are paged
 * into the window until it holds the entry, bounded; a result that is gone or too far
 * back says so; a page that no longer fits is asked again from the new front.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EntryStore, JUMP_PAGE, pageInUntil } from '../../renderer/src/store';
import type { MessageEntry, OlderEntries } from '../../electron/common/contract';

const m = (order: number): MessageEntry => ({
  kind: 'message',
  key: `k${order}`,
  order,
  user: 'bob',
  text: `m${order}`,
  timestamp: '2026-11-23T00:00:00Z',
  own: false,
  delivery: 'sent',
});

/** A core log of orders first…last; the window holds the newest `held`. */
function setup(first: number, last: number, held: number) {
  const log = Array.from({ length: last - first + 1 }, (_, i) => m(first + i));
  const store = new EntryStore();
  store.reset(log.slice(-held), log.length > held);
  const asked: number[] = [];
  const fetchOlder = async (before: number, limit: number): Promise<OlderEntries> => {
    asked.push(before);
    const older = log.filter((e) => e.order! < before);
    const page = older.slice(-limit);
    return { entries: page, hasOlder: older.length > page.length };
  };
  return { store, fetchOlder, asked };
}

test('a held entry needs no page', async () => {
  const { store, fetchOlder, asked } = setup(1, 500, 200);
  assert.equal(await pageInUntil(store, { key: 'k400', order: 400 }, fetchOlder, () => {}), 'held');
  assert.deepEqual(asked, []);
});

test('an older entry: pages go in front until it is held, contiguous, newest kept', async () => {
  const { store, fetchOlder, asked } = setup(1, 3_000, 200);
  let pages = 0;
  assert.equal(await pageInUntil(store, { key: 'k5', order: 5 }, fetchOlder, () => pages++), 'held');
  assert.deepEqual(asked, [2_801, 2_801 - JUMP_PAGE, 2_801 - 2 * JUMP_PAGE]);
  assert.equal(pages, 3);
  assert.equal(store.size, 3_000);
  assert.equal(store.at(0)!.order, 1);
  assert.equal(store.at(store.size - 1)!.order, 3_000);
  assert.equal(store.hasOlder, false);
});

test('further back than the bound: too-far after maxPages pages, none more asked', async () => {
  const { store, fetchOlder, asked } = setup(1, 10_000, 200);
  assert.equal(await pageInUntil(store, { key: 'k1', order: 1 }, fetchOlder, () => {}, 3), 'too-far');
  assert.equal(asked.length, 3);
  assert.equal(store.has('k1'), false);
});

test('gone: the log no longer reaches back to it, or its place is inside the window', async () => {
  const { store, fetchOlder } = setup(100, 600, 200);
  assert.equal(await pageInUntil(store, { key: 'k7', order: 7 }, fetchOlder, () => {}), 'gone');
  assert.equal(store.size, 501, 'everything there was got paged in on the way');
  assert.equal(await pageInUntil(store, { key: 'cleared', order: 300 }, fetchOlder, () => {}), 'gone');
});

test('a failed page request rejects (the log says so) and leaves the window as it was', async () => {
  const { store } = setup(1, 500, 200);
  await assert.rejects(
    pageInUntil(
      store,
      { key: 'k1', order: 1 },
      () => Promise.reject(new Error('ipc down')),
      () => {},
    ),
    /ipc down/,
  );
  assert.equal(store.size, 200);
});

test('a page that no longer fits (the log pane paged one in meanwhile) is dropped and asked again', async () => {
  const { store, fetchOlder, asked } = setup(1, 1_000, 200);
  let raced = false;
  const racing = async (before: number, limit: number) => {
    const page = await fetchOlder(before, limit);
    if (!raced) {
      raced = true;
      store.prepend((await fetchOlder(before, 100)).entries, true);
    }
    return page;
  };
  assert.equal(await pageInUntil(store, { key: 'k1', order: 1 }, racing, () => {}), 'held');
  assert.deepEqual(asked, [801, 801, 701]);
  assert.deepEqual(
    Array.from({ length: store.size }, (_, i) => store.at(i)!.order),
    Array.from({ length: 1_000 }, (_, i) => i + 1),
    'contiguous, each once',
  );
});
