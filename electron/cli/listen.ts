/**
 * `uos-chat listen`: print status, machine and message lines as JSON until
 * --count messages arrived or --timeout passed. With --data-dir the account's history
 * is kept there: the next run resumes from its last seq and prints only what is new.
 */
import { parseArgs } from 'node:util';
import { describeReason } from '../common/words';
import { AccountDirectory, MemoryOutboxStore } from '../core/store';
import { ChatClient } from '../core/connection';
import type { MachineMonitor } from '../core/desktop';
import {
  commonOptions,
  exitCodeFor,
  followMachine,
  messageLine,
  optionSpec,
  reasonLine,
  statusLine,
  UsageError,
  type CliIo,
} from './common';

export async function listen(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: argv, options: optionSpec, allowPositionals: false });
  const { config } = commonOptions({ ...values, timeout: values.timeout ?? '1' }, io.env, argv, io.err);
  let count = Infinity;
  if (values.count !== undefined) {
    count = Number(values.count);
    if (!Number.isSafeInteger(count) || count <= 0) throw new UsageError('--count must be a positive whole number');
  }
  const timeoutMs = values.timeout === undefined ? undefined : Number(values.timeout) * 1000;
  const dataDir = values['data-dir'];
  // The history only records: a first run prints what arrives from now on, not the room's past.
  const stores = dataDir ? { accounts: new AccountDirectory({ base: dataDir }) } : { outboxStore: new MemoryOutboxStore() };
  const client = new ChatClient({ config: { ...config, firstContactHistory: 0 }, ...stores });
  let machine: MachineMonitor | undefined;
  return new Promise<number>((resolve) => {
    let seen = 0;
    let timer: NodeJS.Timeout | undefined;
    const finish = (code: number, line?: string) => {
      if (timer) clearTimeout(timer);
      if (line) io.err(line);
      void Promise.allSettled([client.stop(), machine?.stop()]).then(() => resolve(code));
    };
    if (timeoutMs !== undefined)
      timer = setTimeout(() => finish(5, `uos-chat: timed out after ${timeoutMs / 1000} s with ${seen} message(s)`), timeoutMs);
    client.on('status', (s) => {
      io.out(JSON.stringify(statusLine(s)));
      if (s.connection.kind === 'auth-failed') finish(exitCodeFor(s.connection.reason), `uos-chat: ${reasonLine(s.connection.reason)}`);
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
    client.on('problem', (p) =>
      io.out(JSON.stringify({ event: 'problem', reason: p.code, words: describeReason(p.code), detail: p.detail })),
    );
    // Network and power-save changes arrive as status lines too (the monitor drives the client).
    void followMachine(client).then((m) => {
      machine = m;
      const snap = m.snapshot();
      io.out(
        JSON.stringify({
          event: 'machine',
          sources: snap.sources,
          network: snap.network,
          powerSave: snap.powerSave,
          problems: snap.problems,
        }),
      );
      return client.start();
    });
  });
}
