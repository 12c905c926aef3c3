/**
 * Catch-up over one socket: the app's core (ConversationClients, each conversation's own
 * SQLite store) returns after missing messages, and the figure is the time from its start
 * until every missed message has reached its conversation's client (which stores it as it comes).
 *
 *   spread: 200 conversations × 50 missed each (10,000 in all).
 *   baseline (same run, same total): 1 conversation × 10,000 missed.
 *
 * The reference server runs as its own process (server/main.ts); the sender is a bare ws
 * client that waits for every ack before the client returns.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { ConversationClients } from '../electron/core/conversations';
import { AccountDirectory } from '../electron/core/store';
import { runTs } from '../tests/helpers/proc';
import { freePort } from '../tests/helpers/ports';
import { SCALE_TOKENS } from '../tests/scale/scale-kit';
import { withTimeout, type Ctx } from './lib';
import { figure, type Figure } from './report';

function sizes(ctx: Ctx) {
  return ctx.sizes.tiny ? { conversations: 10, missed: 5 } : { conversations: 200, missed: 50 };
}

/**
 * A bare client speaking the conversations extension: requests by ref, messages acked. Not
 * tests/helpers/conversation-peer.ts: that one keeps every frame and scans them per wait, which
 * at 10,000 acks a flood makes the setup, not the figure, take minutes.
 */
export async function peer(url: string, token: string) {
  const ws = new WebSocket(`${url}?token=${token}&features=conversations`, { perMessageDeflate: false });
  const waiting = new Map<string, (f: Record<string, unknown>) => void>();
  const acks = new Set<string>();
  let onAck = () => {};
  ws.on('message', (d) => {
    const f = JSON.parse(d.toString()) as Record<string, unknown>;
    if (f.type === 'ack') {
      acks.add(f.id as string);
      onAck();
    }
    const ref = f.ref as string | undefined;
    if (ref && waiting.has(ref)) waiting.get(ref)!(f);
  });
  await withTimeout(new Promise((r, j) => ws.once('open', r).once('error', j)), 10_000, 'bench peer to connect');
  let n = 0;
  return {
    request(frame: Record<string, unknown>): Promise<Record<string, unknown>> {
      const ref = `b${++n}`;
      const answer = new Promise<Record<string, unknown>>((resolve) => waiting.set(ref, resolve));
      ws.send(JSON.stringify({ ...frame, ref }));
      return withTimeout(answer, 10_000, `answer to ${frame.type as string}`);
    },
    /** Sends `count` messages into each of `convs`, round-robin, and waits for every ack. */
    async flood(convs: string[], count: number, tag: string): Promise<void> {
      const total = convs.length * count;
      const all = new Promise<void>((resolve) => {
        onAck = () => acks.size >= total && resolve();
      });
      acks.clear();
      ws.send(JSON.stringify({ type: 'subscribe', conversations: convs.map((conv) => ({ conv })) }));
      for (let k = 0; k < count; k++)
        for (const [i, conv] of convs.entries())
          ws.send(
            JSON.stringify({
              type: 'chat_message',
              id: `${tag}-${i}-${k}`,
              conv,
              message: `${i}:${k}`,
              timestamp: new Date().toISOString(),
            }),
          );
      await withTimeout(all, 120_000, 'every missed message acked');
    },
    close: () => ws.close(),
  };
}

/** Messages that reached each conversation's client (its log window is bounded, so they are counted as they come). */
function counter(clients: ConversationClients, convs: string[]) {
  const keys = new Map(convs.map((c) => [c, new Set<string>()]));
  const add = (conv: string, entries: readonly { kind: string; key: string }[]) => {
    for (const e of entries) if (e.kind === 'message') keys.get(conv)!.add(e.key);
  };
  return {
    watch(conv: string, onChange: () => void) {
      const client = clients.client(conv)!;
      add(conv, client.snapshot().entries);
      client.on('entries', (entries) => {
        add(conv, entries);
        onChange();
      });
    },
    held: (conv: string) => keys.get(conv)!.size,
  };
}

