/**
 * Chaos in its multi-conversation form: Alice and Bob each hold one socket for four
 * conversations (three private rooms and their DM) through a TCP proxy that cuts
 * connections by traffic, while the server is restarted twice. Each message must arrive
 * once, in order within its conversation, and in no other conversation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { conversationPeer } from '../helpers/conversation-peer';
import { THREE } from '../helpers/conversation-stores';
import { faultProxy } from '../helpers/fault-proxy';
import { seededRandom } from '../helpers/seeded-random';
import { testServer } from '../helpers/server';
import { runConversationChaos } from '../helpers/conversation-chaos';

const PER_SENDER = Number(process.env.CHAOS_MESSAGES ?? 2_000);
const CUT_MIN = 6_000;
const CUT_MAX = 30_000;
const MAX_CUTS = 150;

test(
  `chaos, many conversations: ${2 * PER_SENDER} messages over 4 conversations, cuts, two restarts — 0 lost, 0 duplicated, 0 misdelivered`,
  { timeout: 150_000 },
  async (t) => {
    const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 100_000);
    const random = seededRandom(seed);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-conv-chaos-'));
    const srv = await testServer({
      tokens: THREE,
      dataDir: path.join(dir, 'server'),
      historyLimit: 4 * PER_SENDER,
      rateLimit: { messages: 1_000_000, windowMs: 60_000 },
      pingIntervalMs: 0,
    });
    const setup = await conversationPeer(srv.url, 'token-bob');
    const convs: string[] = [];
    for (const name of ['一', '二', '三'])
      convs.push((await setup.request({ type: 'create', name, kind: 'private', members: ['alice'] })).conversation.id);
    convs.push((await setup.request({ type: 'open_dm', user: 'alice' })).conversation.id);
    await setup.close();

    const proxy = await faultProxy(srv.port);
    t.after(async () => {
      await proxy.close();
      await srv.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    proxy.cutByTraffic({ nextBudget: () => CUT_MIN + Math.floor(random() * (CUT_MAX - CUT_MIN)), maxCuts: MAX_CUTS });
    let restarts = 0;
    await runConversationChaos({
      url: `ws://127.0.0.1:${proxy.port}/ws/chat/`,
      dir,
      convs,
      perSender: PER_SENDER,
      seed,
      drainMs: 100_000,
      fault: async (b, batches) => {
        if (b !== Math.floor(batches / 3) && b !== Math.floor((2 * batches) / 3)) return;
        await srv.restart();
        restarts += 1;
      },
    });
    proxy.cutByTraffic(undefined);
    assert.equal(restarts, 2);
    assert.ok(proxy.cuts >= 5, `the proxy cut connections (${proxy.cuts} cuts in ${proxy.forwarded} bytes)`);
    console.log(
      `chaos, many conversations (seed ${seed}): ${2 * PER_SENDER} messages in ${convs.length} conversations, ${proxy.cuts} cuts, ${restarts} restarts; lost 0, duplicated 0, misdelivered 0`,
    );
  },
);
