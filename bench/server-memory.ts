/**
 * The reference server's memory per connection and per conversation membership, at
 * 1,000 users × 50 conversations each (the size): the server runs as its own
 * process and its RSS is read from /proc after each step.
 *
 *   per connection: 1,000 sockets with the conversations extension, each greeted with its list.
 *   baseline (same run, same server): 1,000 sockets of the one-room protocol (lobby).
 *   per membership: 1,000 rooms of 50 members (50,000 memberships), every user subscribed to its
 *   50 over its one socket; the baseline is the same run's cost of one connection.
 */
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { runTs } from '../tests/helpers/proc';
import { freePort } from '../tests/helpers/ports';
import { sleep, withTimeout, type Ctx } from './lib';
import { figure, type Figure } from './report';

type Frame = Record<string, unknown>;

function sizes(ctx: Ctx) {
  return ctx.sizes.tiny ? { users: 60, each: 5 } : { users: 1_000, each: 50 };
}

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

/** RSS once it has stopped moving: sampled until two readings 200 ms apart agree within 1 %, at most 5 s. */
async function settledRss(pid: number): Promise<number> {
  let last = rssBytes(pid);
  for (let i = 0; i < 25; i++) {
    await sleep(200);
    const now = rssBytes(pid);
    if (Math.abs(now - last) <= last * 0.01) return now;
    last = now;
  }
  return last;
}

interface Peer {
  ws: WebSocket;
  /** Sends `frame` with a ref and resolves with the frame that answers it. */
  ask(frame: Frame): Promise<Frame>;
  /** Subscribes to `convs` and resolves once the last one's `subscribed` came (they come in order). */
  subscribe(convs: string[]): Promise<void>;
}

/** A socket greeted by the server (connection_status, or the conversation list with the extension). */
async function open(url: string, token: string, multi: boolean): Promise<Peer> {
  const ws = new WebSocket(`${url}?token=${token}${multi ? '&features=conversations' : ''}`, { perMessageDeflate: false });
  const waiting = new Map<string, (f: Frame) => void>();
  let greeted!: () => void;
  const greeting = new Promise<void>((r) => (greeted = r));
  ws.on('message', (d) => {
    const f = JSON.parse(d.toString()) as Frame;
    if (f.type === (multi ? 'conversation_list' : 'connection_status')) greeted();
    const key = typeof f.ref === 'string' ? f.ref : f.type === 'subscribed' ? `sub:${String(f.conv)}` : undefined;
    if (key && waiting.has(key)) waiting.get(key)!(f);
  });
  await withTimeout(greeting, 20_000, `${token} to be greeted`);
  const answer = (key: string, what: string) => withTimeout(new Promise<Frame>((resolve) => waiting.set(key, resolve)), 20_000, what);
  let n = 0;
  return {
    ws,
    ask(frame) {
      const ref = `m${++n}`;
      const got = answer(ref, `the answer to ${String(frame.type)}`);
      ws.send(JSON.stringify({ ...frame, ref }));
      return got;
    },
    async subscribe(convs) {
      const got = answer(`sub:${convs.at(-1)}`, 'the subscriptions');
      ws.send(JSON.stringify({ type: 'subscribe', conversations: convs.map((conv) => ({ conv })) }));
      await got;
    },
  };
}

// long-function: one measurement read top to bottom (legacy sockets, conversation sockets, memberships)
export async function benchServerMemory(ctx: Ctx): Promise<Figure[]> {
  const { users, each } = sizes(ctx);
  const names = Array.from({ length: users }, (_, i) => `u${i}`);
  const port = await freePort();
  const proc = runTs('server/main.ts', ['--port', String(port), '--rate-limit', '1000000000/60'], {
    UOS_CHAT_TOKENS: names.map((u) => `t-${u}:${u}`).join(','),
  });
  const sockets: WebSocket[] = [];
  try {
    await proc.line((l) => l.startsWith('listening on '), 20_000, 'the bench server to listen');
    const url = `ws://127.0.0.1:${port}/ws/chat/`;
    const pid = proc.child.pid!;
    const rss0 = await settledRss(pid);
    // One-room sockets first (the baseline), kept open so the next step adds only its own.
    for (const u of names) sockets.push((await open(url, `t-${u}`, false)).ws);
    const rss1 = await settledRss(pid);
    ctx.check();
    const peers = [];
    for (const u of names) {
      const p = await open(url, `t-${u}`, true);
      sockets.push(p.ws);
      peers.push(p);
    }
    const rss2 = await settledRss(pid);
    ctx.check();
    // Room i: users i … i+each-1 (wrapping), made by user i: everyone is in exactly `each` rooms.
    const rooms: string[][] = names.map(() => []);
    for (let i = 0; i < users; i++) {
      const members = Array.from({ length: each - 1 }, (_, k) => names[(i + k + 1) % users]!);
      const a = await peers[i]!.ask({ type: 'create', name: `room ${i}`, kind: 'private', members });
      const id = (a.conversation as { id: string }).id;
      for (let k = 0; k < each; k++) rooms[(i + k) % users]!.push(id);
    }
    ctx.check();
    await Promise.all(peers.map((p, i) => p.subscribe(rooms[i]!)));
    const rss3 = await settledRss(pid);
    const perLegacy = (rss1 - rss0) / users;
    const perConn = (rss2 - rss1) / users;
    const perMembership = (rss3 - rss2) / (users * each);
    ctx.log(
      `conversations: server RSS ${(rss0 / 2 ** 20).toFixed(0)} → ${(rss3 / 2 ** 20).toFixed(0)} MB; ` +
        `per one-room socket ${(perLegacy / 1024).toFixed(1)} KB, per conversations socket ${(perConn / 1024).toFixed(1)} KB, per membership ${(perMembership / 1024).toFixed(2)} KB`,
    );
    return [
      figure({
        id: 'conversations.server-memory.connection',
        section: 'conversations',
        name: `server RSS per connection with the conversations extension (${users} users, greeted with their list)`,
        unit: 'bytes',
        samples: [perConn],
        baseline: { label: 'per one-room connection (lobby), same server, same run', kind: 'measured', samples: [perLegacy] },
      }),
      figure({
        id: 'conversations.server-memory.membership',
        section: 'conversations',
        name: `server RSS per conversation membership (${users} users × ${each} conversations, all subscribed over one socket each)`,
        unit: 'bytes',
        samples: [perMembership],
        baseline: { label: 'per connection with the extension, same run', kind: 'measured', samples: [perConn] },
      }),
    ];
  } finally {
    for (const ws of sockets) ws.terminate();
    proc.kill('SIGTERM');
    await withTimeout(proc.exited, 10_000, 'the bench server to stop').catch(() => proc.kill('SIGKILL'));
  }
}
