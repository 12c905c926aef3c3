/**
 * `uos-chat send`: queue one message (or one per line of standard input) in the
 * CLI's outbox, and exit once each is delivered, refused, or the time is up.
 * Nothing is lost: what is not delivered stays in the outbox for the next run.
 */
import * as path from 'node:path';
import { AccountDirectory } from '../core/store';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { LogEntry, MessageEntry } from '../common/contract';
import type { Reason } from '../common/errors';
import type { ConnectionState } from '../common/state';
import { Features } from '../../protocol/features';
import { ChatClient } from '../core/connection';
import type { MachineMonitor } from '../core/desktop';
import {
  commonOptions,
  connectionReason,
  defaultDataDir,
  exitCodeFor,
  followMachine,
  optionSpec,
  reasonLine,
  UsageError,
  type CliIo,
} from './common';
import { withDm } from './conversation-verbs';
import { uploadAll } from './files';
import type { ClientActionFields } from '../../protocol/message-actions';

/**
 * The seq of the message `ref` names: a seq as it is, an id (what `send` prints) from the history in the
 * data dir. A string: why there is none.
 */
export function namedSeq(client: ChatClient, ref: string): number | string {
  if (/^\d{1,15}$/.test(ref) && Number(ref) > 0) return Number(ref);
  const seq = client.messageNamed(ref)?.seq;
  return seq ?? `no message "${ref}" in the history of this data dir: give its seq (the ack line of "send" has it)`;
}

/** How the run ends: an exit code and, for a failure, one line of words. */
interface Verdict {
  code: number;
  line?: string;
}

/** This run's messages: delivered, refused or pending, and whether the server replied (servers without acks). */
class DeliveryTally {
  /** Delivery of the messages this run queued, by id. */
  readonly ours = new Map<string, MessageEntry['delivery']>();
  readonly failures: Reason[] = [];
  private replied = false;
  sentAt = 0;

  onEntries(entries: readonly LogEntry[]): void {
    for (const e of entries) {
      if (e.kind !== 'message') continue;
      if (!e.own) {
        if (Date.parse(e.timestamp) >= this.sentAt - 1000) this.replied = true;
        continue;
      }
      if (!this.ours.has(e.key)) continue;
      this.ours.set(e.key, e.delivery);
      if (e.delivery === 'failed') this.failures.push(e.failure ?? { code: 'REJECTED' });
    }
  }

  /** The verdict once the run is over; undefined while it goes on. */
  verdict(state: ConnectionState, inputDone: boolean, pending: number): Verdict | undefined {
    if (state.kind === 'auth-failed') return { code: exitCodeFor(state.reason), line: `uos-chat: ${reasonLine(state.reason)}` };
    // A TLS failure waits minutes before the next try: a script is better told now.
    if (state.kind === 'reconnecting' && state.reason.code.startsWith('TLS_'))
      return { code: 4, line: `uos-chat: ${reasonLine(state.reason)}` };
    // So does a proxy that is down or refuses: say so now, naming the proxy (its detail carries no credentials).
    if (state.kind === 'reconnecting' && state.reason.code.startsWith('PROXY_'))
      return { code: exitCodeFor(state.reason), line: `uos-chat: ${reasonLine(state.reason)}` };
    if (!inputDone || pending > 0 || [...this.ours.values()].includes('pending')) return undefined;
    const failure = this.failures[0];
    if (failure)
      return { code: exitCodeFor(failure), line: `uos-chat: ${this.failures.length} message(s) not delivered: ${reasonLine(failure)}` };
    const acked = state.kind === 'connected' && state.features.includes(Features.ack);
    // Servers without acks (the design notes' service): wait for their reply to be observed.
    return acked || this.replied || this.ours.size === 0 ? { code: 0 } : undefined;
  }
}

function sendOptions(argv: string[], io: CliIo) {
  const { values, positionals } = parseArgs({ args: argv, options: optionSpec, allowPositionals: true });
  const text = positionals.join(' ');
  const fromStdin = values.stdin === true;
  const files = values.file ?? [];
  if (fromStdin && text) throw new UsageError('give the message text or --stdin, not both');
  if (fromStdin && files.length > 0) throw new UsageError('--file sends one message: give its text (or none), not --stdin');
  if (!fromStdin && !text && files.length === 0)
    throw new UsageError('send needs the message text, --file PATH, or --stdin (one message per line)');
  if (fromStdin && !io.stdin) throw new UsageError('--stdin: no standard input');
  const { config, timeoutMs } = commonOptions(values, io.env, argv, io.err);
  const dataDir = values['data-dir'] ?? defaultDataDir(io.env);
  // One outbox per account (server, who we are there, room); the single file of older versions moves into the first one used.
  const accounts = new AccountDirectory({ base: dataDir, legacyOutbox: path.join(dataDir, 'cli-outbox.jsonl') });
  const replyTo = values['reply-to'];
  if (replyTo !== undefined && fromStdin) throw new UsageError('--reply-to answers one message: give its text, not --stdin');
  return { text, fromStdin, config, timeoutMs, accounts, to: values.to, replyTo, files, dataDir };
}

