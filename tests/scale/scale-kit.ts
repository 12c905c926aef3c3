/**
 * Real parts for the scale-out tests: Debian's redis-server and haproxy on free loopback
 * ports (own arguments, no daemonizing, stopped by the tests), and reference server
 * nodes as separate processes (`node --import tsx server/main.ts --redis …`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { freePort } from '../helpers/ports';
import { runTs, type Proc } from '../helpers/proc';
import { withTimeout } from '../helpers/wait';

export const SCALE_TOKENS = 'token-alice:alice,token-bob:bob,token-carol:carol';

/** A binary the test needs, or a clear failure saying how to get it (CI installs it: .ci/run). */
export function requireBinary(name: string, pkg: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  if (!found) throw new Error(`${name} is missing: apt-get install -y ${pkg} (.ci/run installs it)`);
  return found;
}

/** Resolves once something accepts TCP connections on the port (bounded). */
export async function portOpen(port: number, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what} on port ${port}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function exitOf(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once('exit', () => r()));
}

export interface RedisServer {
  port: number;
  url: string;
  /** Stops it (SIGTERM: with appendonly, everything acknowledged is on disk) and waits for the exit. */
  stop(): Promise<void>;
  /** SIGKILL, as a machine going down: with appendfsync always, every write it acknowledged is on disk. */
  kill(): Promise<void>;
  /** Starts it again on the same port and directory. */
  start(): Promise<void>;
  /** redis-cli against it; stdout. */
  cli(...args: string[]): string;
  /** Stops it and removes its directory. */
  dispose(): Promise<void>;
}

/** redis-server in the foreground. `persistent`: appendonly with fsync per write, so a restart keeps everything. */
export async function startRedis(opts: { persistent: boolean }): Promise<RedisServer> {
  const bin = requireBinary('redis-server', 'redis-server');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-redis-'));
  const port = await freePort();
  const persistence = opts.persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    ...persistence,
    '--daemonize',
    'no',
    '--protected-mode',
    'no',
    '--loglevel',
    'notice',
  ];
  let child: ChildProcess | undefined;
  const handle: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      const started = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      child = started;
      // Its own word that it listens (something else on the port would answer a probe), or why it exited.
      const said: string[] = [];
      await withTimeout(
        new Promise<void>((resolve, reject) => {
          for (const out of [started.stdout!, started.stderr!])
            createInterface({ input: out }).on('line', (l) => {
              said.push(l);
              if (/Ready to accept connections/.test(l)) resolve();
            });
          started.once('exit', () => reject(new Error(`redis-server on port ${port} exited at start: ${said.join(' | ')}`)));
        }),
        10_000,
        `redis-server on port ${port} to be ready`,
      );
    },
    async stop() {
      if (!child) return;
      child.kill('SIGTERM');
      await withTimeout(exitOf(child), 10_000, 'redis-server to stop');
    },
    async kill() {
      if (!child) return;
      child.kill('SIGKILL');
      await withTimeout(exitOf(child), 10_000, 'redis-server to die');
    },
    cli: (...a) => spawnSync('redis-cli', ['-p', String(port), ...a], { encoding: 'utf8' }).stdout,
    async dispose() {
      await handle.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await handle.start();
  return handle;
}

