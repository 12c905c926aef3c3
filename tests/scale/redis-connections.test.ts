/**
 * What a node holds on Redis does not grow with conversations: three nodes, 1,000
 * conversations with a member subscribed to all of them on each of two nodes, and Redis's
 * own CLIENT LIST counts the nodes' connections by name. Each node has four (room store
 * commands, its one blocking stream reader, the connection counter, the conversation store),
 * whatever the number of conversations; and a message in the last one still crosses nodes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conversationPeer } from '../helpers/conversation-peer';
import { startNode, startRedis, type ChatNode } from './scale-kit';

const CONVERSATIONS = 1_000;
/** protocol/conversations.ts MAX_SUBSCRIBE. */
const PER_FRAME = 500;

/** The nodes' connections as Redis lists them, by the name each gives itself (redis-link.ts). */
function namedClients(cli: (...a: string[]) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of cli('CLIENT', 'LIST').split('\n')) {
    const name = /\bname=(uos-chat-\S+)/.exec(line)?.[1];
    if (name) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

test(`Redis connections per node stay at 4 with ${CONVERSATIONS} conversations followed on two nodes`, { timeout: 120_000 }, async (t) => {
  const redis = await startRedis({ persistent: false });
  const nodes: ChatNode[] = [];
  t.after(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await redis.dispose();
  });
  for (let i = 0; i < 3; i++) nodes.push(await startNode(redis.url));
  const before = namedClients(redis.cli);

  const alice = await conversationPeer(nodes[0]!.url, 'token-alice');
  t.after(() => alice.close());
  const convs: string[] = [];
  for (let i = 0; i < CONVERSATIONS; i++)
    convs.push((await alice.request({ type: 'create', name: `c${i}`, kind: 'private', members: ['bob'] })).conversation.id as string);
  const bob = await conversationPeer(nodes[1]!.url, 'token-bob');
  t.after(() => bob.close());
  for (const [who, peer] of [
    ['alice', alice],
    ['bob', bob],
  ] as const) {
    for (let i = 0; i < convs.length; i += PER_FRAME) {
      const answers = await peer.subscribe(convs.slice(i, i + PER_FRAME).map((conv) => ({ conv })));
      assert.ok(
        answers.every((a) => a.type === 'subscribed'),
        `${who} subscribed to all`,
      );
    }
  }
  const last = convs.at(-1)!;
  assert.equal((await alice.say(last, 'x1', 'across nodes')).type, 'ack');
  await bob.next((f) => f.type === 'chat_message' && f.conv === last && f.id === 'x1', 10_000, 'the message on the other node');

  const after = namedClients(redis.cli);
  assert.deepEqual(Object.fromEntries(after), Object.fromEntries(before), 'no connection was added for the conversations');
  assert.equal(after.get('uos-chat-reader'), 3, 'one blocking reader per node, for every conversation it serves');
  assert.equal(after.get('uos-chat-commands'), 9, 'three command connections per node');
  console.log(
    `redis connections with ${CONVERSATIONS} conversations on 3 nodes: ${JSON.stringify(Object.fromEntries(after))} (4 per node)`,
  );
});
