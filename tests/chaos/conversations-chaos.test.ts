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
import type { LogEntry } from '../../electron/common/contract';
import { ConversationClients } from '../../electron/core/conversations';
import { AccountDirectory } from '../../electron/core/store';
import { conversationPeer } from '../helpers/conversation-peer';
import { THREE } from '../helpers/conversation-stores';
import { faultProxy } from '../helpers/fault-proxy';
import { seededRandom } from '../helpers/seeded-random';
import { testServer } from '../helpers/server';
import { stateIs, withTimeout } from '../helpers/wait';

const PER_SENDER = Number(process.env.CHAOS_MESSAGES ?? 2_000);
const BATCH = 40;
const CUT_MIN = 6_000;
const CUT_MAX = 30_000;
const MAX_CUTS = 150;

type Who = 'alice' | 'bob';

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
    const url = `ws://127.0.0.1:${proxy.port}/ws/chat/`;
    const mk = (who: Who) =>
      new ConversationClients({
        config: {
          url,
          token: `token-${who}`,
          backoff: { baseMs: 20, capMs: 300, rateLimitedMs: 1000, tlsMs: 1000 },
          logLimit: 4 * PER_SENDER,
        },
        accounts: new AccountDirectory({ base: path.join(dir, who) }),
      });
    const sides = { alice: mk('alice'), bob: mk('bob') };
    t.after(async () => {
      await sides.alice.stop();
      await sides.bob.stop();
      await proxy.close();
      await srv.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    // What each side received, per conversation, in arrival order, counting repeats.
    const received: Record<Who, Map<string, string[]>> = { alice: new Map(), bob: new Map() };
    for (const who of ['alice', 'bob'] as const) {
      const from = who === 'alice' ? 'bob' : 'alice';
      for (const conv of convs) {
        const list: string[] = [];
        received[who].set(conv, list);
        sides[who].follow(conv).on('entries', (es: LogEntry[]) => {
          for (const e of es) if (e.kind === 'message' && !e.own && e.text.startsWith(`${from}-`)) list.push(e.text);
        });
      }
    }
    await Promise.all([sides.alice.start(), sides.bob.start()]);
    for (const who of ['alice', 'bob'] as const) for (const conv of convs) await stateIs(sides[who].client(conv)!, 'connected');

    proxy.cutByTraffic({ nextBudget: () => CUT_MIN + Math.floor(random() * (CUT_MAX - CUT_MIN)), maxCuts: MAX_CUTS });
    const batches = PER_SENDER / BATCH;
    let restarts = 0;
    for (let b = 0; b < batches; b++) {
      if (b === Math.floor(batches / 3) || b === Math.floor((2 * batches) / 3)) {
        await srv.restart();
        restarts += 1;
      }
      const sends: Promise<{ ok: boolean }>[] = [];
      for (let i = b * BATCH; i < (b + 1) * BATCH; i++) {
        const c = i % convs.length;
        for (const who of ['alice', 'bob'] as const) sends.push(sides[who].client(convs[c]!)!.send(`${who}-${c}-${i}`));
      }
      assert.ok(
        (await Promise.all(sends)).every((r) => r.ok),
        'every send was queued',
      );
      await new Promise((r) => setImmediate(r));
    }

    const perConv = PER_SENDER / convs.length;
    const pending = () =>
      [...Object.values(sides)].reduce((n, s) => n + [...s.all().values()].reduce((m, c) => m + c.pendingCount(), 0), 0);
    const done = () =>
      pending() === 0 &&
      (['alice', 'bob'] as const).every((who) => convs.every((conv) => new Set(received[who].get(conv)).size >= perConv));
    await withTimeout(
      new Promise<void>((resolve) => {
        const check = () => (done() ? resolve() : undefined);
        for (const s of Object.values(sides))
          for (const c of s.all().values()) for (const e of ['entries', 'outbox', 'status'] as const) c.on(e, check);
        check();
      }),
      100_000,
      'the chaos run to drain',
    );
    proxy.cutByTraffic(undefined);

    for (const who of ['alice', 'bob'] as const) {
      const from = who === 'alice' ? 'bob' : 'alice';
      for (const [c, conv] of convs.entries()) {
        const got = received[who].get(conv)!;
        const wrong = got.filter((text) => text.split('-')[1] !== String(c));
        assert.deepEqual(wrong, [], `${who}: messages of other conversations in conversation ${c}`);
        const expected = Array.from({ length: PER_SENDER }, (_, i) => i)
          .filter((i) => i % convs.length === c)
          .map((i) => `${from}-${c}-${i}`);
        assert.equal(
          new Set(got).size,
          expected.length,
          `${who}, conversation ${c}: lost ${expected.length - new Set(got).size} (seed ${seed})`,
        );
        assert.deepEqual(got, expected, `${who}, conversation ${c}: each once, in order (seed ${seed})`);
      }
    }
    assert.equal(restarts, 2);
    assert.ok(proxy.cuts >= 5, `the proxy cut connections (${proxy.cuts} cuts in ${proxy.forwarded} bytes)`);
    console.log(
      `chaos, many conversations (seed ${seed}): ${2 * PER_SENDER} messages in ${convs.length} conversations, ${proxy.cuts} cuts, ${restarts} restarts; lost 0, duplicated 0, misdelivered 0`,
    );
  },
);
