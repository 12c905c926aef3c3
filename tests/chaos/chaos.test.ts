/**
 * Chaos: two clients exchange 10,000 messages through a TCP proxy that cuts
 * connections at random, while the server is restarted twice. Nothing may be
 * lost, nothing doubled, per-sender order kept, and both outboxes end empty.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChatClient } from '../../electron/core/connection/client';
import { FileOutboxStore } from '../../electron/core/store/outbox-file';
import type { LogEntry, MessageEntry } from '../../electron/common/contract';
import { faultProxy } from '../helpers/fault-proxy';
import { seededRandom } from '../helpers/seeded-random';
import { testServer } from '../helpers/server';
import { withTimeout } from '../helpers/wait';

const PER_CLIENT = Number(process.env.CHAOS_MESSAGES ?? 5_000);
const BATCH = 50;
/**
 * Forwarded bytes between cuts. 10,000 chat messages are ~1 MB through the proxy in all (batch
 * frames, permessage-deflate), so ~40 cuts; ≥ 10 even if everything compressed twice as well.
 */
const CUT_MIN = 8_000;
const CUT_MAX = 40_000;
const MAX_CUTS = 200;

test(
  `chaos: ${2 * PER_CLIENT} messages, random cuts, two server restarts — zero lost, zero duplicated, order kept`,
  { timeout: 150_000 },
  async (t) => {
    const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 100_000);
    const random = seededRandom(seed);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-chaos-'));
    const srv = await testServer({
      dataDir: path.join(dir, 'server'),
      historyLimit: 4 * PER_CLIENT,
      rateLimit: { messages: 1_000_000, windowMs: 60_000 },
      pingIntervalMs: 0,
    });
    const proxy = await faultProxy(srv.port);
    const url = `ws://127.0.0.1:${proxy.port}/ws/chat/`;
    const backoff = { baseMs: 20, capMs: 300, rateLimitedMs: 1000, tlsMs: 1000 };
    const mk = (name: 'alice' | 'bob') =>
      new ChatClient({
        config: {
          url,
          token: `token-${name}`,
          backoff,
          logLimit: 4 * PER_CLIENT,
          compression: (process.env.CHAOS_COMPRESSION as 'off') ?? 'deflate',
        },
        outboxStore: new FileOutboxStore(path.join(dir, name, 'outbox.jsonl')),
      });
    const alice = mk('alice');
    const bob = mk('bob');
    t.after(async () => {
      await alice.stop();
      await bob.stop();
      await proxy.close();
      await srv.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    // What each side received from the other, in arrival order, counting repeats.
    const received = { alice: [] as string[], bob: [] as string[] };
    const track = (who: 'alice' | 'bob', c: ChatClient, from: string) =>
      c.on('entries', (es: LogEntry[]) => {
        for (const e of es) if (e.kind === 'message' && !e.own && e.text.startsWith(`${from}-`)) received[who].push(e.text);
      });
    track('alice', alice, 'bob');
    track('bob', bob, 'alice');

    await alice.start();
    await bob.start();

    // Cuts by traffic: everything is cut after every CUT_MIN…CUT_MAX forwarded bytes (seeded), at most
    // MAX_CUTS times, so how many cuts happen depends on the messages, not on the machine's speed.
    proxy.cutByTraffic({ nextBudget: () => CUT_MIN + Math.floor(random() * (CUT_MAX - CUT_MIN)), maxCuts: MAX_CUTS });

    const started = Date.now();
    const batches = PER_CLIENT / BATCH;
    let restarts = 0;
    for (let b = 0; b < batches; b++) {
      if (b === Math.floor(batches / 3) || b === Math.floor((2 * batches) / 3)) {
        await srv.restart();
        restarts += 1;
      }
      const sends: Promise<unknown>[] = [];
      for (let i = b * BATCH; i < (b + 1) * BATCH; i++) {
        sends.push(alice.send(`alice-${i}`), bob.send(`bob-${i}`));
      }
      const results = await Promise.all(sends);
      assert.ok(
        results.every((r) => (r as { ok: boolean }).ok),
        'every send was queued',
      );
      // Let the event loop breathe between batches so cuts land mid-stream.
      await new Promise((r) => setImmediate(r));
    }
    const sentAt = Date.now();

    // Drain: wait for the outboxes to empty and every message to arrive (bounded).
    await withTimeout(
      new Promise<void>((resolve) => {
        const check = () => {
          if (
            alice.pendingCount() === 0 &&
            bob.pendingCount() === 0 &&
            new Set(received.alice).size >= PER_CLIENT &&
            new Set(received.bob).size >= PER_CLIENT
          )
            resolve();
        };
        for (const c of [alice, bob]) for (const e of ['entries', 'outbox', 'status'] as const) c.on(e, check);
        check();
      }),
      90_000,
      'the chaos run to drain',
    );
    const drainedAt = Date.now();
    // Cuts went on through the drain; stop them before checking.
    proxy.cutByTraffic(undefined);

    for (const [who, from] of [
      ['alice', 'bob'],
      ['bob', 'alice'],
    ] as const) {
      const got = received[who];
      const unique = new Set(got);
      assert.equal(unique.size, PER_CLIENT, `${who}: lost ${PER_CLIENT - unique.size}`);
      assert.equal(got.length, PER_CLIENT, `${who}: ${got.length - unique.size} duplicated`);
      const indexes = got.map((text) => Number(text.slice(from.length + 1)));
      const broken = indexes.findIndex((v, i) => i > 0 && v < indexes[i - 1]!);
      const seqOf = (text: string) =>
        (who === 'alice' ? alice : bob).snapshot().entries.find((e): e is MessageEntry => e.kind === 'message' && e.text === text)?.seq;
      assert.equal(
        broken,
        -1,
        `${who}: order of ${from}'s messages broken at position ${broken} (seed ${seed}): ` +
          indexes
            .slice(Math.max(0, broken - 3), broken + 3)
            .map((i) => `${from}-${i}@seq${seqOf(`${from}-${i}`)}`)
            .join(', '),
      );
      // And the log the person sees: each message once.
      const shown = (who === 'alice' ? alice : bob).snapshot().entries.filter((e) => e.kind === 'message' && !e.own);
      assert.equal(shown.length, PER_CLIENT);
    }
    // The server stored every message exactly once (seq counts each accepted message).
    const maxSeq = Math.max(...[alice, bob].flatMap((c) => c.snapshot().entries.map((e) => (e.kind === 'message' ? (e.seq ?? 0) : 0))));
    assert.equal(maxSeq, 2 * PER_CLIENT, 'the server accepted each message exactly once');
    await Promise.all([alice.saveOutbox(), bob.saveOutbox()]);
    for (const name of ['alice', 'bob']) {
      const onDisk = await new FileOutboxStore(path.join(dir, name, 'outbox.jsonl')).load();
      assert.deepEqual(onDisk, { items: [] }, `${name}'s outbox on disk is empty`);
    }
    assert.equal(restarts, 2);
    assert.ok(proxy.cuts >= 10, `the proxy cut connections (${proxy.cuts} cuts in ${proxy.forwarded} bytes)`);
    console.log(
      `chaos (seed ${seed}): ${2 * PER_CLIENT} messages, ${proxy.cuts} cuts in ${proxy.forwarded} forwarded bytes, ${restarts} server restarts, lost 0, duplicated 0; ` +
        `sending took ${sentAt - started} ms, drain after sending ${drainedAt - sentAt} ms`,
    );
  },
);
