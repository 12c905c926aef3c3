/**
 * Real proxies from Debian for the proxy tests, on loopback, started and stopped by the tests:
 * tinyproxy (package tinyproxy-bin: HTTP CONNECT, Basic auth, ConnectPort) and microsocks
 * (SOCKS5, optional user/password). Missing binaries fail the test with the package to
 * install (.ci/run installs both): these tests never skip silently.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { freePort } from './ports';
import { withTimeout } from './wait';

function need(binary: string, pkg: string): string {
  const file = `/usr/bin/${binary}`;
  if (!existsSync(file)) throw new Error(`${binary} is missing: install the Debian package ${pkg} (apt-get install ${pkg}; .ci/run does)`);
  return file;
}

/**
 * Resolves once the child accepts connections on `port`. Neither proxy says on a pipe when it is up
 * (tinyproxy logs to its file, microsocks prints nothing), so each try awaits its connect or error
 * event, at most 100 tries, 20 ms apart; an early exit fails at once with what the child said.
 */
function listening(child: ChildProcess, port: number, what: string): Promise<void> {
  const lines: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) createInterface({ input: stream }).on('line', (l) => lines.push(l));
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`${what} exited (${code}) before it listened: ${lines.join(' | ')}`))),
  );
  exited.catch(() => undefined);
  return withTimeout(Promise.race([acceptsConnections(port), exited]), 10_000, `${what} to listen on ${port}`);
}

function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  return withTimeout(exited, 5_000, 'the proxy to stop');
}

export interface RunningProxy {
  port: number;
  /** The proxy's URL, with credentials when given. */
  url(credentials?: { user: string; pass: string }): string;
  stop(): Promise<void>;
  /** Starts it again on the same port (after stop()). */
  start(): Promise<void>;
  /** Stops it and removes its files. */
  close(): Promise<void>;
}

export interface Tinyproxy extends RunningProxy {
  logFile: string;
  log(): string;
}

/** tinyproxy on 127.0.0.1 with `BasicAuth user pass` (unless auth is false) and CONNECT allowed to `connectPorts` only. */
export async function startTinyproxy(options: {
  connectPorts: number[];
  auth?: { user: string; pass: string } | false;
}): Promise<Tinyproxy> {
  const binary = need('tinyproxy', 'tinyproxy-bin');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-tinyproxy-'));
  const port = await freePort();
  const logFile = path.join(dir, 'tinyproxy.log');
  const auth = options.auth === undefined ? { user: 'user', pass: 'pass' } : options.auth;
  const conf = [
    `Port ${port}`,
    'Listen 127.0.0.1',
    'Timeout 60',
    `LogFile "${logFile}"`,
    'LogLevel Info',
    'MaxClients 200',
    ...(auth ? [`BasicAuth ${auth.user} ${auth.pass}`] : []),
    ...options.connectPorts.map((p) => `ConnectPort ${p}`),
  ].join('\n');
  const confFile = path.join(dir, 'tinyproxy.conf');
  writeFileSync(confFile, conf + '\n');
  let child: ChildProcess | undefined;
  const handle: Tinyproxy = {
    port,
    logFile,
    url: (c) => `http://${c ? `${c.user}:${c.pass}@` : ''}127.0.0.1:${port}`,
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    async start() {
      // -d: stay in the foreground (the test owns the process). Its log goes to the file.
      child = spawn(binary, ['-d', '-c', confFile], { stdio: ['ignore', 'pipe', 'pipe'] });
      await listening(child, port, 'tinyproxy');
    },
    stop: () => stopChild(child),
    async close() {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await handle.start();
  return handle;
}

/** microsocks (SOCKS5) on 127.0.0.1, with a user and password when given. */
export async function startMicrosocks(auth?: { user: string; pass: string }): Promise<RunningProxy> {
  const binary = need('microsocks', 'microsocks');
  const port = await freePort();
  let child: ChildProcess | undefined;
  const handle: RunningProxy = {
    port,
    url: (c) => `socks5h://${c ? `${c.user}:${c.pass}@` : ''}127.0.0.1:${port}`,
    async start() {
      child = spawn(binary, ['-i', '127.0.0.1', '-p', String(port), ...(auth ? ['-u', auth.user, '-P', auth.pass] : [])], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      await listening(child, port, 'microsocks');
    },
    stop: () => stopChild(child),
    close: () => stopChild(child),
  };
  await handle.start();
  return handle;
}

async function acceptsConnections(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port}`);
}
