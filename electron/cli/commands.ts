/**
 * The headless CLI on the same core as the app. Output is one JSON object per
 * line on stdout; failures are one line of words on stderr and a non-zero exit.
 * Exit codes: 0 ok, 1 usage, 2 message refused/failed, 3 authentication failed,
 * 4 TLS problem, 5 unreachable or timed out.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { MessageEntry } from '../common/contract';
import type { Reason, ReasonCode } from '../common/errors';
import { FIELD_SPECS, SETTINGS_KEYS } from '../common/settings-fields';
import type { ConnectionState, Status } from '../common/state';
import { describeReason } from '../common/words';
import { ChatClient, type ClientConfig } from '../core/client';
import { FileOutboxStore } from '../core/outbox-file';
import { MemoryOutboxStore } from '../core/outbox';
import { loadCaBundle, type CaBundle } from '../core/ca-bundle';
import { settingsToClientConfig } from '../core/connection-settings';
import { MachineMonitor } from '../core/machine-monitor';
import { formatSettingsProblem, mergeSettings, settingsFromArgs, settingsFromEnv } from '../core/settings';
import { formatDoctor, runDoctor } from './doctor';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
  stdin?: NodeJS.ReadableStream;
}

/** The settings fields the CLI takes as flags (the table says which). */
const CLI_FIELDS = SETTINGS_KEYS.filter((field) => FIELD_SPECS[field].cli);

const settingsHelp = CLI_FIELDS.map((field) => {
  const { flag, flagValue, help } = FIELD_SPECS[field];
  return help ? `${flag} ${flagValue} (${help})` : `${flag} ${flagValue}`;
}).join(', ');

export const USAGE = `usage:
  uos-chat send   --server URL [--token T] [--data-dir DIR] [--timeout S] TEXT
Common options: ${settingsHelp}
  uos-chat send   --server URL [--token T] [--data-dir DIR] [--timeout S] --stdin   (one message per line)
  uos-chat listen --server URL [--token T] [--count N] [--timeout S]
  uos-chat doctor --server URL [--token T] [--json] [--timeout S]
Environment: ${CLI_FIELDS.map((field) => FIELD_SPECS[field].env).join(', ')}. Output: one JSON object per line.
Exit codes: 0 ok, 1 usage, 2 message refused, 3 authentication failed, 4 TLS problem, 5 unreachable or timed out.`;

export class UsageError extends Error {}

const REFUSED = 2;
const AUTH = 3;
const TLS = 4;
const UNREACHABLE = 5;

/** Every reason has its exit code here: a new reason does not compile until it is given one. */
const EXIT_CODES: Record<ReasonCode, number> = {
  AUTH_FAILED: AUTH,
  RATE_LIMITED: REFUSED,
  SERVER_ERROR: UNREACHABLE,
  UNREACHABLE: UNREACHABLE,
  CONNECTION_LOST: UNREACHABLE,
  HEARTBEAT_TIMEOUT: UNREACHABLE,
  CLOCK_JUMP: UNREACHABLE,
  TOO_LARGE: REFUSED,
  REJECTED: REFUSED,
  BAD_FRAME: UNREACHABLE,
  FRAME_TOO_LARGE: UNREACHABLE,
  TLS_UNKNOWN_CA: TLS,
  TLS_SELF_SIGNED: TLS,
  TLS_EXPIRED: TLS,
  TLS_HOSTNAME: TLS,
  TLS_OTHER: TLS,
  NETWORK_DOWN: UNREACHABLE,
  SUSPENDED: UNREACHABLE,
  STOPPED: UNREACHABLE,
  TIMEOUT: UNREACHABLE,
  BAD_CONFIG: UNREACHABLE,
  EMPTY_MESSAGE: REFUSED,
  OUTBOX_FULL: REFUSED,
  OUTBOX_CORRUPT: UNREACHABLE,
  OUTBOX_WRITE_FAILED: REFUSED,
};

export function exitCodeFor(reason: Reason): number {
  // The doctor passes a code it read back from its own report: an unknown one is "unreachable", as before.
  return EXIT_CODES[reason.code] ?? UNREACHABLE;
}

/** One line a person can read: the words, then the detail. The token never appears (the core redacts URLs). */
export function reasonLine(reason: Reason): string {
  return reason.detail ? `${describeReason(reason.code)} (${reason.detail})` : describeReason(reason.code);
}

function connectionReason(state: ConnectionState): Reason | undefined {
  return 'reason' in state ? state.reason : undefined;
}

/** The CLI's data dir: --data-dir, else $XDG_DATA_HOME/uos-chat, else ~/.local/share/uos-chat. */
export function defaultDataDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_DATA_HOME || path.join(env.HOME || os.homedir(), '.local', 'share');
  return path.join(base, 'uos-chat');
}

function statusLine(status: Status): Record<string, unknown> {
  const c = status.connection;
  const why = connectionReason(c);
  return {
    event: 'status',
    state: c.kind,
    ...('attempt' in c ? { attempt: c.attempt } : {}),
    ...(c.kind === 'reconnecting' ? { retryInMs: c.delayMs } : {}),
    ...(why ? { reason: why.code, words: describeReason(why.code), ...(why.detail ? { detail: why.detail } : {}) } : {}),
    network: status.machine.network,
    powerSave: status.machine.powerSave,
    heartbeatMs: status.heartbeatMs,
  };
}

