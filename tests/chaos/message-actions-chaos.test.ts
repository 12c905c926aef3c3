/**
 * Chaos with edits and recalls mixed in: Alice and Bob each hold one socket for two
 * conversations through a TCP proxy that cuts connections by traffic, while the server (data
 * dir) is restarted twice. Besides their messages, each edits and recalls some of their own,
 * picked by a seeded random, while the cuts go on. At the end every client's view of every
 * conversation agrees with the server's history, message by message: the same text, the same
 * recalls, nothing of a recalled text left.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { MessageEntry } from '../../electron/common/contract';
import type { ChatClient } from '../../electron/core/connection';
import { ConversationClients } from '../../electron/core/conversations';
import { AccountDirectory } from '../../electron/core/store';
import { conversationPeer, type Frame } from '../helpers/conversation-peer';
import { THREE } from '../helpers/conversation-stores';
import { faultProxy } from '../helpers/fault-proxy';
import { seededRandom } from '../helpers/seeded-random';
import { testServer } from '../helpers/server';
import { stateIs, withTimeout } from '../helpers/wait';

const PER_SENDER = Number(process.env.CHAOS_MESSAGES ?? 400);
const BATCH = 40;
const WHO = ['alice', 'bob'] as const;

/** A conversation as seq → what shows (the text, or "(recalled)"). */
type View = Map<number, string>;

const shown = (m: { message?: string; text?: string; recalled?: boolean }) => (m.recalled ? '(recalled)' : (m.message ?? m.text ?? ''));

function viewOf(client: ChatClient): View {
  const out: View = new Map();
  for (const e of client.snapshot().entries) if (e.kind === 'message' && e.seq !== undefined) out.set(e.seq, shown(e));
  return out;
}

function differences(a: View, b: View): string[] {
  const out: string[] = [];
  for (const seq of new Set([...a.keys(), ...b.keys()])) if (a.get(seq) !== b.get(seq)) out.push(`${seq}: ${a.get(seq)} ≠ ${b.get(seq)}`);
  return out.slice(0, 8);
}

