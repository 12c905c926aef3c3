/**
 * `uos-chat history`: the messages kept for an account (the one --server and the token
 * name, in --data-dir), as JSON lines, oldest first; with --search TEXT only those that
 * contain it (Chinese or Latin substrings), newest first. Reads the store; connects nowhere.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { MessageEntry } from '../common/contract';
import { AccountDirectory, openHistory } from '../core/store';
import { roomOf } from '../core/conversations';
import { withDm } from './conversation-verbs';
import { commonOptions, defaultDataDir, messageLine, optionSpec, reasonLine, UsageError, type CliIo } from './common';

export async function history(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: argv, options: optionSpec, allowPositionals: false });
  const common = commonOptions(values, io.env, argv, io.err);
  // `--to USER` asks the server which conversation is the DM with that user; the rest reads the store only.
  const config = await withDm(common.config, values.to, common.timeoutMs, io);
  if (typeof config === 'number') return config;
  const room = values.room !== undefined || values.to !== undefined ? roomOf(config.url) : undefined;
  const limit = values.limit === undefined ? 100 : Number(values.limit);
  if (!Number.isSafeInteger(limit) || limit <= 0) throw new UsageError('--limit must be a positive whole number');
  const accounts = new AccountDirectory({ base: values['data-dir'] ?? defaultDataDir(io.env) });
  const { store, problem } = openHistory(path.join(accounts.filesOf(accounts.resolve(config)), 'history.sqlite'));
  try {
    if (problem) io.err(`uos-chat: warning: ${reasonLine(problem)}`);
    const messages: MessageEntry[] =
      values.search !== undefined
        ? store.search(values.search, limit)
        : store.newest(limit).entries.filter((e): e is MessageEntry => e.kind === 'message');
    for (const m of messages) io.out(JSON.stringify({ ...messageLine(m, room), own: m.own, delivery: m.delivery }));
    return 0;
  } finally {
    store.close();
  }
}
