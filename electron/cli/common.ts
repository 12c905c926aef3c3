/**
 * What every CLI command shares: its I/O, options (the settings table's flags plus
 * the CLI's own), exit codes by reason, and the JSON lines it prints.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import type { MessageEntry } from '../common/contract';
import type { Reason, ReasonCode } from '../common/errors';
import { FIELD_SPECS, SETTINGS_KEYS } from '../common/settings-fields';
import type { ConnectionState, Status } from '../common/state';
import { describeReason } from '../common/words';
import { type ClientConfig, settingsToClientConfig } from '../core/connection';
import { loadCaBundle, type CaBundle } from '../core/network';
import { roomUrl } from '../core/conversations';
import { MachineMonitor, type MachineTarget } from '../core/desktop';
import { formatSettingsProblem, mergeSettings, settingsFromArgs, settingsFromEnv } from '../core/settings';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
  stdin?: NodeJS.ReadableStream;
}

export class UsageError extends Error {}

/** The settings fields the CLI takes as flags (the table says which). */
export const CLI_FIELDS = SETTINGS_KEYS.filter((field) => FIELD_SPECS[field].cli);

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
  FORBIDDEN: REFUSED,
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
  HISTORY_CORRUPT: UNREACHABLE,
  HISTORY_WRITE_FAILED: UNREACHABLE,
  PROXY_UNREACHABLE: UNREACHABLE,
  PROXY_AUTH_REQUIRED: UNREACHABLE,
  PROXY_REFUSED: UNREACHABLE,
  PROXY_DNS_FAILED: UNREACHABLE,
  NO_SUCH_MESSAGE: REFUSED,
  NOT_AUTHOR: REFUSED,
  TOO_LATE: REFUSED,
  ACTION_UNSUPPORTED: REFUSED,
  FILES_UNSUPPORTED: REFUSED,
  FILE_UNREADABLE: REFUSED,
  FILE_REFUSED: REFUSED,
  NO_SUCH_FILE: REFUSED,
  CANCELLED: REFUSED,
  FILE_TOO_LARGE: REFUSED,
  QUOTA_EXCEEDED: REFUSED,
  SERVER_DISK_FULL: REFUSED,
};

export function exitCodeFor(reason: Reason): number {
  // The doctor passes a code it read back from its own report: an unknown one is "unreachable", as before.
  return EXIT_CODES[reason.code] ?? UNREACHABLE;
}

/** One line a person can read: the words, then the detail. The token never appears (the core redacts URLs). */
export function reasonLine(reason: Reason): string {
  return reason.detail ? `${describeReason(reason.code)} (${reason.detail})` : describeReason(reason.code);
}

export function connectionReason(state: ConnectionState): Reason | undefined {
  return 'reason' in state ? state.reason : undefined;
}

/** The CLI's data dir: --data-dir, else $XDG_DATA_HOME/uos-chat, else ~/.local/share/uos-chat. */
export function defaultDataDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_DATA_HOME || path.join(env.HOME || os.homedir(), '.local', 'share');
  return path.join(base, 'uos-chat');
}

export function statusLine(status: Status): Record<string, unknown> {
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

/** A message as a JSON line; `room` names its conversation (always, with --room, --to or --all). */
export function messageLine(m: MessageEntry, room?: string): Record<string, unknown> {
  return {
    event: 'message',
    ...(room !== undefined ? { room } : {}),
    user: m.user,
    text: m.text,
    timestamp: m.timestamp,
    ...(m.seq !== undefined ? { seq: m.seq } : {}),
    ...(m.id !== undefined ? { id: m.id } : {}),
    ...(m.fromServer ? { fromServer: true } : {}),
    ...(m.replyTo !== undefined ? { reply_to: m.replyTo } : {}),
    ...(m.edited !== undefined ? { edited: true } : {}),
    ...(m.recalled ? { recalled: true } : {}),
    ...(m.attachments ? { attachments: m.attachments.map(({ id, name, size, type }) => ({ id, name, size, type })) } : {}),
  };
}

/** A message seen before, changed since: its `edited` or `recalled` event line (undefined: no such change). */
export function changeLine(m: MessageEntry, room?: string): Record<string, unknown> | undefined {
  if (!m.recalled && m.edited === undefined) return undefined;
  const about = {
    ...(room !== undefined ? { room } : {}),
    user: m.user,
    ...(m.seq !== undefined ? { seq: m.seq } : {}),
    ...(m.id !== undefined ? { id: m.id } : {}),
  };
  return m.recalled ? { event: 'recalled', ...about } : { event: 'edited', ...about, text: m.text };
}

interface Common {
  config: Partial<ClientConfig> & { url: string };
  timeoutMs: number;
  ca: CaBundle;
}

export function commonOptions(
  values: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  argv: string[],
  errLine: (line: string) => void,
): Common {
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
  // The CLI's proxy: --proxy, else UOS_CHAT_PROXY, else HTTPS_PROXY/HTTP_PROXY/ALL_PROXY/NO_PROXY, else direct (no desktop here).
  const proxySource = fromArgs.patch.proxy ? 'flag' : fromEnv.patch.proxy ? 'env' : 'settings';
  const config = settingsToClientConfig(settings, ca, { settingSource: proxySource });
  if (typeof values.room === 'string') {
    if (!values.room.trim()) throw new UsageError('--room needs a conversation id');
    config.url = roomUrl(config.url, values.room);
  }
  return {
    config,
    timeoutMs: timeout * 1000,
    ca,
  };
}

/** `--server` → `server`: the settings flags as parseArgs names them. */
const settingsOptions = Object.fromEntries(CLI_FIELDS.map((field) => [FIELD_SPECS[field].flag.slice(2), { type: 'string' } as const]));

export const optionSpec = {
  ...settingsOptions,
  'data-dir': { type: 'string' },
  timeout: { type: 'string' },
  count: { type: 'string' },
  search: { type: 'string' },
  limit: { type: 'string' },
  json: { type: 'boolean' },
  stdin: { type: 'boolean' },
  // Conversations: which one (a room id, or the user of a DM), all of them, and create-room's options.
  room: { type: 'string' },
  to: { type: 'string' },
  all: { type: 'boolean' },
  private: { type: 'boolean' },
  members: { type: 'string' },
  // Replies: the message answered, by seq or id.
  'reply-to': { type: 'string' },
  // Files: what send attaches, and where download writes.
  file: { type: 'string', multiple: true },
  out: { type: 'string' },
} as const;

/** D-Bus network/power/sleep drive the CLI's core too; never fatal without a bus. */
export async function followMachine(target: MachineTarget): Promise<MachineMonitor> {
  const machine = new MachineMonitor({ target, busRetry: false, connectTimeoutMs: 2000 });
  await machine.start();
  return machine;
}