test(
  `chaos with edits and recalls: ${2 * PER_SENDER} messages, cuts, two restarts — every view agrees with the server`,
  { timeout: 150_000 },
  async (t) => {
    const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 100_000);
    const random = seededRandom(seed);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-actions-chaos-'));
    const srv = await testServer({
      tokens: THREE,
      dataDir: path.join(dir, 'server'),
      historyLimit: 8 * PER_SENDER,
      rateLimit: { messages: 1_000_000, windowMs: 60_000 },
      pingIntervalMs: 0,
    });
    const setup = await conversationPeer(srv.url, 'token-bob');
    const convs = [
      (await setup.request({ type: 'create', name: '改', kind: 'private', members: ['alice'] })).conversation.id as string,
      (await setup.request({ type: 'open_dm', user: 'alice' })).conversation.id as string,
    ];
    await setup.close();
    const proxy = await faultProxy(srv.port);
    t.after(async () => {
      await proxy.close();
      await srv.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    proxy.cutByTraffic({ nextBudget: () => 4_000 + Math.floor(random() * 12_000), maxCuts: 100 });

    const sides = Object.fromEntries(
      WHO.map((who) => [
        who,
        new ConversationClients({
          config: {
            url: `ws://127.0.0.1:${proxy.port}/ws/chat/`,
            token: `token-${who}`,
            backoff: { baseMs: 20, capMs: 300, rateLimitedMs: 1000, tlsMs: 1000 },
            logLimit: 8 * PER_SENDER,
          },
          accounts: new AccountDirectory({ base: path.join(dir, who) }),
        }),
      ]),
    ) as Record<(typeof WHO)[number], ConversationClients>;
    t.after(async () => {
      for (const s of Object.values(sides)) await s.stop();
    });
    for (const who of WHO) for (const conv of convs) sides[who].follow(conv);
    await Promise.all(WHO.map((who) => sides[who].start()));
    for (const who of WHO) for (const conv of convs) await stateIs(sides[who].client(conv)!, 'connected', 20_000);

    let edits = 0;
    let recalls = 0;
    const batches = PER_SENDER / BATCH;
    for (let b = 0; b < batches; b++) {
      if (b === Math.floor(batches / 3) || b === Math.floor((2 * batches) / 3)) await srv.restart();
      const queued: Array<Promise<{ ok: boolean }>> = [];
      for (const who of WHO)
        for (let i = b * BATCH; i < (b + 1) * BATCH; i++) queued.push(sides[who].client(convs[i % 2]!)!.send(`${who}-${i}`));
      // Some own messages the server has by now: edited, or recalled (at most once each), in the same turn as the cuts.
      for (const who of WHO)
        for (const conv of convs) {
          const client = sides[who].client(conv)!;
          const mine = client
            .snapshot()
            .entries.filter((e): e is MessageEntry => e.kind === 'message' && e.own && e.seq !== undefined && !e.recalled);
          for (const m of mine.slice(-BATCH)) {
            const roll = random();
            if (roll < 0.08) {
              queued.push(client.send(`${m.text.split('+')[0]}+e${++edits}`, { edit_of: m.seq! }));
            } else if (roll < 0.12 && !m.pendingAction) {
              recalls += 1;
              queued.push(client.send('', { recall_of: m.seq! }));
            }
          }
        }
      assert.ok(
        (await Promise.all(queued)).every((r) => r.ok),
        'every message and action was queued',
      );
      await new Promise((r) => setImmediate(r));
    }

    const pending = () => WHO.reduce((n, who) => n + [...sides[who].all().values()].reduce((m, c) => m + c.pendingCount(), 0), 0);
    const whenAll = (check: () => boolean, what: string) =>
      withTimeout(
        new Promise<void>((resolve) => {
          const test = () => (check() ? resolve() : undefined);
          for (const who of WHO)
            for (const c of sides[who].all().values()) for (const e of ['entries', 'outbox', 'status'] as const) c.on(e, test);
          test();
        }),
        100_000,
        what,
      );
    await whenAll(() => pending() === 0, 'every outbox to drain');
    proxy.cutByTraffic(undefined);

    // The server's history, read by a third connection: the truth each view must come to.
    const reader = await conversationPeer(srv.url, 'token-bob', { features: 'conversations,edit,recall' });
    t.after(() => reader.close());
    const truth = new Map<string, View>();
    for (const conv of convs) {
      await reader.subscribe([{ conv }]);
      const view: View = new Map();
      let before = Number.MAX_SAFE_INTEGER;
      for (let pages = 0; pages < 50; pages++) {
        const page = (await reader.request({ type: 'history', conv, before, limit: 500 })) as Frame;
        for (const m of page.messages as Frame[]) if (m.edit_of === undefined && m.recall_of === undefined) view.set(m.seq, shown(m));
        if (!page.has_older || page.messages.length === 0) break;
        before = page.messages[0].seq;
      }
      truth.set(conv, view);
    }
    const agreed = () =>
      WHO.every((who) => convs.every((conv) => differences(viewOf(sides[who].client(conv)!), truth.get(conv)!).length === 0));
    await whenAll(agreed, 'every view to agree with the server').catch((why: Error) => {
      const where = WHO.flatMap((who) =>
        convs.map((conv, c) => `${who}/${c}: ${differences(viewOf(sides[who].client(conv)!), truth.get(conv)!).join(', ')}`),
      );
      throw new Error(`${why.message} (seed ${seed}); ${where.join('; ')}`);
    });
    const everything = [...truth.values()].flatMap((v) => [...v.values()]);
    assert.equal(everything.filter((s) => s !== '(recalled)').length + everything.filter((s) => s === '(recalled)').length, 2 * PER_SENDER);
    assert.ok(recalls > 0 && edits > 0, `the run edited (${edits}) and recalled (${recalls})`);
    assert.ok(proxy.cuts >= 3, `the proxy cut connections (${proxy.cuts})`);
    console.log(
      `chaos with actions (seed ${seed}): ${2 * PER_SENDER} messages, ${edits} edits, ${recalls} recalls, ${proxy.cuts} cuts, 2 restarts; every view agrees`,
    );
  },
);
