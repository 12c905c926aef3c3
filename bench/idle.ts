/**
 * Idle costs: connected, no traffic. The core runs as a process of its own (bench/idle-child.ts:
 * ConversationClients with per-account stores and the desk, as main runs them), awake and in
 * power save, beside a bare `ws` client with the same heartbeat in the same minute; each reports
 * its CPU time and the timers that fired. The reference server's cost per idle connection (CPU
 * and RSS, from /proc) stands beside a bare `ws` server (bench/idle-bare-server.ts) holding the
 * same connections in the same minute.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import WebSocket from 'ws';
import { build } from 'esbuild';
import { runJs, runTs, type Proc } from '../tests/helpers/proc';
import { freePort } from '../tests/helpers/ports';
import { BENCH_DIR, ROOT, sleep, withTimeout, type Ctx } from './lib';
import { figure, type Figure } from './report';

interface ChildResult {
  cpuMs: number;
  wallMs: number;
  timers: number;
}

/** CPU time of every thread of `pid`, in ms (schedstat: nanoseconds on the CPU). */
function cpuMsOf(pid: number): number {
  let ns = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // a thread that ended meanwhile
    }
  }
  return ns / 1e6;
}

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

/**
 * idle-child.ts built to plain JavaScript, as main's code is shipped: run through tsx, its loader
 * thread alone costs an idle process more than the whole core does. Beside node_modules, so that
 * the packages left outside the bundle resolve as they do for dist/.
 */
async function builtChild(): Promise<string> {
  const outfile = path.join(ROOT, 'node_modules', '.cache', 'uos-chat-bench', 'idle-child.cjs');
  await build({
    entryPoints: [path.join(BENCH_DIR, 'idle-child.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node24',
    packages: 'external',
    logLevel: 'warning',
  });
  return outfile;
}

function clientRun(child: string, kind: 'core' | 'bare', url: string, token: string, powerSave: boolean, seconds: number, dir: string) {
  const p = runJs(child, [kind, url, token, powerSave ? 'on' : 'off', String(seconds), dir]);
  return resultOf(p, seconds, kind);
}

async function resultOf(p: Proc, seconds: number, kind: string): Promise<ChildResult> {
  const line = await p.line((l) => l.startsWith('{'), (seconds + 40) * 1000, `the idle ${kind} client`);
  await withTimeout(p.exited, 10_000, `the idle ${kind} client to exit`);
  return JSON.parse(line) as ChildResult;
}

/** `n` idle sockets to `url` (the server pings them; ws answers): resolves once all are open. */
async function idleSockets(url: string, tokens: string[]): Promise<WebSocket[]> {
  const out: WebSocket[] = [];
  for (const token of tokens) {
    const ws = new WebSocket(`${url}?token=${token}`, { perMessageDeflate: false });
    out.push(ws);
    await withTimeout(new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject)), 10_000, 'an idle socket');
  }
  return out;
}

/** A server holding `tokens.length` idle sockets: RSS per socket now, and `measure` its CPU over a window later. */
async function serverHolding(proc: Proc, url: string, tokens: string[]) {
  const pid = proc.child.pid!;
  await sleep(1_000);
  const rss0 = rssBytes(pid);
  const sockets = await idleSockets(url, tokens);
  await sleep(2_000);
  const rssPerConn = (rssBytes(pid) - rss0) / tokens.length;
  return {
    rssPerConn,
    async measure(afterMs: number, seconds: number) {
      await sleep(afterMs);
      const cpu0 = cpuMsOf(pid);
      await sleep(seconds * 1000);
      const cpuMs = cpuMsOf(pid) - cpu0;
      return { rssPerConn, cpuMsPerConnMin: ((cpuMs / tokens.length) * 60) / seconds };
    },
    close: () => sockets.forEach((ws) => ws.terminate()),
  };
}

const pctOfCore = (r: ChildResult) => (r.cpuMs / r.wallMs) * 100;
const perMinute = (r: ChildResult) => (r.timers * 60_000) / r.wallMs;

