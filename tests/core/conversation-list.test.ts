/** ConversationList: the counts the sidebar and `rooms` show, from the greeting, events and live messages. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConversationInfo } from '../../protocol';
import { ConversationList } from '../../electron/core/conversations';

const info = (id: string, extra: Partial<ConversationInfo> = {}): ConversationInfo => ({
  id,
  name: id,
  kind: 'room',
  members: ['alice', 'bob'],
  seq: 0,
  read: 0,
  unread: 0,
  mentions: 0,
  ...extra,
});
const msg = (seq: number, user: string, mentions?: string[]) => ({
  type: 'chat_message' as const,
  message: `m${seq}`,
  user,
  seq,
  timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
  ...(mentions ? { mentions } : {}),
});

test('live messages count once, never our own, mentions apart; a replay inside the greeting is not counted again', () => {
  const list = new ConversationList();
  list.apply({ type: 'conversation_list', conversations: [info('a', { seq: 5, read: 3, unread: 2 })] });
  assert.equal(list.onMessage('a', msg(4, 'bob'), 'alice'), false, 'seq 4 is in the greeting counts');
  assert.equal(list.onMessage('a', msg(6, 'bob', ['alice']), 'alice'), true);
  assert.equal(list.onMessage('a', msg(7, 'alice'), 'alice'), true);
  assert.equal(list.onMessage('a', msg(6, 'bob', ['alice']), 'alice'), false, 'the same seq again (a resend) counts nothing');
  const a = list.get('a')!;
  assert.deepEqual([a.unread, a.mentions, a.seq, a.last?.message], [3, 1, 7, 'm7']);
  assert.equal(list.onMessage('nowhere', msg(1, 'bob'), 'alice'), false, 'not a conversation of ours');
});

test('a read marker to the end clears the counts; to the middle keeps them for the server to recount', () => {
  const list = new ConversationList();
  list.apply({ type: 'conversation_list', conversations: [info('a', { seq: 10, read: 2, unread: 8, mentions: 2 })] });
  list.apply({ type: 'read_marker', conv: 'a', seq: 5 });
  assert.deepEqual([list.get('a')!.read, list.get('a')!.unread], [5, 8]);
  assert.equal(list.apply({ type: 'read_marker', conv: 'a', seq: 4 }), false, 'a marker never goes back');
  list.apply({ type: 'read_marker', conv: 'a', seq: 10 });
  assert.deepEqual([list.get('a')!.unread, list.get('a')!.mentions], [0, 0]);
});

test('sorted by last activity, then by name; a conversation left is gone', () => {
  const list = new ConversationList();
  list.apply({ type: 'conversation_list', conversations: [info('乙'), info('甲'), info('old')] });
  list.onMessage('old', msg(1, 'bob'), 'alice');
  list.apply({
    type: 'conversation',
    conversation: info('new', { seq: 1, last: { user: 'bob', message: 'x', seq: 1, timestamp: '2026-02-01T00:00:00.000Z' } }),
  });
  assert.deepEqual(
    list.all().map((c) => c.id),
    ['new', 'old', '甲', '乙'],
  );
  assert.equal(list.apply({ type: 'left', conv: 'old' }), true);
  assert.equal(list.get('old'), undefined);
});
