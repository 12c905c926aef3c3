/**
 * The channel table is the one place a channel is written: the window's API, the channel names and
 * the host's handlers come from it. The type-level half (a handler missing does not compile) is
 * checked by `tsc` through the @ts-expect-error below.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { INVOKE_TABLE, InvokeChannels, type ChatTransport, type Handlers } from '../../electron/common/contract';
import { createChatApi } from '../../electron/common/chat-api';

test('the window API has one method per table entry, each invoking its channel with the argument the table builds', async () => {
  const calls: Array<[string, unknown]> = [];
  const transport: ChatTransport = {
    invoke: async (channel, arg) => {
      calls.push([channel, arg]);
      return null as never;
    },
    subscribe: () => () => undefined,
  };
  const api = createChatApi(transport);
  assert.deepEqual(
    Object.keys(api).sort(),
    [...Object.keys(INVOKE_TABLE), 'onAccount', 'onConversations', 'onDownloads', 'onEntries', 'onStatus', 'onUploads'].sort(),
  );
  await api.getOlder(42, 7);
  await api.search('会议', 5);
  await api.send('hi');
  await api.getSnapshot();
  assert.deepEqual(calls, [
    ['chat:get-older', { before: 42, limit: 7 }],
    ['chat:search', { text: '会议', limit: 5 }],
    ['chat:send', 'hi'],
    ['chat:get-snapshot', null],
  ]);
  assert.equal(Object.isFrozen(api), true);
  assert.deepEqual(
    Object.values(InvokeChannels).sort(),
    Object.values(INVOKE_TABLE)
      .map((s) => s.channel)
      .sort(),
  );
});

test('each table check refuses what its channel does not take', () => {
  assert.equal(INVOKE_TABLE.getSnapshot.check('x').ok, false);
  assert.equal(INVOKE_TABLE.getOlder.check({ before: 1, limit: 0 }).ok, false);
  assert.deepEqual(INVOKE_TABLE.getOlder.check({ before: 1, limit: 2 }), { ok: true, value: { before: 1, limit: 2 } });
  assert.equal(INVOKE_TABLE.dismissNotice.check('other').ok, false);
});

test('Handlers needs every channel of the table (a missing one is a compile error)', () => {
  // @ts-expect-error: only one handler of the table's sixteen is given
  const partial: Handlers = {
    getSnapshot: () => {
      throw new Error('never called');
    },
  };
  assert.equal(Object.keys(partial).length, 1);
});
