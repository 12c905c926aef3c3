/**
 * Scale-out (`--redis`): the two figures beside their single-node baselines, same run.
 *
 *   fan-out: one sender floods N messages into a room with 100 listeners (bare ws
 *     clients in the bench process); time from the first send until every listener
 *     has all N. Baseline: 1 node, rooms in process. Scaled: 3 nodes on one Redis,
 *     listeners spread over them, the sender on node 1.
 *   latency: one message in flight, from send until a listener has it. Baseline: sender
 *     and listener on the same in-process node. Cross-node: sender on node 1, listener
 *     on node 3, through Redis.
 *
 * Nodes are real server processes (`server/main.ts`), Redis is Debian's redis-server on
 * a free loopback port (no persistence). Without redis-server the section says so and
 * reports nothing.
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { runTs, type Proc } from '../tests/helpers/proc';
import { freePort } from '../tests/helpers/ports';
import { requireBinary, SCALE_TOKENS, startRedis } from '../tests/scale/scale-kit';
import { chatText, pct, withTimeout, type Ctx } from './lib';
import { figure, type Figure } from './report';

const TEXT_BYTES = 100;

function sizes(ctx: Ctx) {
  return ctx.sizes.tiny
    ? { listeners: 10, fanout: 50, latency: 30, warmup: 5 }
    : { listeners: 100, fanout: 2_000, latency: 1_000, warmup: 100 };
}

interface Node {
  url: string;
  proc: Proc;
}

async function startNode(extra: string[]): Promise<Node> {
  const port = await freePort();
  const proc = runTs(
    'server/main.ts',
    ['--port', String(port), '--rate-limit', '1000000000/60', '--max-connections', '1000', '--history', '10000', ...extra],
    { UOS_CHAT_TOKENS: SCALE_TOKENS },
  );
  await proc.line((l) => l.startsWith('listening on '), 20_000, 'a bench node to listen');
  return { url: `ws://127.0.0.1:${port}/ws/chat/`, proc };
}

async function stopNode(n: Node): Promise<void> {
  n.proc.kill('SIGTERM');
  await withTimeout(n.proc.exited, 10_000, 'a bench node to stop').catch(() => n.proc.kill('SIGKILL'));
}

/** A bare ws client in `room`, counting chat_message frames; resolves once greeted. */
async function listener(
  url: string,
  room: string,
  token: string,
): Promise<{ ws: WebSocket; count: () => number; onChat: (fn: () => void) => void }> {
  const ws = new WebSocket(`${url}?token=${token}&room=${room}`, { perMessageDeflate: false });
  let n = 0;
  const hooks: Array<() => void> = [];
  let greeted!: () => void;
  const ready = new Promise<void>((r) => (greeted = r));
  ws.on('message', (data: Buffer) => {
    if (data.includes('"type":"chat_message"')) {
      n++;
      for (const h of hooks) h();
    } else if (data.includes('"connection_status"')) greeted();
  });
  await withTimeout(ready, 10_000, 'a listener greeting');
  return { ws, count: () => n, onChat: (fn) => hooks.push(fn) };
}

/** Sends `count` messages as fast as the socket drains; resolves when all are acked. */
async function flood(url: string, room: string, count: number, tag: string): Promise<void> {
  const ws = new WebSocket(`${url}?token=token-alice&room=${room}`, { perMessageDeflate: false });
  let acked = 0;
  let done!: () => void;
  const allAcked = new Promise<void>((r) => (done = r));
  ws.on('message', (data: Buffer) => {
    if (data.includes('"type":"ack"') && ++acked === count) done();
  });
  await withTimeout(
    new Promise((r, j) => {
      ws.once('open', r);
      ws.once('error', j);
    }),
    10_000,
    'the sender to connect',
  );
  for (let i = 0; i < count; i++)
    ws.send(
      JSON.stringify({
        type: 'chat_message',
        id: `${tag}-${i}`,
        message: chatText(TEXT_BYTES, i + 1),
        timestamp: new Date().toISOString(),
      }),
    );
  await withTimeout(allAcked, 120_000, `${count} acks`);
  ws.close();
}

/** Messages per second until every listener (spread over `urls`) has all of them. */
async function fanout(ctx: Ctx, urls: string[], room: string): Promise<number> {
  const { listeners: n, fanout: count } = sizes(ctx);
  const ls = await Promise.all(Array.from({ length: n }, (_, i) => listener(urls[i % urls.length]!, room, 'token-carol')));
  try {
    let complete = 0;
    const allIn = new Promise<void>((resolve) => {
      for (const l of ls) l.onChat(() => l.count() === count && ++complete === n && resolve());
    });
    const t0 = performance.now();
    await flood(urls[0]!, room, count, room);
    await withTimeout(allIn, 120_000, `${n} listeners to have ${count} messages`);
    return count / ((performance.now() - t0) / 1000);
  } finally {
    for (const l of ls) l.ws.close();
  }
}

