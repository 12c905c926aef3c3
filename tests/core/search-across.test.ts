/**
 * searchAcross: every listed conversation's store is searched, results merge newest first
 * (by time, whatever offset a stamp carries), each names its conversation, the limit holds,
 * and a client the desk would not give (not the user's) is never asked.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatClient } from '../../electron/core/connection/client';
import { searchAcross, type SearchableDesk } from '../../electron/core/conversations';
import type { ConversationView, MessageEntry } from '../../electron/common/contract';

function entry(key: string, timestamp: string): MessageEntry {
  return { kind: 'message', key, user: 'bob', text: `budget ${key}`, timestamp, own: false, delivery: 'sent' };
}

function conv(id: string, name: string): ConversationView {
  return { id, name, kind: 'room', members: 2, unread: 0, mentions: 0, notify: 'all' };
}

function desk(stores: Record<string, MessageEntry[]>, listed: string[], asked: string[]): SearchableDesk {
  return {
    view: () => ({ multi: true, current: listed[0]!, list: listed.map((id) => conv(id, `name of ${id}`)) }),
    clientOf: (id) => {
      if (!listed.includes(id)) return undefined;
      const client = {
        search: (_text: string, limit: number) => {
          asked.push(id);
          return (stores[id] ?? []).slice(0, limit);
        },
      };
      return client as unknown as ChatClient;
    },
  };
}

test('results from every conversation, newest first, each naming its conversation, the limit held', () => {
  const asked: string[] = [];
  const stores = {
    a: [entry('seq:2', '2026-12-07T10:00:03Z'), entry('seq:1', '2026-12-07T10:00:00Z')],
    // +08:00: 18:00:02 there is 10:00:02 UTC, between a's two.
    b: [entry('seq:1', '2026-12-07T18:00:02+08:00')],
  };
  const hits = searchAcross(desk(stores, ['a', 'b'], asked), 'budget', 10);
  assert.deepEqual(
    hits.map((h) => [h.conv?.id, h.key]),
    [
      ['a', 'seq:2'],
      ['b', 'seq:1'],
      ['a', 'seq:1'],
    ],
  );
  assert.equal(hits[1]!.conv?.name, 'name of b');
  assert.deepEqual(
    searchAcross(desk(stores, ['a', 'b'], []), 'budget', 2).map((h) => h.key),
    ['seq:2', 'seq:1'],
  );
  assert.deepEqual(asked.sort(), ['a', 'b']);
});

test('a conversation that is not listed is never searched', () => {
  const asked: string[] = [];
  const d = desk({ a: [entry('seq:1', '2026-12-07T10:00:00Z')], secret: [entry('seq:9', '2026-12-07T11:00:00Z')] }, ['a'], asked);
  const hits = searchAcross(d, 'budget', 10);
  assert.deepEqual(
    hits.map((h) => h.conv?.id),
    ['a'],
  );
  assert.deepEqual(asked, ['a']);
});
