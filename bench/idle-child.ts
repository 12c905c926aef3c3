/**
 * One idle client of the idle bench, in a process of its own: connected, no traffic, for SECONDS.
 * `core`: the app's core as main runs it (ConversationClients with per-account stores, and the
 * desk); `bare`: a bare `ws` client with the same heartbeat (a ping every 30 s, 60 s in power
 * save). Prints one JSON line: CPU time over the window and the timers that fired in it (counted
 * by async_hooks as each Timeout's callback runs), by where they were set when IDLE_TRACE=1.
 *
 *   node --import tsx bench/idle-child.ts core|bare URL TOKEN on|off SECONDS DIR
 */
import { createHook } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { ConversationClients, ConversationDesk } from '../electron/core/conversations';
import { AccountDirectory } from '../electron/core/store';

const [kind, url, token, powerSave, seconds, dir] = process.argv.slice(2) as [string, string, string, 'on' | 'off', string, string];
const trace = process.env.IDLE_TRACE === '1';
const SETTLE_MS = 5_000;

/** Timeouts alive, with (IDLE_TRACE) the first frame outside Node that set each; counted as their callbacks run. */
const timeouts = new Map<number, string>();
const fired = new Map<string, number>();
let counting = false;
let timers = 0;
createHook({
  init(id, type) {
    if (type === 'Timeout') timeouts.set(id, trace ? where(new Error().stack ?? '') : '');
  },
  before(id) {
    const origin = timeouts.get(id);
    if (!counting || origin === undefined) return;
    timers++;
    if (trace) fired.set(origin, (fired.get(origin) ?? 0) + 1);
  },
  destroy(id) {
    timeouts.delete(id);
  },
}).enable();

function where(stack: string): string {
  const frames = stack
    .split('\n')
    .slice(1)
    .map((l) => l.trim());
  const skip = ['node:', 'async_hooks', 'idle-child', 'base/clock.ts', '<anonymous>'];
  return frames.find((f) => !skip.some((s) => f.includes(s))) ?? frames[0] ?? '?';
}

async function connectCore(): Promise<() => Promise<void>> {
  const clients = new ConversationClients({ config: { url, token }, accounts: new AccountDirectory({ base: dir }) });
  const desk = new ConversationDesk(clients, 'lobby');
  clients.followAll();
  await clients.start();
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('the core did not connect in 20 s')), 20_000);
    const check = () => {
      if (desk.client().status().connection.kind !== 'connected') return;
      clearTimeout(t);
      resolve();
    };
    desk.client().on('status', check);
    check();
  });
  if (powerSave === 'on') clients.setPowerSave(true);
  return () => clients.stop();
}

async function connectBare(): Promise<() => Promise<void>> {
  const ws = new WebSocket(`${url}?token=${token}`, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  // What any correct client does: a ping, and the connection ended when no pong comes.
  let pongTimer: NodeJS.Timeout | undefined;
  ws.on('pong', () => clearTimeout(pongTimer));
  const ping = setInterval(
    () => {
      ws.ping();
      pongTimer = setTimeout(() => ws.terminate(), 10_000);
    },
    powerSave === 'on' ? 60_000 : 30_000,
  );
  ws.on('message', () => undefined);
  return async () => {
    clearInterval(ping);
    clearTimeout(pongTimer);
    ws.close();
  };
}

async function main(): Promise<void> {
  const stop = await (kind === 'core' ? connectCore() : connectBare());
  await new Promise((r) => setTimeout(r, SETTLE_MS)); // what starting and connecting set off settles (lazy compiles, GC)
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  counting = true;
  await new Promise((r) => setTimeout(r, Number(seconds) * 1000));
  counting = false;
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - t0;
  // The window's own timer fired once in it: not the measured client's.
  const out = { cpuMs: (cpu.user + cpu.system) / 1000, wallMs, timers: Math.max(0, timers - 1), fired: Object.fromEntries(fired) };
  process.stdout.write(`${JSON.stringify(out)}\n`);
  await stop();
  process.exit(0);
}

main().catch((err: Error) => {
  process.stderr.write(`idle-child: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
