/**
 * The local history store (SQLite through node:sqlite), same run:
 *   launch: a ChatClient whose account holds N stored messages, from `new` until the
 *     first snapshot page (200 entries) is ready — before any network (the server is down);
 *   search: a 3-character Chinese query (FTS5 trigram) and a 2-character one (the LIKE scan) over N;
 *   write: one message stored (its own transaction, WAL, synchronous=NORMAL) against one
 *     message queued in the outbox journal (append + fsync), per message.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { MessageEntry } from '../electron/common/contract';
import { AccountDirectory, SqliteHistory, FIRST_ORDER, Outbox, FileOutboxStore } from '../electron/core/store';
import { ChatClient } from '../electron/core/connection';
import type { Ctx } from './lib';
import { figure, type Figure } from './report';

const DEAD_SERVER = 'ws://127.0.0.1:9/ws/chat/';

function entry(n: number): MessageEntry {
  const text = n % 1_000 === 7 ? `第${n}条：今天的会议改到三点` : `message ${n}: 关于天气的一些话 and some English words`;
  return {
    kind: 'message',
    key: `id-${n}`,
    id: `id-${n}`,
    seq: n,
    user: n % 2 ? 'bob' : 'alice',
    text,
    timestamp: new Date(n * 1000).toISOString(),
    own: false,
    delivery: 'sent',
    order: FIRST_ORDER + n,
  };
}

function fill(file: string, count: number): void {
  const store = new SqliteHistory(file);
  for (let start = 1; start <= count; start += 5_000) {
    const batch: MessageEntry[] = [];
    for (let n = start; n < Math.min(start + 5_000, count + 1); n++) batch.push(entry(n));
    store.put(batch, { lastSeq: batch.at(-1)!.seq, epoch: 0 });
  }
  store.close();
}

async function launchMs(dir: string): Promise<number> {
  const t0 = performance.now();
  const client = new ChatClient({ config: { url: DEAD_SERVER, token: 'bench' }, accounts: new AccountDirectory({ base: dir }) });
  await client.start();
  const page = client.snapshot(200);
  const ms = performance.now() - t0;
  await client.stop();
  if (page.entries.length !== 200) throw new Error(`snapshot had ${page.entries.length} entries`);
  return ms;
}

async function writeCosts(dir: string, writes: number): Promise<{ store: number[]; outbox: number[] }> {
  const store = new SqliteHistory(path.join(dir, 'write-bench.sqlite'));
  const outbox = new Outbox(new FileOutboxStore(path.join(dir, 'write-bench.jsonl')));
  await outbox.load();
  const costs = { store: [] as number[], outbox: [] as number[] };
  for (let n = 1; n <= writes; n++) {
    let t = performance.now();
    store.put([entry(n)], { lastSeq: n, epoch: 0 });
    costs.store.push(performance.now() - t);
    t = performance.now();
    await outbox.add({ id: `o-${n}`, text: entry(n).text, createdAt: new Date().toISOString() });
    costs.outbox.push(performance.now() - t);
  }
  store.close();
  return costs;
}

export async function benchHistory(ctx: Ctx): Promise<Figure[]> {
  const { stored, writes } = ctx.sizes.history;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-bench-history-'));
  try {
    const accounts = new AccountDirectory({ base: dir });
    const account = accounts.resolve({ url: DEAD_SERVER, token: 'bench' });
    const file = path.join(account.dir, 'history.sqlite');
    ctx.log(`history: storing ${stored} messages`);
    fill(file, stored);
    const launch: number[] = [];
    for (let i = 0; i < ctx.sizes.repeats + 1; i++) launch.push(await launchMs(dir));
    launch.shift(); // the first opens a cold file
    ctx.check();
    const store = new SqliteHistory(file);
    const timed = (q: string) => {
      const samples: number[] = [];
      for (let i = 0; i < 20; i++) {
        const t = performance.now();
        if (store.search(q, 50).length === 0) throw new Error(`no hit for ${q}`);
        samples.push(performance.now() - t);
      }
      return samples;
    };
    const trigram = timed('会议改');
    const short = timed('天气');
    store.close();
    const costs = await writeCosts(dir, writes);
    const at = `${stored.toLocaleString('en')} stored`;
    return [
      figure({
        id: 'history.launch-snapshot',
        section: 'history',
        name: `launch → snapshot ready (${at}, server down)`,
        unit: 'ms',
        samples: launch,
        target: { op: '<=', limit: 500, on: 'value', text: '≤ 500 ms' },
      }),
      figure({
        id: 'history.search',
        section: 'history',
        name: `search '会议改' (FTS5 trigram, ${at})`,
        unit: 'ms',
        samples: trigram,
        target: { op: '<=', limit: 50, on: 'value', text: '≤ 50 ms' },
      }),
      figure({
        id: 'history.search-short',
        section: 'history',
        name: `search '天气' (two characters: LIKE scan, ${at})`,
        unit: 'ms',
        samples: short,
      }),
      figure({
        id: 'history.write',
        section: 'history',
        name: 'one message stored (SQLite transaction, WAL)',
        unit: 'ms',
        samples: costs.store,
        baseline: { label: 'one message queued in the outbox journal (append + fsync)', kind: 'measured', samples: costs.outbox },
      }),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