/** Queues the text, or each line of standard input, reporting each line queued (or refused) with --stdin. */
async function queueInput(
  client: ChatClient,
  tally: DeliveryTally,
  text: string,
  io: CliIo,
  action?: ClientActionFields,
  attachments?: string[],
): Promise<void> {
  const fromStdin = !text && !attachments;
  const queue = (line: string): Promise<void> =>
    client.send(line, action, attachments).then((r) => {
      if (!r.ok) {
        tally.failures.push(r.reason);
        if (fromStdin) io.err(`uos-chat: not queued: ${reasonLine(r.reason)}`);
        return;
      }
      tally.ours.set(r.entry.key, 'pending');
      if (fromStdin) io.out(JSON.stringify({ event: 'queued', id: r.entry.key, text: line }));
    });
  if (!fromStdin) return queue(text);
  // Not awaited one by one: sends made together share one fsync, and keep their order.
  const pending: Promise<void>[] = [];
  for await (const line of createInterface({ input: io.stdin! })) if (line.trim()) pending.push(queue(line));
  await Promise.all(pending);
}

export async function send(argv: string[], io: CliIo): Promise<number> {
  const { text, config: configured, timeoutMs, accounts, to, replyTo, files, dataDir } = sendOptions(argv, io);
  // `--to USER`: the DM with that user, as if named with --room.
  const config = await withDm(configured, to, timeoutMs, io);
  if (typeof config === 'number') return config;
  const client = new ChatClient({ config: { ...config, firstContactHistory: 0 }, accounts });
  const outboxFile = path.join(accounts.resolve(config).dir, 'outbox.jsonl');
  client.on('frame', (f) => io.out(JSON.stringify(f)));
  client.on('problem', (p) => io.err(`uos-chat: warning: ${reasonLine(p)}`));
  const tally = new DeliveryTally();
  let inputDone = false;
  let machine: MachineMonitor | undefined;

  return new Promise<number>((resolve) => {
    let finished = false;
    const finish = ({ code, line }: Verdict) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      // Nothing is lost: say where the undelivered messages wait.
      const queued =
        code !== 0 && client.pendingCount() > 0 ? `; ${client.pendingCount()} message(s) kept in ${outboxFile} and sent next time` : '';
      if (line) io.err(line + queued);
      void Promise.allSettled([client.stop(), machine?.stop()]).then(() => resolve(code));
    };
    const timer = setTimeout(() => {
      const why = connectionReason(client.status().connection);
      finish({ code: 5, line: `uos-chat: not delivered within ${timeoutMs / 1000} s: ${why ? reasonLine(why) : 'timed out'}` });
    }, timeoutMs);
    const check = () => {
      const verdict = tally.verdict(client.status().connection, inputDone, client.pendingCount());
      if (verdict) finish(verdict);
    };
    client.on('entries', (entries) => {
      tally.onEntries(entries);
      check();
    });
    client.on('status', check);
    client.on('outbox', check);
    void followMachine(client).then(async (m) => {
      machine = m;
      await client.start();
      tally.sentAt = Date.now();
      const answered = replyTo === undefined ? undefined : namedSeq(client, replyTo);
      if (typeof answered === 'string') return finish({ code: 2, line: `uos-chat: ${answered}` });
      const attachments = files.length > 0 ? await uploadAll(client, config, files, dataDir, timeoutMs, io) : undefined;
      if (attachments && !Array.isArray(attachments))
        return finish({ code: exitCodeFor(attachments), line: `uos-chat: ${reasonLine(attachments)}` });
      if (attachments && answered !== undefined)
        return finish({ code: 1, line: 'uos-chat: --reply-to and --file: send them as two messages' });
      await queueInput(client, tally, text, io, answered === undefined ? undefined : { reply_to: answered }, attachments);
      inputDone = true;
      check();
    });
  });
}
