/**
 * The built main.js on the stand-in, in a child process of its own (tests/helpers/standin-child.ts),
 * for what only a real process end can show: quitting, signals, a second instance, garbage
 * collection (the child runs with --expose-gc). The child's Node is UOS_CHAT_STANDIN_NODE
 * when set (e.g. a Node 24 binary), else this one.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import type { ChildConfig } from './standin-child';
import assert from 'node:assert/strict';
import { withTimeout } from './wait';

const ROOT = path.resolve(__dirname, '../..');
const CHILD = path.join(__dirname, 'standin-child.ts');
export const DIST_MAIN = path.join(ROOT, 'dist/electron/main.js');

export type ChildEvent = { ev: string; [k: string]: any };

export interface StandInProcess {
  events: ChildEvent[];
  stderr: string[];
  /** Sends a command and waits for its reply. */
  request(cmd: string, arg?: unknown, ms?: number): Promise<any>;
  /** Sends a command without waiting (for 'quit': the process may end before it replies). */
  post(cmd: string, arg?: unknown): void;
  /** The first event (past or future) that satisfies `pred`. */
  waitFor(pred: (e: ChildEvent) => boolean, what: string, ms?: number): Promise<ChildEvent>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): void;
}

export function startStandInProcess(config: {
  userData: string;
  main?: string;
  env?: NodeJS.ProcessEnv;
  fake?: ChildConfig['fake'];
  args?: string[];
}): StandInProcess {
  const childConfig: ChildConfig = { userData: config.userData, main: config.main ?? DIST_MAIN, fake: config.fake, args: config.args };
  const node = process.env.UOS_CHAT_STANDIN_NODE || process.execPath;
  const child = spawn(node, ['--expose-gc', '--import', 'tsx', CHILD], {
    cwd: ROOT,
    env: { ...process.env, ...config.env, UOS_CHAT_STANDIN_CHILD: JSON.stringify(childConfig) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const events: ChildEvent[] = [];
  const stderr: string[] = [];
  const waiters = new Set<{ pred: (e: ChildEvent) => boolean; resolve: (e: ChildEvent) => void }>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (!line.startsWith('@standin ')) return;
    const e = JSON.parse(line.slice('@standin '.length)) as ChildEvent;
    events.push(e);
    for (const w of [...waiters])
      if (w.pred(e)) {
        waiters.delete(w);
        w.resolve(e);
      }
  });
  createInterface({ input: child.stderr! }).on('line', (l) => stderr.push(l));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  let nextId = 0;
  const waitFor = (pred: (e: ChildEvent) => boolean, what: string, ms = 15_000) => {
    const hit = events.find(pred);
    if (hit) return Promise.resolve(hit);
    return withTimeout(
      new Promise<ChildEvent>((resolve) => waiters.add({ pred, resolve })),
      ms,
      `${what} (child stderr: ${stderr.slice(-5).join(' | ')})`,
    );
  };
  const post = (cmd: string, arg?: unknown) => {
    const id = ++nextId;
    child.stdin!.write(`${JSON.stringify({ id, cmd, arg })}\n`);
    return id;
  };
  return {
    events,
    stderr,
    post: (cmd, arg) => void post(cmd, arg),
    async request(cmd, arg, ms = 10_000) {
      const id = post(cmd, arg);
      const reply = await waitFor((e) => e.ev === 'reply' && e.id === id, `the reply to ${cmd}`, ms);
      if (!reply.ok) throw new Error(reply.error);
      return reply.value;
    },
    waitFor,
    exited,
    kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

type StartConfig = Parameters<typeof startStandInProcess>[0];

/** The app in its own process, killed when the test ends if it is still there. */
export function launchForTest(t: { after(fn: () => unknown): void }, config: StartConfig): StandInProcess {
  const app = startStandInProcess(config);
  t.after(async () => {
    app.kill('SIGKILL');
    await app.exited;
  });
  return app;
}

/** Quits the way Ctrl+Q does and fails unless the process then ends with code 0. */
export async function quitApp(app: StandInProcess): Promise<void> {
  app.post('quit');
  assert.deepEqual(await withTimeout(app.exited, 15_000, 'the app to end'), { code: 0, signal: null });
}
