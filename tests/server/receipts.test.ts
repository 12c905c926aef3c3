/**
 * Read status on the reference server (feature `receipts`, server/receipts.ts), on the memory
 * and Redis stores: a member's request gets the markers of the members who share them; marker
 * changes are pushed, coalesced, to subscribers that asked for receipts, and to no one else; a
 * user who turns sharing off shows none and sees none; a non-member gets nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conversationPeer, type ConversationPeer, type Frame } from '../helpers/conversation-peer';
import { STORES } from '../helpers/conversation-stores';

const WITH_RECEIPTS = { features: 'conversations,receipts' };

const pushes = (peer: ConversationPeer, conv: string) =>
  peer.frames.filter((f) => f.type === 'receipts' && f.conv === conv && f.ref === undefined);

/** Every push so far, folded: each reader's furthest marker. */
const pushedSoFar = (peer: ConversationPeer, conv: string): Record<string, number> =>
  Object.assign({}, ...pushes(peer, conv).map((f) => f.read as Record<string, number>));

for (const store of STORES) {
  test(`${store.name}: receipts: who read how far, pushed coalesced; sharing off shows and sees none; members only`, async (t) => {
    const srv = await store.start(t, { receiptsIntervalMs: 50 });
    const [alice, bob, carol] = await Promise.all(
      ['token-alice', 'token-bob', 'token-carol'].map((token) => conversationPeer(srv.url, token, WITH_RECEIPTS)),
    );
    const plain = await conversationPeer(srv.url, 'token-bob');
    t.after(async () => {
      for (const p of [alice!, bob!, carol!, plain]) await p.close();
    });
    const room = (await alice!.request({ type: 'create', name: 'read', kind: 'private', members: ['bob', 'carol'] })).conversation
      .id as string;
    for (const p of [alice!, bob!, carol!, plain]) await p.subscribe([{ conv: room }]);
    const first = (await alice!.say(room, 'r1', 'one')).seq as number;
    const second = (await alice!.say(room, 'r2', 'two')).seq as number;

    bob!.ws.send(JSON.stringify({ type: 'read', conv: room, seq: second }));
    carol!.ws.send(JSON.stringify({ type: 'read', conv: room, seq: first }));
    await alice!.next(
      () => pushedSoFar(alice!, room).bob === second && pushedSoFar(alice!, room).carol === first,
      10_000,
      'pushes with both',
    );
    const answer = (await alice!.request({ type: 'receipts', conv: room })) as Frame;
    assert.deepEqual(answer.read, { alice: 0, bob: second, carol: first });
    assert.equal(pushes(plain, room).length, 0, 'a client that did not ask for receipts gets none pushed');

    // Carol turns it off: her next read is nobody's business, and she sees nobody's.
    assert.equal((await carol!.request({ type: 'receipts_setting', share: false })).share, false);
    carol!.ws.send(JSON.stringify({ type: 'read', conv: room, seq: second }));
    bob!.ws.send(JSON.stringify({ type: 'read', conv: room, seq: second }));
    const third = (await alice!.say(room, 'r3', 'three')).seq as number;
    bob!.ws.send(JSON.stringify({ type: 'read', conv: room, seq: third }));
    await alice!.next(() => pushedSoFar(alice!, room).bob === third, 10_000, 'bob reading on');
    assert.ok(!pushes(alice!, room).some((f) => f.read.carol === second), 'carol reading on is not pushed');
    assert.deepEqual((await alice!.request({ type: 'receipts', conv: room })).read, { alice: 0, bob: third });
    const hers = (await carol!.request({ type: 'receipts', conv: room })) as Frame;
    assert.deepEqual([hers.off, hers.read], [true, {}]);

    const dave = await conversationPeer(srv.url, 'token-carol', WITH_RECEIPTS);
    t.after(() => dave.close());
    const other = (await bob!.request({ type: 'create', name: 'not carol', kind: 'private', members: ['alice'] })).conversation
      .id as string;
    const refused = await dave.request({ type: 'receipts', conv: other });
    assert.equal(refused.code, 'forbidden', 'a non-member gets nothing');
  });
}
