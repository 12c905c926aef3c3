/**
 * Chaos in its multi-conversation form, scaled out: Alice and Bob each hold one socket for
 * four conversations (three private rooms and their DM) through HAProxy to three nodes on
 * one Redis, while a node that holds one of them is SIGKILLed and restarted, and then Redis
 * itself is SIGKILLed and started again a second later. Each message must arrive once, in
 * order within its conversation, and in no other conversation. Faults are placed by how many
 * messages were queued, not by time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conversationPeer } from '../helpers/conversation-peer';
import { runConversationChaos } from '../helpers/conversation-chaos';
import { startRig, type ChatNode } from './scale-kit';

const PER_SENDER = Number(process.env.SCALE_CHAOS_MESSAGES ?? 1_200);
/** Redis is away this long: the senders go on queueing meanwhile, which is the fault itself. */
const REDIS_AWAY_MS = 1_000;

/** Clients a node holds now: greeted minus gone (the node logs both). */
function openOn(node: ChatNode): number {
  const lines = node.proc.stderr;
  return lines.filter((l) => / connected from /.test(l)).length - lines.filter((l) => / disconnected \(/.test(l)).length;
}

test(
  `scale-out chaos, many conversations: ${2 * PER_SENDER} messages over 4 conversations, a node and then Redis SIGKILLed — 0 lost, 0 duplicated, 0 misdelivered`,
  { timeout: 170_000 },
  async (t) => {
    const { redis, nodes, balancer, dir } = await startRig(t, {
      persistent: true,
      nodeArgs: ['--history', String(4 * PER_SENDER)],
      dirPrefix: 'uos-chat-scale-conv-chaos-',
    });

    const setup = await conversationPeer(balancer.url, 'token-bob');
    const convs: string[] = [];
    for (const name of ['一', '二', '三'])
      convs.push((await setup.request({ type: 'create', name, kind: 'private', members: ['alice'] })).conversation.id);
    convs.push((await setup.request({ type: 'open_dm', user: 'alice' })).conversation.id);
    await setup.close();

    const faults: string[] = [];
    let outage: Promise<void> | undefined;
    await runConversationChaos({
      url: balancer.url,
      dir,
      convs,
      perSender: PER_SENDER,
      drainMs: 120_000,
      fault: async (b, batches) => {
        if (b === Math.floor(batches / 3)) {
          const victim = nodes.find((n) => openOn(n) >= 1);
          assert.ok(victim, 'some node holds a client when one is killed');
          faults.push(`node on port ${victim.port} (${openOn(victim)} client(s))`);
          await victim.kill();
          await victim.restart();
        } else if (b === Math.floor((2 * batches) / 3)) {
          // Dead before the next batch is queued, so the rest of the stream meets it however fast it flows.
          await redis.kill();
          faults.push('Redis');
          outage = (async () => {
            await new Promise((resolve) => setTimeout(resolve, REDIS_AWAY_MS));
            await redis.start();
          })();
        }
      },
    });
    await outage;
    assert.equal(faults.length, 2, faults.join(', '));
    console.log(
      `scale-out chaos, many conversations: ${2 * PER_SENDER} messages in ${convs.length} conversations, killed ${faults.join(' and ')}; lost 0, duplicated 0, misdelivered 0`,
    );
  },
);