function messageLine(m: MessageEntry): Record<string, unknown> {
  return {
    event: 'message',
    user: m.user,
    text: m.text,
    timestamp: m.timestamp,
    ...(m.seq !== undefined ? { seq: m.seq } : {}),
    ...(m.id !== undefined ? { id: m.id } : {}),
    ...(m.fromServer ? { fromServer: true } : {}),
  };
}

interface Common {
  config: Partial<ClientConfig> & { url: string };
  timeoutMs: number;
  ca: CaBundle;
}

function commonOptions(values: Record<string, unknown>, env: NodeJS.ProcessEnv, argv: string[], errLine: (line: string) => void): Common {
  const fromEnv = settingsFromEnv(env);
  const fromArgs = settingsFromArgs(argv);
  const problems = [...fromEnv.problems, ...fromArgs.problems];
  if (problems.length > 0) throw new UsageError(problems.map(formatSettingsProblem).join('; '));
  if (!fromEnv.patch.serverUrl && !fromArgs.patch.serverUrl) throw new UsageError('--server URL is required (or UOS_CHAT_SERVER)');
  const settings = mergeSettings(fromEnv.patch, fromArgs.patch);
  const timeout = values.timeout === undefined ? 10 : Number(values.timeout);
  if (!Number.isFinite(timeout) || timeout <= 0) throw new UsageError('--timeout must be a positive number of seconds');
  // Trust: Node's roots + --ca/UOS_CHAT_CA + the UOS and Debian bundles. A bad bundle is named, not fatal.
  const ca = loadCaBundle({ userFile: settings.caFile });
  for (const p of ca.problems) errLine(`uos-chat: warning: ${p.detail}`);
  return {
    config: settingsToClientConfig(settings, ca),
    timeoutMs: timeout * 1000,
    ca,
  };
}

/** Resolves with the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'send') return await send(rest, io);
    if (command === 'listen') return await listen(rest, io);
    if (command === 'doctor') return await doctor(rest, io);
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      io.out(USAGE);
      return command === undefined ? 1 : 0;
    }
    throw new UsageError(`unknown command "${command}"`);
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`uos-chat: ${(err as Error).message}\n${USAGE}`);
      return 1;
    }
    throw err;
  }
}

/** `--server` → `server`: the settings flags as parseArgs names them. */
const settingsOptions = Object.fromEntries(CLI_FIELDS.map((field) => [FIELD_SPECS[field].flag.slice(2), { type: 'string' } as const]));

const optionSpec = {
  ...settingsOptions,
  'data-dir': { type: 'string' },
  timeout: { type: 'string' },
  count: { type: 'string' },
  json: { type: 'boolean' },
  stdin: { type: 'boolean' },
} as const;

/** D-Bus network/power/sleep drive the CLI's core too; never fatal without a bus. */
async function followMachine(client: ChatClient): Promise<MachineMonitor> {
  const machine = new MachineMonitor({ target: client, busRetry: false, connectTimeoutMs: 2000 });
  await machine.start();
  return machine;
}

async function doctor(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: argv, options: optionSpec, allowPositionals: false });
  const { config, timeoutMs, ca } = commonOptions(values, io.env, argv, io.err);
  const report = await runDoctor(config, timeoutMs, ca);
  io.out(values.json ? JSON.stringify(report) : formatDoctor(report));
  if (!report.ok) io.err(`uos-chat: the server cannot be used: ${report.websocket.words ?? 'unknown problem'}`);
  return report.ok ? 0 : report.websocket.reason ? exitCodeFor({ code: report.websocket.reason as Reason['code'] }) : 5;
}