// long-function: one minute of six idle processes, then their figures side by side
export async function benchIdle(ctx: Ctx): Promise<Figure[]> {
  const seconds = ctx.sizes.tiny ? 3 : 60;
  const n = ctx.sizes.tiny ? 20 : 200;
  const names = Array.from({ length: n }, (_, i) => `idle${i}`);
  const tokens = ['token-alice:alice', ...names.map((u) => `t-${u}:${u}`)].join(',');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-bench-idle-'));
  const [chatPort, serverPort, barePort] = [await freePort(), await freePort(), await freePort()];
  const procs: Proc[] = [];
  const closers: Array<() => void> = [];
  const start = async (p: Proc, ready: string) => {
    procs.push(p);
    await p.line((l) => l.startsWith(ready), 20_000, `an idle bench server (${ready})`);
  };
  try {
    // The clients' server, and the two measured servers (production defaults: pings every 30 s).
    await start(runTs('server/main.ts', ['--port', String(chatPort)], { UOS_CHAT_TOKENS: tokens }), 'listening on ');
    await start(runTs('server/main.ts', ['--port', String(serverPort)], { UOS_CHAT_TOKENS: tokens }), 'listening on ');
    await start(runTs('bench/idle-bare-server.ts', [String(barePort)]), 'listening ');
    const chat = `ws://127.0.0.1:${chatPort}/ws/chat/`;
    const own = names.map((u) => `t-${u}`);
    // The servers' sockets first, so that opening them is over before any window starts.
    const held = [
      await serverHolding(procs[1]!, `ws://127.0.0.1:${serverPort}/ws/chat/`, own),
      await serverHolding(procs[2]!, `ws://127.0.0.1:${barePort}/`, own),
    ];
    closers.push(...held.map((h) => h.close));
    // The clients settle for 5 s after connecting (idle-child.ts), then all six measure the same minute.
    const child = await builtChild();
    const [core, coreSave, bare, bareSave, server, bareServer] = await Promise.all([
      clientRun(child, 'core', chat, 'token-alice', false, seconds, path.join(dir, 'awake')),
      clientRun(child, 'core', chat, 'token-alice', true, seconds, path.join(dir, 'save')),
      clientRun(child, 'bare', chat, 'token-alice', false, seconds, dir),
      clientRun(child, 'bare', chat, 'token-alice', true, seconds, dir),
      held[0]!.measure(6_000, seconds),
      held[1]!.measure(6_000, seconds),
    ]);
    ctx.log(
      `idle: core ${pctOfCore(core).toFixed(3)} % of a core, ${perMinute(core).toFixed(1)} timers/min (power save ${pctOfCore(coreSave).toFixed(3)} %, ` +
        `${perMinute(coreSave).toFixed(1)}/min); bare ws ${pctOfCore(bare).toFixed(3)} %, ${perMinute(bare).toFixed(1)}/min; ` +
        `server ${server.cpuMsPerConnMin.toFixed(3)} ms/min and ${(server.rssPerConn / 1024).toFixed(1)} KB per idle connection ` +
        `(bare ws server ${bareServer.cpuMsPerConnMin.toFixed(3)} ms/min, ${(bareServer.rssPerConn / 1024).toFixed(1)} KB)`,
    );
    const window = `${seconds} s connected, no traffic`;
    const bareClient = (save: boolean) => `a bare ws client pinging every ${save ? 60 : 30} s, same minute`;
    return [
      figure({
        id: 'idle.core.cpu',
        section: 'idle',
        name: `core's CPU while idle (${window}), awake`,
        unit: '% of one core',
        samples: [pctOfCore(core)],
        baseline: { label: bareClient(false), kind: 'measured', samples: [pctOfCore(bare)] },
        target: { on: 'value', op: '<=', limit: 0.05, text: '≤ 0.05 % of one core' },
      }),
      figure({
        id: 'idle.core.cpu-power-save',
        section: 'idle',
        name: `core's CPU while idle (${window}), power save`,
        unit: '% of one core',
        samples: [pctOfCore(coreSave)],
        baseline: { label: bareClient(true), kind: 'measured', samples: [pctOfCore(bareSave)] },
        target: { on: 'value', op: '<=', limit: 0.05, text: '≤ 0.05 % of one core' },
      }),
      figure({
        id: 'idle.core.wakeups',
        section: 'idle',
        name: `core's timers that fire while idle (${window}), awake`,
        unit: 'per minute',
        samples: [perMinute(core)],
        baseline: { label: bareClient(false), kind: 'measured', samples: [perMinute(bare)] },
        target: { on: 'value', op: '<=', limit: 4, text: '≤ 4 a minute' },
      }),
      figure({
        id: 'idle.core.wakeups-power-save',
        section: 'idle',
        name: `core's timers that fire while idle (${window}), power save`,
        unit: 'per minute',
        samples: [perMinute(coreSave)],
        baseline: { label: bareClient(true), kind: 'measured', samples: [perMinute(bareSave)] },
        target: { on: 'value', op: '<=', limit: 2, text: '≤ 2 a minute' },
      }),
      figure({
        id: 'idle.server.cpu',
        section: 'idle',
        name: `server's CPU per idle connection (${n} connections, ${seconds} s, pings every 30 s)`,
        unit: 'ms per minute',
        samples: [server.cpuMsPerConnMin],
        baseline: {
          label: 'a bare ws server pinging the same connections, same minute',
          kind: 'measured',
          samples: [bareServer.cpuMsPerConnMin],
        },
      }),
      figure({
        id: 'idle.server.memory',
        section: 'idle',
        name: `server's RSS per idle connection (${n} connections)`,
        unit: 'bytes',
        samples: [server.rssPerConn],
        baseline: { label: 'a bare ws server with the same connections, same run', kind: 'measured', samples: [bareServer.rssPerConn] },
      }),
    ];
  } finally {
    closers.forEach((close) => close());
    for (const p of procs) p.kill('SIGTERM');
    await Promise.all(procs.map((p) => withTimeout(p.exited, 10_000, 'an idle bench server to stop').catch(() => p.kill('SIGKILL'))));
    rmSync(dir, { recursive: true, force: true });
  }
}