export interface ChatNode {
  port: number;
  url: string;
  proc: Proc;
  /** SIGKILL, as a machine going down looks to everyone else. */
  kill(): Promise<void>;
  /** Starts the node again on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** One reference server process with `--redis`, on a fixed free port so a balancer can find it again after a restart. */
export async function startNode(redisUrl: string, extra: string[] = []): Promise<ChatNode> {
  const port = await freePort();
  const launch = async () => {
    const proc = runTs('server/main.ts', ['--port', String(port), '--redis', redisUrl, '--rate-limit', '1000000/60', ...extra], {
      UOS_CHAT_TOKENS: SCALE_TOKENS,
    });
    await proc.line((l) => l.startsWith('listening on '), 20_000, `node on port ${port} to listen`);
    return proc;
  };
  const node: ChatNode = {
    port,
    url: `ws://127.0.0.1:${port}/ws/chat/`,
    proc: await launch(),
    async kill() {
      node.proc.kill('SIGKILL');
      await withTimeout(node.proc.exited, 10_000, 'the node to die');
    },
    async restart() {
      node.proc = await launch();
    },
    async stop() {
      node.proc.kill('SIGTERM');
      await withTimeout(node.proc.exited, 10_000, 'the node to stop').catch(() => node.proc.kill('SIGKILL'));
    },
  };
  return node;
}

export interface Balancer {
  port: number;
  url: string;
  stop(): Promise<void>;
}

/** HAProxy in front of the nodes: WebSocket upgrade passed through, a dead node noticed by checks and by failed connects. */
export async function startHaproxy(nodePorts: number[]): Promise<Balancer> {
  const bin = requireBinary('haproxy', 'haproxy');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-haproxy-'));
  const port = await freePort();
  const cfg = path.join(dir, 'haproxy.cfg');
  writeFileSync(cfg, haproxyConfig(port, nodePorts));
  const child = spawn(bin, ['-db', '-f', cfg], { stdio: ['ignore', 'ignore', 'pipe'] });
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (l) => stderr.push(l));
  await portOpen(port, 10_000, 'haproxy').catch((err: Error) => {
    child.kill('SIGKILL');
    throw new Error(`${err.message}\n${stderr.join('\n')}`);
  });
  return {
    port,
    url: `ws://127.0.0.1:${port}/ws/chat/`,
    async stop() {
      child.kill('SIGTERM');
      await withTimeout(exitOf(child), 10_000, 'haproxy to stop').catch(() => child.kill('SIGKILL'));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The shape docs/DEPLOY.md recommends, with test-sized timings. */
export function haproxyConfig(port: number, nodePorts: number[]): string {
  return [
    'global',
    '  maxconn 4096',
    'defaults',
    '  mode http',
    '  timeout connect 1s',
    '  timeout client 60s',
    '  timeout server 60s',
    '  timeout tunnel 1h',
    '  retries 3',
    '  option redispatch',
    'frontend chat',
    `  bind 127.0.0.1:${port}`,
    '  use_backend files if { path_beg /files/ }',
    '  default_backend nodes',
    'backend nodes',
    '  balance roundrobin',
    ...checkedNodes(nodePorts),
    // An upload in progress is staged on the node that took it: each user's file requests go to one node (by token).
    'backend files',
    '  balance hdr(authorization)',
    '  hash-type consistent',
    ...checkedNodes(nodePorts),
    '',
  ].join('\n');
}

function checkedNodes(nodePorts: number[]): string[] {
  return [
    '  option httpchk GET /',
    // The server answers a plain GET with 426 (Upgrade Required): alive.
    '  http-check expect status 426',
    '  default-server inter 200ms fall 1 rise 1',
    ...nodePorts.map((p, i) => `  server node${i + 1} 127.0.0.1:${p} check`),
  ];
}

// ---- a bare ws peer, for frame-level checks -------------------------------------------------

export interface WirePeer {
  ws: WebSocket;
  frames: Array<Record<string, any>>;
  /** The first frame (seen or to come) matching `pred`. */
  next(pred: (f: Record<string, any>) => boolean, ms?: number, what?: string): Promise<Record<string, any>>;
  closed: Promise<{ code: number; reason: string }>;
  send(id: string, message: string): void;
  close(): Promise<void>;
}

/** Connects, and resolves after the server's connection_status. */
export async function wirePeer(url: string, query: Record<string, string>, tls: { ca?: string[] } = {}): Promise<WirePeer> {
  const u = new URL(url);
  for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
  const ws = new WebSocket(u.toString(), { perMessageDeflate: false, ...tls });
  const frames: Array<Record<string, any>> = [];
  const waiters = new Set<{ pred: (f: Record<string, any>) => boolean; resolve: (f: Record<string, any>) => void }>();
  ws.on('message', (d) => {
    const f = JSON.parse(d.toString()) as Record<string, any>;
    frames.push(f);
    for (const w of [...waiters])
      if (w.pred(f)) {
        waiters.delete(w);
        w.resolve(f);
      }
  });
  ws.on('error', () => undefined);
  const closed = new Promise<{ code: number; reason: string }>((r) =>
    ws.on('close', (code, reason) => r({ code, reason: reason.toString() })),
  );
  const peer: WirePeer = {
    ws,
    frames,
    closed,
    next(pred, ms = 10_000, what = 'a frame') {
      const hit = frames.find(pred);
      if (hit) return Promise.resolve(hit);
      return withTimeout(new Promise((resolve) => waiters.add({ pred, resolve })), ms, what);
    },
    send(id, message) {
      ws.send(JSON.stringify({ type: 'chat_message', id, message, timestamp: new Date().toISOString() }));
    },
    async close() {
      ws.close();
      await withTimeout(closed, 5_000, 'the peer to close');
    },
  };
  await Promise.race([peer.next((f) => f.type === 'connection_status' || f.type === 'error', 10_000, 'connection_status'), closed]);
  return peer;
}

export interface Rig {
  redis: RedisServer;
  nodes: ChatNode[];
  balancer: Balancer;
  /** A temporary directory for the clients' stores, removed with the rest. */
  dir: string;
}

/** Redis, three nodes on it and HAProxy in front, all stopped (and the directory removed) after the test. */
export async function startRig(
  t: { after(fn: () => Promise<void>): void },
  o: { persistent: boolean; nodeArgs: string[]; dirPrefix: string },
): Promise<Rig> {
  const redis = await startRedis({ persistent: o.persistent });
  const nodes: ChatNode[] = [];
  let balancer: Balancer | undefined;
  const dir = mkdtempSync(path.join(os.tmpdir(), o.dirPrefix));
  t.after(async () => {
    await balancer?.stop();
    await Promise.all(nodes.map((n) => n.stop()));
    await redis.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
  for (let i = 0; i < 3; i++) nodes.push(await startNode(redis.url, o.nodeArgs));
  balancer = await startHaproxy(nodes.map((n) => n.port));
  return { redis, nodes, balancer, dir };
}
