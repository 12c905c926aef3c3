/**
 * The multi-conversation chaos scenario, shared by the single-node test (cuts and restarts)
 * and the scale-out one (HAProxy, nodes on Redis, a node and Redis killed): Alice and Bob
 * each hold one socket for the conversations named, and send PER_SENDER messages spread over
 * them in batches; `fault(batch, batches)` is awaited before each batch (it decides, by the
 * count, whether this is its moment). Then it drains and checks that every message arrived
 * once, in order within its conversation, and in no other conversation.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { LogEntry } from '../../electron/common/contract';
import { ConversationClients } from '../../electron/core/conversations';
import { AccountDirectory } from '../../electron/core/store';
import { stateIs, withTimeout } from './wait';

type Who = 'alice' | 'bob';
const WHO = ['alice', 'bob'] as const;
const BATCH = 40;

export interface ConversationChaos {
  url: string;
  /** Where each side keeps its stores (outbox, history). */
  dir: string;
  convs: string[];
  perSender: number;
  fault: (batch: number, batches: number) => Promise<void>;
  drainMs: number;
  /** For the failure messages: how to run the same again. */
  seed?: number;
}

export async function runConversationChaos(o: ConversationChaos): Promise<void> {
  const mk = (who: Who) =>
    new ConversationClients({
      config: {
        url: o.url,
        token: `token-${who}`,
        backoff: { baseMs: 20, capMs: 300, rateLimitedMs: 1000, tlsMs: 1000 },
        logLimit: 4 * o.perSender,
      },
      accounts: new AccountDirectory({ base: path.join(o.dir, who) }),
    });
  const sides = { alice: mk('alice'), bob: mk('bob') };
  // Stopped before this returns or throws: the caller's cleanup (server, directories) comes after.
  try {
    await run(o, sides);
  } finally {
    await sides.alice.stop();
    await sides.bob.stop();
  }
}

// long-function: one scenario read top to bottom (sending, drain, the checks), as in tests/chaos/chaos.test.ts
async function run(o: ConversationChaos, sides: Record<Who, ConversationClients>): Promise<void> {
  // What each side received, per conversation, in arrival order, counting repeats.
  const received: Record<Who, Map<string, string[]>> = { alice: new Map(), bob: new Map() };
  for (const who of WHO) {
    const from = who === 'alice' ? 'bob' : 'alice';
    for (const conv of o.convs) {
      const list: string[] = [];
      received[who].set(conv, list);
      sides[who].follow(conv).on('entries', (es: LogEntry[]) => {
        for (const e of es) if (e.kind === 'message' && !e.own && e.text.startsWith(`${from}-`)) list.push(e.text);
      });
    }
  }
  await Promise.all([sides.alice.start(), sides.bob.start()]);
  for (const who of WHO) for (const conv of o.convs) await stateIs(sides[who].client(conv)!, 'connected');

  const batches = o.perSender / BATCH;
  for (let b = 0; b < batches; b++) {
    await o.fault(b, batches);
    const sends: Promise<{ ok: boolean }>[] = [];
    for (let i = b * BATCH; i < (b + 1) * BATCH; i++) {
      const c = i % o.convs.length;
      for (const who of WHO) sends.push(sides[who].client(o.convs[c]!)!.send(`${who}-${c}-${i}`));
    }
    assert.ok(
      (await Promise.all(sends)).every((r) => r.ok),
      'every send was queued',
    );
    await new Promise((r) => setImmediate(r));
  }

  const perConv = o.perSender / o.convs.length;
  const pending = () => [...Object.values(sides)].reduce((n, s) => n + [...s.all().values()].reduce((m, c) => m + c.pendingCount(), 0), 0);
  const done = () => pending() === 0 && WHO.every((who) => o.convs.every((conv) => new Set(received[who].get(conv)).size >= perConv));
  await withTimeout(
    new Promise<void>((resolve) => {
      const check = () => (done() ? resolve() : undefined);
      for (const s of Object.values(sides))
        for (const c of s.all().values()) for (const e of ['entries', 'outbox', 'status'] as const) c.on(e, check);
      check();
    }),
    o.drainMs,
    'the chaos run to drain',
  ).catch((why: Error) => {
    // Where it stuck: per side and conversation, what arrived, what waits, and the connection.
    const where = WHO.flatMap((who) =>
      o.convs.map((conv, c) => {
        const client = sides[who].client(conv)!;
        const got = new Set(received[who].get(conv));
        const from = who === 'alice' ? 'bob' : 'alice';
        const missing = Array.from({ length: o.perSender }, (_, i) => i)
          .filter((i) => i % o.convs.length === c && !got.has(`${from}-${c}-${i}`))
          .slice(0, 5);
        const info = sides[who].link.list.get(conv);
        const list = info ? `, list seq ${info.seq} read ${info.read}` : '';
        return `${who}/${c}: got ${got.size}/${perConv}${missing.length ? ` (missing ${missing.join(',')})` : ''}, pending ${client.pendingCount()}, ${client.status().connection.kind}${list}`;
      }),
    );
    throw new Error(`${why.message}; ${where.join('; ')}`);
  });

  const seed = o.seed !== undefined ? ` (seed ${o.seed})` : '';
  for (const who of WHO) {
    const from = who === 'alice' ? 'bob' : 'alice';
    for (const [c, conv] of o.convs.entries()) {
      const got = received[who].get(conv)!;
      const wrong = got.filter((text) => text.split('-')[1] !== String(c));
      assert.deepEqual(wrong, [], `${who}: messages of other conversations in conversation ${c}`);
      const expected = Array.from({ length: o.perSender }, (_, i) => i)
        .filter((i) => i % o.convs.length === c)
        .map((i) => `${from}-${c}-${i}`);
      assert.equal(new Set(got).size, expected.length, `${who}, conversation ${c}: lost ${expected.length - new Set(got).size}${seed}`);
      assert.deepEqual(got, expected, `${who}, conversation ${c}: each once, in order${seed}`);
    }
  }
}
