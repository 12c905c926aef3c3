/**
 * Privacy, enforced by the server: carol, who is in neither, tries every path into alice and
 * bob's DM and into their private room: live fan-out, `since`, `history=N`, history pages,
 * search, the list, join and invite, a chat message, read markers, the design notes'
 * `room=` URL, and a guessed id. Every path is refused with `forbidden` (4003 for a URL
 * room), nothing of theirs reaches her, a guessed id gets the same words as a real one, and
 * her connection stays up for her own conversations. On the memory and the Redis store.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { conversationPeer, type ConversationPeer, type Frame } from '../helpers/conversation-peer';
import type { TestServer } from '../helpers/server';
import { wirePeer } from '../scale/scale-kit';
import { STORES } from '../helpers/conversation-stores';

const SECRET = 'the secret is 42';

interface Scene {
  srv: TestServer;
  alice: ConversationPeer;
  carol: ConversationPeer;
  dm: string;
  room: string;
}

/** Alice and bob talk in a DM and a private room (the secret in both); carol is connected all along. */
async function scene(t: TestContext, start: (t: TestContext) => Promise<TestServer>): Promise<Scene> {
  const srv = await start(t);
  const carol = await conversationPeer(srv.url, 'token-carol');
  const alice = await conversationPeer(srv.url, 'token-alice');
  t.after(async () => {
    await alice.close();
    if (carol.ws.readyState === carol.ws.OPEN) await carol.close();
  });
  await carol.subscribe([{ conv: 'lobby' }]);
  const dm = (await alice.request({ type: 'open_dm', user: 'bob' })).conversation.id as string;
  const room = (await alice.request({ type: 'create', name: 'board', kind: 'private', members: ['bob'] })).conversation.id as string;
  await alice.subscribe([{ conv: dm }, { conv: room }]);
  for (const conv of [dm, room])
    for (let i = 1; i <= 3; i++) assert.equal((await alice.say(conv, `${conv}-${i}`, `${SECRET} #${i}`)).type, 'ack');
  return { srv, alice, carol, dm, room };
}

const leaks = (frames: Frame[]) => frames.filter((f) => JSON.stringify(f).includes(SECRET) || JSON.stringify(f).includes('board'));

function assertRefused(f: Frame, conv: string, what: string): void {
  assert.equal(f.type, 'error', `${what}: ${JSON.stringify(f)}`);
  assert.equal(f.code, 'forbidden', what);
  assert.equal(f.conv, conv, what);
  assert.match(f.message, /not a member/);
}

for (const store of STORES) {
  test(`${store.name}: a third user gets nothing from a DM or a private room, by any path`, async (t) => {
    const { srv, alice, carol, dm, room } = await scene(t, (tt) => store.start(tt));
    const guessed = 'c_AAAAAAAAAAAAAAAA';
    for (const conv of [dm, room, guessed]) {
      const [sub] = await carol.subscribe([{ conv, since: 0 }]);
      assertRefused(sub!, conv, `subscribe since 0 to ${conv}`);
      const [hist] = await carol.subscribe([{ conv, history: 50 }]);
      assertRefused(hist!, conv, `subscribe history=50 to ${conv}`);
      assertRefused(await carol.request({ type: 'history', conv, before: 1_000, limit: 100 }), conv, 'history page');
      assertRefused(await carol.request({ type: 'search', conv, query: 'secret' }), conv, 'search in it');
      assertRefused(await carol.request({ type: 'join', conv }), conv, 'join');
      assertRefused(await carol.request({ type: 'invite', conv, user: 'carol' }), conv, 'invite herself');
      assertRefused(await carol.say(conv, `x-${conv}`, 'let me in'), conv, 'a chat message');
      carol.ws.send(JSON.stringify({ type: 'read', conv, seq: 3 }));
    }
    // The words for a guessed id and a real one are the same: the id tells her nothing.
    const words = (conv: string) => carol.frames.filter((f) => f.type === 'error' && f.conv === conv).map((f) => f.message);
    assert.deepEqual(new Set(words(guessed)), new Set(words(dm)));
    // Search over all her conversations, and her list: nothing of theirs.
    const everywhere = await carol.request({ type: 'search', query: 'secret' });
    assert.deepEqual(everywhere.messages, []);
    const list = await carol.request({ type: 'list' });
    assert.deepEqual(
      list.conversations.map((c: any) => c.id),
      ['lobby'],
    );
    // Live traffic while she is connected and trying: still nothing.
    await alice.say(dm, 'live', `${SECRET} live`);
    // Her connection is still up for her own conversations: lobby works.
    const ok = await carol.say('lobby', 'carol-lobby', 'hi all');
    assert.equal(ok.type, 'ack');
    assert.deepEqual(leaks(carol.frames), []);
    // Bob's unread state was not touched by her read frames.
    const bob = await conversationPeer(srv.url, 'token-bob');
    t.after(() => bob.close());
    assert.equal(bob.greeting.conversations.find((c: any) => c.id === dm).unread, 4);
  });

  test(`${store.name}: the design notes' room= URL refuses a DM or private room to a non-member (4003), with since and history too`, async (t) => {
    const { srv, dm, room } = await scene(t, (tt) => store.start(tt));
    for (const conv of [dm, room, 'c_BBBBBBBBBBBBBBBB', '~events']) {
      for (const query of [{}, { since: '0' }, { history: '50' }] as Array<Record<string, string>>) {
        const peer = await wirePeer(srv.url, { token: 'token-carol', room: conv, ...query });
        const closed = await peer.closed;
        assert.equal(closed.code, 4003, `${conv} ${JSON.stringify(query)}`);
        assert.deepEqual(leaks(peer.frames), []);
        assert.ok(peer.frames.some((f) => f.type === 'error' && f.code === 'forbidden'));
      }
    }
    // A member may use the URL way into her DM.
    const bob = await wirePeer(srv.url, { token: 'token-bob', room: dm, since: '0' });
    t.after(() => bob.close());
    await bob.next((f) => f.type === 'chat_message' && f.replay === true && f.message === `${SECRET} #3`, 5_000, 'bob replayed his DM');
  });

  test(`${store.name}: a member who leaves a private room gets nothing more from it`, async (t) => {
    const { srv, alice, room } = await scene(t, (tt) => store.start(tt));
    const bob = await conversationPeer(srv.url, 'token-bob');
    t.after(() => bob.close());
    const legacyBob = await wirePeer(srv.url, { token: 'token-bob', room });
    await bob.subscribe([{ conv: room }]);
    assert.equal((await bob.request({ type: 'leave', conv: room })).type, 'left');
    // His one-room connection to it is closed, since it has nothing left.
    assert.equal((await legacyBob.closed).code, 4003);
    await alice.say(room, 'after', 'after bob left');
    const [again] = await bob.subscribe([{ conv: room, since: 0 }]);
    assertRefused(again!, room, 'subscribe after leaving');
    assert.equal(
      bob.frames.some((f) => f.id === 'after'),
      false,
    );
  });
}
