/**
 * Shared bench helpers: sizes, statistics, time bounds, the reference server in
 * its own process (bench/server-proc.ts), message text, machine facts.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { ServerOptions } from '../server/server';

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(BENCH_DIR, '..');

// ---- sizes ----------------------------------------------------------------------------

export interface Sizes {
  tiny: boolean;
  repeats: number;
  roundtrip: { warmup: number; messages: number };
  throughput: { warmup: number; messages: number; deflateMessages: number; ipcMessages: number };
  ui: { logSize: number; scrollMs: number; liveRate: number; liveMs: number; paintRepeats: number };
  dbus: { queued: number; repeats: number };
  compression: { messages: number };
  memory: { rate: number; durationMs: number; warmupMs: number; parallel: number };
  history: { stored: number; writes: number };
}

export const FULL: Sizes = {
  tiny: false,
  repeats: 3,
  roundtrip: { warmup: 500, messages: 5_000 },
  throughput: { warmup: 2_000, messages: 50_000, deflateMessages: 10_000, ipcMessages: 10_000 },
  ui: { logSize: 100_000, scrollMs: 3_000, liveRate: 5_000, liveMs: 10_000, paintRepeats: 3 },
  dbus: { queued: 100, repeats: 10 },
  compression: { messages: 10_000 },
  memory: { rate: 1_000, durationMs: 60_000, warmupMs: 5_000, parallel: 3 },
  history: { stored: 100_000, writes: 2_000 },
};

export const TINY: Sizes = {
  tiny: true,
  repeats: 1,
  roundtrip: { warmup: 10, messages: 50 },
  throughput: { warmup: 50, messages: 200, deflateMessages: 200, ipcMessages: 200 },
  ui: { logSize: 1_000, scrollMs: 300, liveRate: 500, liveMs: 500, paintRepeats: 1 },
  dbus: { queued: 10, repeats: 1 },
  compression: { messages: 100 },
  memory: { rate: 200, durationMs: 2_000, warmupMs: 500, parallel: 1 },
  history: { stored: 1_000, writes: 50 },
};

// ---- statistics -----------------------------------------------------------------------

export interface Stats {
  median: number;
  min: number;
  max: number;
  q1: number;
  q3: number;
  n: number;
  samples: number[];
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] ?? NaN;
  const b = sorted[hi] ?? NaN;
  return a + (b - a) * (pos - lo);
}

export function sortNum(xs: readonly number[]): number[] {
  return [...xs].sort((a, b) => a - b);
}

/** Median and spread of per-repeat values. */
export function stats(samples: readonly number[]): Stats {
  const s = sortNum(samples);
  return {
    median: quantile(s, 0.5),
    min: s[0] ?? NaN,
    max: s[s.length - 1] ?? NaN,
    q1: quantile(s, 0.25),
    q3: quantile(s, 0.75),
    n: s.length,
    samples: samples.map((x) => round(x)),
  };
}

export function round(x: number, digits = 3): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

// ---- time bounds ----------------------------------------------------------------------

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`bench: timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Resolves when check() holds; checked every `everyMs`. */
export async function until(check: () => boolean, ms: number, what: string, everyMs = 5): Promise<void> {
  const end = performance.now() + ms;
  while (!check()) {
    if (performance.now() > end) throw new Error(`bench: timed out after ${ms} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Epoch milliseconds with sub-ms resolution (comparable with a page's timeOrigin + now()). */
export const epochNow = () => performance.timeOrigin + performance.now();

// ---- message text ------------------------------------------------------------------------

const WORDS = (
  'the server network message chat window deepin client reconnect today meeting report build ' +
  'please check latest version release notes tomorrow morning update status ok thanks see you ' +
  'design review ticket deploy branch merge test green red fixed broken login token power save ' +
  'lunch coffee later question answer document link table figure bench result ready done'
).split(' ');

/** Deterministic, word-like text of exactly `bytes` ASCII bytes (compresses like chat, not like "aaaa"). */
export function chatText(bytes: number, seed: number): string {
  let x = (seed * 2654435761) >>> 0 || 1;
  let out = '';
  while (out.length < bytes) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out += (out ? ' ' : '') + (WORDS[x % WORDS.length] ?? 'x');
  }
  return out.slice(0, bytes);
}

