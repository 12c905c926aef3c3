import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConversationView } from '../../electron/common/contract';
import { matchConversations } from '../../renderer/src/switcherMatch';

const conv = (id: string, name: string): ConversationView => ({
  id,
  name,
  kind: 'room',
  members: 2,
  unread: 0,
  mentions: 0,
  notify: 'all',
});
const list = [conv('r-1', 'Weekly 周报'), conv('r-2', '项目组 Alpha'), conv('lobby', 'lobby'), conv('r-3', 'alpha-ops')];
const ids = (q: string) => matchConversations(list, q).map((c) => c.id);

test('an empty query keeps the whole list in its order', () => {
  assert.deepEqual(ids('  '), ['r-1', 'r-2', 'lobby', 'r-3']);
});

test('every word must appear, in any case or width; names that start with the query come first', () => {
  assert.deepEqual(ids('ALPHA'), ['r-3', 'r-2']);
  assert.deepEqual(ids('项目 alp'), ['r-2']);
  assert.deepEqual(ids('ｗｅｅｋ'), ['r-1'], 'full-width Latin');
  assert.deepEqual(ids('周报'), ['r-1']);
  assert.deepEqual(ids('lob'), ['lobby']);
  assert.deepEqual(ids('nothing'), []);
});

test('the id matches too (a DM named by its other member still has its id)', () => {
  assert.deepEqual(ids('r-2'), ['r-2']);
});