/** One catch-up: the client follows `convs` once, quits, misses `count` in each, and returns; ms until all are stored. */
async function catchUp(ctx: Ctx, url: string, convs: string[], count: number, tag: string, sender: Awaited<ReturnType<typeof peer>>) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-bench-conv-'));
  const config = { url, token: 'token-alice', firstContactHistory: 0 };
  try {
    const first = new ConversationClients({ config, accounts: new AccountDirectory({ base: dir }) });
    await first.start();
    for (const c of convs) first.follow(c);
    await withTimeout(
      new Promise<void>((resolve) => {
        const check = () => convs.every((c) => first.client(c)?.status().connection.kind === 'connected') && resolve();
        convs.forEach((c) => first.client(c)!.on('status', check));
        check();
      }),
      60_000,
      'every conversation followed',
    );
    await first.stop();
    ctx.log(`conversations: ${tag}: ${convs.length} followed`);
    await sender.flood(convs, count, tag);
    ctx.log(`conversations: ${tag}: ${convs.length * count} sent and acked`);

    const second = new ConversationClients({ config, accounts: new AccountDirectory({ base: dir }) });
    const t0 = performance.now();
    try {
      await second.start();
      for (const c of convs) second.follow(c);
      const seen = counter(second, convs);
      await withTimeout(
        new Promise<void>((resolve) => {
          const check = () => convs.every((c) => seen.held(c) >= count) && resolve();
          convs.forEach((c) => seen.watch(c, check));
          check();
        }),
        120_000,
        'every missed message arrived',
      );
      return performance.now() - t0;
    } finally {
      await second.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchConversations(ctx: Ctx): Promise<Figure[]> {
  const { conversations, missed } = sizes(ctx);
  const total = conversations * missed;
  const port = await freePort();
  const proc = runTs(
    'server/main.ts',
    ['--port', String(port), '--rate-limit', '1000000000/60', '--history', String(Math.max(10_000, total))],
    { UOS_CHAT_TOKENS: SCALE_TOKENS },
  );
  try {
    await proc.line((l) => l.startsWith('listening on '), 20_000, 'the bench server to listen');
    const url = `ws://127.0.0.1:${port}/ws/chat/`;
    const bob = await peer(url, 'token-bob');
    try {
      const make = async (n: number, what: string) => {
        const ids: string[] = [];
        for (let i = 0; i < n; i++) {
          const a = await bob.request({ type: 'create', name: `${what} ${i}`, kind: 'private', members: ['alice'] });
          ids.push((a.conversation as { id: string }).id);
        }
        return ids;
      };
      const spread: number[] = [];
      const single: number[] = [];
      for (let r = 0; r < ctx.sizes.repeats; r++) {
        ctx.check();
        // Fresh conversations each repeat: every run catches up exactly `total`, nothing older.
        single.push(await catchUp(ctx, url, await make(1, `one-${r}`), total, `s${r}`, bob));
        spread.push(await catchUp(ctx, url, await make(conversations, `many-${r}`), missed, `m${r}`, bob));
        ctx.log(`conversations: repeat ${r + 1}: spread ${spread[r]!.toFixed(0)} ms, single ${single[r]!.toFixed(0)} ms`);
      }
      return [
        figure({
          id: 'conversations.catch-up',
          section: 'conversations',
          name: `catch-up over one socket: ${conversations} conversations × ${missed} missed (${total} in all), until all arrived`,
          unit: 'ms',
          samples: spread,
          baseline: { label: `1 conversation × ${total} missed`, kind: 'measured', samples: single },
        }),
      ];
    } finally {
      bob.close();
    }
  } finally {
    proc.kill('SIGTERM');
    await withTimeout(proc.exited, 10_000, 'the bench server to stop').catch(() => proc.kill('SIGKILL'));
  }
}