/**
 * Text length that makes the server's broadcast frame
 * {"type":"chat_message","id":…,"user":"bob","message":…,"timestamp":…,"seq":N} about `frameBytes`.
 */
export function textForFrame(frameBytes: number): number {
  const sample = JSON.stringify({
    type: 'chat_message',
    id: 'f-0000000-000000',
    user: 'bob',
    message: '',
    timestamp: new Date().toISOString(),
    seq: 100000,
  });
  return Math.max(1, frameBytes - sample.length);
}

// ---- the reference server in its own process --------------------------------------------

export interface SenderResult {
  sent: number;
  acked: number;
  ms: number;
}

export interface ServerProc {
  url: string;
  /** ws URL for a room (and a token). */
  roomUrl(room: string, token?: string): string;
  /** A bare ws sender (token-bob) in the server process: `count` messages as fast as possible, resolves on the last ack. */
  flood(room: string, count: number, textBytes: number): Promise<SenderResult>;
  /** The same at `perSec` messages/s for `ms`. */
  paced(room: string, perSec: number, ms: number, textBytes: number): Promise<SenderResult>;
  cpu(): Promise<NodeJS.CpuUsage>;
  child: ChildProcess;
  stop(): Promise<void>;
}

export const BENCH_SERVER_DEFAULTS: Partial<ServerOptions> = {
  host: '127.0.0.1',
  port: 0,
  // Far above anything a bench sends: the limiter must not be what is measured.
  rateLimit: { messages: 1_000_000_000, windowMs: 60_000 },
  pingIntervalMs: 0,
};

export async function startServerProc(options: Partial<ServerOptions> = {}): Promise<ServerProc> {
  const child = fork(path.join(BENCH_DIR, 'server-proc.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 1;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  child.on('message', (m: { id: number; ok: boolean; result?: unknown; error?: string }) => {
    const w = waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id);
    if (m.ok) w.resolve(m.result);
    else w.reject(new Error(`server-proc: ${m.error}`));
  });
  child.on('exit', (code) => {
    for (const w of waiting.values()) w.reject(new Error(`server-proc exited (${code})`));
    waiting.clear();
  });
  const call = <T>(cmd: string, args: Record<string, unknown>, ms: number): Promise<T> =>
    withTimeout(
      new Promise<T>((resolve, reject) => {
        const id = nextId++;
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ id, cmd, ...args });
      }),
      ms,
      `server-proc ${cmd}`,
    );
  const { url } = await call<{ url: string }>('start', { options: { ...BENCH_SERVER_DEFAULTS, ...options } }, 30_000);
  const roomUrl = (room: string, token = 'token-alice') => {
    const u = new URL(url);
    u.searchParams.set('room', room);
    if (token) u.searchParams.set('token', token);
    return u.toString();
  };
  return {
    url,
    roomUrl,
    child,
    flood: (room, count, textBytes) => call<SenderResult>('flood', { room, count, textBytes }, 120_000),
    paced: (room, perSec, ms, textBytes) => call<SenderResult>('paced', { room, perSec, ms, textBytes }, ms + 60_000),
    cpu: () => call<NodeJS.CpuUsage>('cpu', {}, 10_000),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      try {
        await call('stop', {}, 10_000);
      } catch {
        /* it may exit before answering */
      }
      await withTimeout(exited, 5_000, 'server-proc exit').catch(() => child.kill('SIGKILL'));
    },
  };
}

// ---- machine -------------------------------------------------------------------------------

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  node: string;
  chromium: string | null;
  platform: string;
  kernel: string;
  totalMemMB: number;
  loadavgAtStart: number[];
  loadavgAtEnd?: number[];
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    node: process.version,
    chromium: null,
    platform: `${os.platform()} ${os.arch()}`,
    kernel: os.release(),
    totalMemMB: Math.round(os.totalmem() / 2 ** 20),
    loadavgAtStart: os.loadavg().map((x) => round(x, 2)),
  };
}

export function cpuMs(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1000;
}

// ---- the context every figure gets ----------------------------------------------------------

export interface Ctx {
  sizes: Sizes;
  /** Run-level notes for the report. */
  notes: string[];
  log(line: string): void;
  /** Throws once the running section has timed out, so it stops instead of running on under the next one. */
  check(): void;
}

export function pct(samples: readonly number[], q: number): number {
  return quantile(sortNum(samples), q);
}
