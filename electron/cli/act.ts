/**
 * `uos-chat edit REF TEXT` and `uos-chat recall REF`: an edit or recall (撤回) of one of the user's
 * own messages, named by its seq or its id (what `send` prints), in the room of --room / --to. Like
 * `send`, it waits in the outbox until the server acks it; a refusal (not the author, too late, no
 * such message, a server without the feature) exits 2 with words.
 */
import { parseArgs } from 'node:util';
import { Features } from '../../protocol/features';
import type { ClientActionFields } from '../../protocol/message-actions';
import { refusalReason } from '../../protocol/wire-errors';
import { reason, type Reason } from '../common/errors';
import { ChatClient } from '../core/connection';
import { AccountDirectory } from '../core/store';
import { commonOptions, connectionReason, defaultDataDir, exitCodeFor, optionSpec, reasonLine, UsageError, type CliIo } from './common';
import { withDm } from './conversation-verbs';
import { namedSeq } from './send';

type Verb = 'edit' | 'recall';

function actOptions(verb: Verb, argv: string[]) {
  const { values, positionals } = parseArgs({ args: argv, options: optionSpec, allowPositionals: true });
  const [ref, ...words] = positionals;
  if (!ref) throw new UsageError(`${verb} needs the message: its seq, or its id as "send" printed it`);
  const text = words.join(' ');
  if (verb === 'edit' && !text.trim()) throw new UsageError('edit needs the new text');
  if (verb === 'recall' && text) throw new UsageError('recall takes no text');
  return { values, ref, text };
}

export async function act(verb: Verb, argv: string[], io: CliIo): Promise<number> {
  const { values, ref, text } = actOptions(verb, argv);
  const common = commonOptions(values, io.env, argv, io.err);
  const config = await withDm(common.config, values.to, common.timeoutMs, io);
  if (typeof config === 'number') return config;
  const accounts = new AccountDirectory({ base: values['data-dir'] ?? defaultDataDir(io.env) });
  const client = new ChatClient({ config: { ...config, firstContactHistory: 0 }, accounts });
  client.on('frame', (f) => io.out(JSON.stringify(f)));
  try {
    await client.start();
    const seq = namedSeq(client, ref);
    if (typeof seq === 'string') return fail(io, reason('NO_SUCH_MESSAGE', seq));
    const action: ClientActionFields = verb === 'edit' ? { edit_of: seq } : { recall_of: seq };
    const queued = await client.send(text, action);
    if (!queued.ok) return fail(io, queued.reason);
    const why = await outcome(client, queued.actionId!, verb, common.timeoutMs);
    return why ? fail(io, why, client.pendingCount() > 0 ? '; it waits in the outbox and is sent next time' : '') : 0;
  } finally {
    await client.stop();
  }
}

function fail(io: CliIo, why: Reason, more = ''): number {
  io.err(`uos-chat: ${reasonLine(why)}${more}`);
  return exitCodeFor(why);
}

/** Undefined once the server acked the action; else why not (its refusal, a server without the feature, the time). */
function outcome(client: ChatClient, id: string, verb: Verb, timeoutMs: number): Promise<Reason | undefined> {
  return new Promise((resolve) => {
    const offs: Array<() => void> = [];
    const done = (why: Reason | undefined) => {
      clearTimeout(timer);
      offs.forEach((off) => off());
      resolve(why);
    };
    const timer = setTimeout(() => {
      const lost = connectionReason(client.status().connection);
      done(reason('TIMEOUT', `not acked within ${timeoutMs / 1000} s${lost ? `: ${reasonLine(lost)}` : ''}`));
    }, timeoutMs);
    offs.push(
      client.on('frame', (f) => {
        if (f.type === 'ack' && f.id === id) done(undefined);
        else if (f.type === 'error' && f.id === id) done(reason(refusalReason(f.code, f.message), f.message));
      }),
      client.on('status', (s) => {
        const c = s.connection;
        if (c.kind === 'auth-failed') done(c.reason);
        const feature = verb === 'edit' ? Features.edit : Features.recall;
        if (c.kind === 'connected' && !c.features.includes(feature)) done(reason('ACTION_UNSUPPORTED', `no "${feature}" announced`));
      }),
    );
  });
}