async function send(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: optionSpec, allowPositionals: true });
  const text = positionals.join(' ');
  const fromStdin = values.stdin === true;
  if (fromStdin && text) throw new UsageError('give the message text or --stdin, not both');
  if (!fromStdin && !text) throw new UsageError('send needs the message text (or --stdin: one message per line)');
  if (fromStdin && !io.stdin) throw new UsageError('--stdin: no standard input');
  const { config, timeoutMs } = commonOptions(values, io.env, argv, io.err);
  const dataDir = values['data-dir'] ?? defaultDataDir(io.env);
  const outboxFile = path.join(dataDir, 'cli-outbox.jsonl');
  const client = new ChatClient({ config, outboxStore: new FileOutboxStore(outboxFile) });
  client.on('frame', (f) => io.out(JSON.stringify(f)));
  client.on('problem', (p) => io.err(`uos-chat: warning: ${reasonLine(p)}`));

  return new Promise<number>((resolve) => {
    /** Delivery of the messages this run queued, by id. */
    const ours = new Map<string, MessageEntry['delivery']>();
    const failures: Reason[] = [];
    let inputDone = false;
    let sentAt = 0;
    let replied = false;
    let finished = false;
    let machine: MachineMonitor | undefined;
    const finish = (code: number, line?: string) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      // Nothing is lost: say where the undelivered messages wait.
      const queued = code !== 0 && client.pendingCount() > 0 ? `; ${client.pendingCount()} message(s) kept in ${outboxFile} and sent next time` : '';
      if (line) io.err(line + queued);
      void Promise.allSettled([client.stop(), machine?.stop()]).then(() => resolve(code));
    };
    const timer = setTimeout(() => {
      const why = connectionReason(client.status().connection);
      finish(5, `uos-chat: not delivered within ${timeoutMs / 1000} s: ${why ? reasonLine(why) : 'timed out'}`);
    }, timeoutMs);

    const check = () => {
      const state = client.status().connection;
      if (state.kind === 'auth-failed') return finish(3, `uos-chat: ${reasonLine(state.reason)}`);
      // A TLS failure waits minutes before the next try: a script is better told now.
      if (state.kind === 'reconnecting' && state.reason.code.startsWith('TLS_')) return finish(4, `uos-chat: ${reasonLine(state.reason)}`);
      if (!inputDone || client.pendingCount() > 0) return;
      if ([...ours.values()].includes('pending')) return;
      const failure = failures[0];
      if (failure) return finish(exitCodeFor(failure), `uos-chat: ${failures.length} message(s) not delivered: ${reasonLine(failure)}`);
      const acked = state.kind === 'connected' && state.features.includes('ack');
      // Servers without acks (the design notes' service): wait for their reply to be observed.
      if (acked || replied || ours.size === 0) finish(0);
    };
    client.on('entries', (entries) => {
      for (const e of entries) {
        if (e.kind !== 'message') continue;
        if (!e.own) {
          if (Date.parse(e.timestamp) >= sentAt - 1000) replied = true;
          continue;
        }
        if (!ours.has(e.key)) continue;
        ours.set(e.key, e.delivery);
        if (e.delivery === 'failed') failures.push(e.failure ?? { code: 'REJECTED' });
      }
      check();
    });
    client.on('status', check);
    client.on('outbox', check);

    const queue = (line: string): Promise<void> =>
      client.send(line).then((r) => {
        if (!r.ok) {
          failures.push(r.reason);
          if (fromStdin) io.err(`uos-chat: not queued: ${reasonLine(r.reason)}`);
          return;
        }
        ours.set(r.entry.key, 'pending');
        if (fromStdin) io.out(JSON.stringify({ event: 'queued', id: r.entry.key, text: line }));
      });

    void followMachine(client).then(async (m) => {
      machine = m;
      await client.start();
      sentAt = Date.now();
      if (!fromStdin) {
        await queue(text);
      } else {
        // Not awaited one by one: sends made together share one fsync, and keep their order.
        const pending: Promise<void>[] = [];
        for await (const line of createInterface({ input: io.stdin! })) if (line.trim()) pending.push(queue(line));
        await Promise.all(pending);
      }
      inputDone = true;
      check();
    });
  });
}

async function listen(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: argv, options: optionSpec, allowPositionals: false });
  const { config } = commonOptions({ ...values, timeout: values.timeout ?? '1' }, io.env, argv, io.err);
  let count = Infinity;
  if (values.count !== undefined) {
    count = Number(values.count);
    if (!Number.isSafeInteger(count) || count <= 0) throw new UsageError('--count must be a positive whole number');
  }
  const timeoutMs = values.timeout === undefined ? undefined : Number(values.timeout) * 1000;
  const client = new ChatClient({ config, outboxStore: new MemoryOutboxStore() });
  let machine: MachineMonitor | undefined;
  return new Promise<number>((resolve) => {
    let seen = 0;
    let timer: NodeJS.Timeout | undefined;
    const finish = (code: number, line?: string) => {
      if (timer) clearTimeout(timer);
      if (line) io.err(line);
      void Promise.allSettled([client.stop(), machine?.stop()]).then(() => resolve(code));
    };
    if (timeoutMs !== undefined) timer = setTimeout(() => finish(5, `uos-chat: timed out after ${timeoutMs / 1000} s with ${seen} message(s)`), timeoutMs);
    client.on('status', (s) => {
      io.out(JSON.stringify(statusLine(s)));
      if (s.connection.kind === 'auth-failed') finish(3, `uos-chat: ${reasonLine(s.connection.reason)}`);
    });
    client.on('entries', (entries) => {
      for (const e of entries) {
        if (e.kind === 'marker') io.out(JSON.stringify({ event: 'marker', marker: e.marker, timestamp: e.timestamp }));
        else if (!e.own && seen < count) {
          io.out(JSON.stringify(messageLine(e)));
          seen += 1;
        }
      }
      if (seen >= count) finish(0);
    });
    client.on('problem', (p) => io.out(JSON.stringify({ event: 'problem', reason: p.code, words: describeReason(p.code), detail: p.detail })));
    // Network and power-save changes arrive as status lines too (the monitor drives the client).
    void followMachine(client).then((m) => {
      machine = m;
      const snap = m.snapshot();
      io.out(JSON.stringify({ event: 'machine', sources: snap.sources, network: snap.network, powerSave: snap.powerSave, problems: snap.problems }));
      return client.start();
    });
  });
}
