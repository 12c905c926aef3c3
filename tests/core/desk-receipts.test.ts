/**
 * Read status in the desk (electron/core/conversations/desk-receipts.ts) over the reference server:
 * the conversation shown gets its members' markers when it is opened, and they follow the server's
 * pushes as others read; a client whose user turned read status off tells the server so, shows
 * none and sees none.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { ConversationClients, ConversationDesk } from '../../electron/core/conversations';
import type { ConversationsView } from '../../electron/common/contract';
import { conversationPeer } from '../helpers/conversation-peer';
import { THREE } from '../helpers/conversation-stores';
import { testServer } from '../helpers/server';
import { withTimeout } from '../helpers/wait';

async function deskFor(t: TestContext, url: string, readReceipts: boolean) {
  const clients = new ConversationClients({ config: { url, token: 'token-alice', readReceipts } });
  const desk = new ConversationDesk(clients, 'lobby');
  clients.followAll();
  t.after(() => clients.stop());
  await withTimeout(clients.start(), 5_000, 'the greeting');
  return desk;
}

function viewSoon(desk: ConversationDesk, check: (v: ConversationsView) => boolean, what: string): Promise<ConversationsView> {
  if (check(desk.view())) return Promise.resolve(desk.view());
  return withTimeout(new Promise((resolve) => desk.on('changed', (v) => check(v) && resolve(v))), 10_000, what);
}

test('the conversation shown has its read status, kept current as others read; off: told to the server, none seen', async (t) => {
  const srv = await testServer({ tokens: THREE, receiptsIntervalMs: 50 });
  t.after(() => srv.stop());
  const bob = await conversationPeer(srv.url, 'token-bob', { features: 'conversations,receipts' });
  const carol = await conversationPeer(srv.url, 'token-carol', { features: 'conversations,receipts' });
  t.after(async () => {
    await bob.close();
    await carol.close();
  });
  const room = (await bob.request({ type: 'create', name: '已读', kind: 'private', members: ['alice', 'carol'] })).conversation
    .id as string;
  await bob.subscribe([{ conv: room }]);
  const seq = (await bob.say(room, 'q1', 'seen?')).seq as number;

  const desk = await deskFor(t, srv.url, true);
  await viewSoon(desk, (v) => v.list.some((c) => c.id === room), 'the room listed');
  assert.ok(desk.open(room));
  const first = await viewSoon(desk, (v) => v.receipts?.conv === room, 'the read status of the room shown');
  assert.deepEqual(first.receipts!.members, ['alice', 'bob', 'carol']);
  assert.equal(first.receipts!.read.carol ?? 0, 0);

  carol.ws.send(JSON.stringify({ type: 'read', conv: room, seq }));
  const later = await viewSoon(desk, (v) => (v.receipts?.read.carol ?? 0) >= seq, 'carol reading, pushed');
  assert.equal(later.receipts!.off, undefined);

  // Another run with read status off: the server is told, alice's reads are not shown to bob, and she sees none.
  const offDesk = await deskFor(t, srv.url, false);
  await viewSoon(offDesk, (v) => v.list.some((c) => c.id === room), 'the room listed again');
  offDesk.open(room);
  const off = await viewSoon(offDesk, (v) => v.receipts?.off === true, 'read status off');
  assert.deepEqual(off.receipts!.read, {});
  const seen = await bob.request({ type: 'receipts', conv: room });
  assert.equal('alice' in seen.read, false, 'her marker is not shown to others');
});