/** Latency samples (ms) from a sender on `from` to a listener on `to`, one message in flight. */
async function latency(ctx: Ctx, from: string, to: string, room: string): Promise<number[]> {
  const { latency: count, warmup } = sizes(ctx);
  const l = await listener(to, room, 'token-carol');
  const ws = new WebSocket(`${from}?token=token-alice&room=${room}`, { perMessageDeflate: false });
  await withTimeout(
    new Promise((r, j) => {
      ws.once('open', r);
      ws.once('error', j);
    }),
    10_000,
    'the sender to connect',
  );
  const samples: number[] = [];
  let arrivedNow: (() => void) | undefined;
  l.onChat(() => arrivedNow?.());
  try {
    for (let i = 0; i < warmup + count; i++) {
      ctx.check();
      const arrived = new Promise<void>((resolve) => (arrivedNow = resolve));
      const t0 = performance.now();
      ws.send(
        JSON.stringify({
          type: 'chat_message',
          id: `${room}-${i}`,
          message: chatText(TEXT_BYTES, i + 1),
          timestamp: new Date().toISOString(),
        }),
      );
      await withTimeout(arrived, 10_000, 'a message to arrive');
      if (i >= warmup) samples.push(performance.now() - t0);
    }
  } finally {
    ws.close();
    l.ws.close();
  }
  return samples;
}

export async function benchScale(ctx: Ctx): Promise<Figure[]> {
  try {
    requireBinary('redis-server', 'redis-server');
  } catch (err) {
    ctx.notes.push(`scale: not measured — ${(err as Error).message}`);
    return [];
  }
  const redis = await startRedis({ persistent: false });
  const nodes: Node[] = [];
  try {
    const single = await startNode([]);
    nodes.push(single);
    for (let i = 0; i < 3; i++) nodes.push(await startNode(['--redis', redis.url]));
    const scaled = nodes.slice(1).map((n) => n.url);
    const { listeners, fanout: count } = sizes(ctx);
    const singleRates: number[] = [];
    const scaledRates: number[] = [];
    for (let r = 0; r < ctx.sizes.repeats; r++) {
      singleRates.push(await fanout(ctx, [single.url], `fan-1-${r}`));
      scaledRates.push(await fanout(ctx, scaled, `fan-3-${r}`));
      ctx.log(
        `scale fan-out repeat ${r + 1}: 1 node ${singleRates.at(-1)!.toFixed(0)}/s, 3 nodes on redis ${scaledRates.at(-1)!.toFixed(0)}/s`,
      );
    }
    const local = await latency(ctx, single.url, single.url, 'lat-1');
    const cross = await latency(ctx, scaled[0]!, scaled[2]!, 'lat-3');
    ctx.log(`scale latency p50: 1 node ${pct(local, 0.5).toFixed(2)} ms, across nodes ${pct(cross, 0.5).toFixed(2)} ms`);
    const method = `${listeners} listeners, ${count} messages of ${TEXT_BYTES} bytes from one sender; ${ctx.sizes.repeats} repeats, 1-node and 3-node runs interleaved. Every node, Redis and the listeners share this machine's ${ctx.sizes.tiny ? '' : 'few '}cores, so the ratio is the price of the Redis path (script, stream, XREAD), not the gain of more machines.`;
    const latencyNote = (q: string) =>
      `one message in flight, send → a listener has it, ${q} over ${local.length} messages; 1 node: sender and listener on the same node (rooms in process); across nodes: sender on node 1, listener on node 3, through Redis (XREAD).`;
    return [
      figure({
        id: 'scale.fanout',
        section: 'scale',
        name: `fan-out to ${listeners} listeners, 3 nodes on Redis`,
        unit: 'msg/s',
        samples: scaledRates,
        baseline: { label: '1 node, rooms in process', kind: 'measured', samples: singleRates },
        note: `time from the first send until every listener has every message. ${method}`,
      }),
      figure({
        id: 'scale.crossnode.p50',
        section: 'scale',
        name: 'cross-node latency p50',
        unit: 'ms',
        samples: [pct(cross, 0.5)],
        baseline: { label: 'single node', kind: 'measured', samples: [pct(local, 0.5)] },
        note: latencyNote('p50'),
      }),
      figure({
        id: 'scale.crossnode.p99',
        section: 'scale',
        name: 'cross-node latency p99',
        unit: 'ms',
        samples: [pct(cross, 0.99)],
        baseline: { label: 'single node', kind: 'measured', samples: [pct(local, 0.99)] },
        note: latencyNote('p99'),
      }),
    ];
  } finally {
    await Promise.all(nodes.map(stopNode));
    await redis.dispose();
  }
}
