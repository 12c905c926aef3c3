/** Child processes for CLI and server tests: line-by-line output, awaited with timeouts. */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { withTimeout } from './wait';

export const ROOT = path.resolve(__dirname, '../..');

export interface Proc {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  /** Resolves with the first stdout line (present or future) matching `pred`. */
  line(pred: (line: string) => boolean, ms?: number, what?: string): Promise<string>;
  /** Calls `cb` with every stdout line from now on. */
  onLine(cb: (line: string) => void): void;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): void;
}

/** Runs a TypeScript entry point the way `npm run server` / `npm run cli` do (node + tsx). */
export function runTs(entry: string, args: string[], env: NodeJS.ProcessEnv = {}, stdin: 'ignore' | 'pipe' = 'ignore'): Proc {
  return runNode(['--import', 'tsx', path.join(ROOT, entry), ...args], env, stdin);
}

/** Runs a built JavaScript file with plain node (no loader in the way). */
export function runJs(file: string, args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  return runNode([file, ...args], env, 'ignore');
}

function runNode(argv: string[], env: NodeJS.ProcessEnv, stdin: 'ignore' | 'pipe'): Proc {
  const child = spawn(process.execPath, argv, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: [stdin, 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const waiters = new Set<{ pred: (l: string) => boolean; resolve: (l: string) => void }>();
  const lineListeners: Array<(l: string) => void> = [];
  createInterface({ input: child.stdout! }).on('line', (l) => {
    stdout.push(l);
    for (const cb of lineListeners) cb(l);
    for (const w of [...waiters])
      if (w.pred(l)) {
        waiters.delete(w);
        w.resolve(l);
      }
  });
  createInterface({ input: child.stderr! }).on('line', (l) => stderr.push(l));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    stdout,
    stderr,
    line(pred, ms = 10_000, what = 'an output line') {
      const hit = stdout.find(pred);
      if (hit) return Promise.resolve(hit);
      return withTimeout(new Promise<string>((resolve) => waiters.add({ pred, resolve })), ms, what);
    },
    onLine: (cb) => void lineListeners.push(cb),
    exited,
    kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

export async function startServerProcess(args: string[]): Promise<{ proc: Proc; url: string }> {
  const proc = runTs('server/main.ts', ['--port', '0', ...args]);
  const line = await proc.line((l) => l.startsWith('listening on '), 15_000, 'the server to listen');
  return { proc, url: line.slice('listening on '.length) };
}
