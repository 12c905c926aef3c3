/**
 * The CLI's conversation verbs (feature `conversations`): `rooms`, `join`, `leave`,
 * `create-room`, `invite`, `read`, and finding the DM that `--to USER` names. Each opens
 * the one shared connection, asks, prints the answer as JSON lines and exits; a refusal
 * (not a member) exits 2 with "forbidden" in its words.
 */
import { parseArgs } from 'node:util';
import type { ConversationEvent, ConversationInfo } from '../../protocol';
import { Features } from '../../protocol/features';
import { reason, type Reason } from '../common/errors';
import type { ClientConfig } from '../core/connection';
import { ConversationLink, roomUrl } from '../core/conversations';
import { commonOptions, exitCodeFor, optionSpec, reasonLine, UsageError, type CliIo } from './common';

type LinkConfig = Partial<ClientConfig> & { url: string };

/** Thrown inside a verb: the words and exit code the run ends with. */
class Refused extends Error {
  constructor(readonly why: Reason) {
    super(reasonLine(why));
  }
}

const NO_CONVERSATIONS = reason('REJECTED', 'this server has no conversations (one room per connection): use --server with ?room=NAME');

/** Opens the shared connection, runs `verb` once the server greeted, closes; resolves with the exit code. */
export async function withLink(
  config: LinkConfig,
  timeoutMs: number,
  io: CliIo,
  verb: (link: ConversationLink) => Promise<void>,
): Promise<number> {
  const link = new ConversationLink({ config, requestTimeoutMs: timeoutMs });
  try {
    await greeted(link, timeoutMs);
    await verb(link);
    return 0;
  } catch (err) {
    const why = err instanceof Refused ? err.why : isReason(err) ? err : reason('REJECTED', (err as Error).message);
    io.err(`uos-chat: ${reasonLine(why)}`);
    return exitCodeFor(why);
  } finally {
    link.close();
  }
}

/**
 * `--to USER`: the config for the DM with that user (made if there is none yet), found over
 * the shared connection; without `--to` the config as it is. A number: the run failed with that exit code.
 */
export async function withDm(config: LinkConfig, to: unknown, timeoutMs: number, io: CliIo): Promise<LinkConfig | number> {
  if (to === undefined) return config;
  if (typeof to !== 'string' || !to.trim()) throw new UsageError('--to needs a user id');
  if (new URL(config.url).searchParams.has('room')) throw new UsageError('give --room or --to, not both');
  let dm = '';
  const code = await withLink(config, timeoutMs, io, async (link) => {
    dm = await dmWith(link, to);
  });
  return code !== 0 ? code : { ...config, url: roomUrl(config.url, dm) };
}

/** The DM with `user`, made if there is none yet. */
export async function dmWith(link: ConversationLink, user: string): Promise<string> {
  return (await link.request({ type: 'open_dm', user })).conversation.id;
}

function greeted(link: ConversationLink, timeoutMs: number): Promise<void> {
  return untilLink(link, `no greeting within ${timeoutMs / 1000} s`, timeoutMs, (done) => {
    const off = link.on('ready', ({ multi }) => done(multi ? undefined : new Refused(NO_CONVERSATIONS)));
    const refused = link.open();
    if (refused) done(refused);
    return off;
  });
}

/**
 * Waits on the link until `listen` calls `done` (with nothing: resolved; with a reason: rejected), the
 * connection ends (rejected with why), or `timeoutMs` passes (TIMEOUT, in `late`'s words).
 */
function untilLink(
  link: ConversationLink,
  late: string,
  timeoutMs: number,
  listen: (done: (failure?: unknown) => void) => () => void,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const offs: Array<() => void> = [];
    let over = false;
    const done = (failure?: unknown) => {
      if (over) return;
      over = true;
      clearTimeout(timer);
      offs.forEach((off) => off());
      if (failure === undefined) resolve();
      else reject(failure);
    };
    const timer = setTimeout(() => done(reason('TIMEOUT', late)), timeoutMs);
    offs.push(link.on('closed', (why) => done(why)));
    offs.push(listen(done));
    if (over) offs.forEach((off) => off());
  });
}

const isReason = (v: unknown): v is Reason =>
  typeof v === 'object' && v !== null && typeof (v as Reason).code === 'string' && !(v instanceof Error);

/** One conversation as `rooms` and the other verbs print it. */
export function conversationLine(c: ConversationInfo): Record<string, unknown> {
  return {
    id: c.id,
    name: c.name,
    kind: c.kind,
    members: c.members,
    unread: c.unread,
    mentions: c.mentions,
    ...(c.last ? { last: { user: c.last.user, text: c.last.message, seq: c.last.seq, timestamp: c.last.timestamp } } : {}),
  };
}

function humanLine(c: ConversationInfo): string {
  const badge = c.mentions > 0 ? ` @${c.mentions}` : '';
  const last = c.last ? `  ${c.last.user}: ${c.last.message.replace(/\s+/g, ' ').slice(0, 60)}` : '';
  return `${c.kind.padEnd(7)} ${c.name} (${c.id})  ${c.unread} unread${badge}${last}`;
}

/** The verbs by name; each takes its argv (after the verb) and resolves with the exit code. */
export const CONVERSATION_VERBS: Record<string, (argv: string[], io: CliIo) => Promise<number>> = {
  rooms: (argv, io) =>
    run(argv, io, 0, async (link, values) => {
      for (const c of link.list.all()) io.out(values.json ? JSON.stringify(conversationLine(c)) : humanLine(c));
    }),
  join: (argv, io) =>
    run(argv, io, 1, async (link, _v, [conv]) => printConversation(io, await link.request({ type: 'join', conv: conv! }))),
  leave: (argv, io) =>
    run(argv, io, 1, async (link, _v, [conv]) => {
      await link.request({ type: 'leave', conv: conv! });
      io.out(JSON.stringify({ event: 'left', id: conv }));
    }),
  invite: (argv, io) =>
    run(argv, io, 2, async (link, _v, [conv, user]) =>
      printConversation(io, await link.request({ type: 'invite', conv: conv!, user: user! })),
    ),
  'create-room': (argv, io) =>
    run(argv, io, 1, async (link, values, [name]) => {
      const members =
        typeof values.members === 'string'
          ? values.members
              .split(',')
              .map((m) => m.trim())
              .filter(Boolean)
          : [];
      const kind = values.private === true ? 'private' : 'room';
      printConversation(io, await link.request({ type: 'create', name: name!, kind, members }));
    }),
  read: (argv, io) => run(argv, io, 0, (link, values, _args, timeoutMs) => markRead(link, values, io, timeoutMs)),
  receipts: (argv, io) => run(argv, io, 1, (link, values, [seq]) => receipts(link, values, seq!, io)),
};

/**
 * `receipts SEQ --room ID` (or `--to USER`): who has read the message with that seq and who has not
 * (the other members; feature `receipts`). One JSON line: `{"event":"receipts","room","seq","read":[…],"unread":[…]}`.
 */
async function receipts(link: ConversationLink, values: Values, ref: string, io: CliIo): Promise<void> {
  if (!/^\d{1,15}$/.test(ref) || Number(ref) < 1)
    throw new UsageError('receipts needs the seq of a message (the ack line of "send" has it)');
  const conv = typeof values.to === 'string' ? await dmWith(link, values.to) : values.room;
  if (typeof conv !== 'string') throw new UsageError('receipts needs --room ID or --to USER');
  if (!link.features.includes(Features.receipts)) throw new Refused(reason('ACTION_UNSUPPORTED', 'this server keeps no read status'));
  const answer = await link.request({ type: 'receipts', conv });
  if (answer.off) throw new Refused(reason('REJECTED', 'read status is off for you: you see none, as you show none'));
  const seq = Number(ref);
  const others = (link.list.get(conv)?.members ?? []).filter((m) => m !== link.user);
  const read = others.filter((m) => (answer.read[m] ?? 0) >= seq);
  io.out(JSON.stringify({ event: 'receipts', room: conv, seq, read, unread: others.filter((m) => !read.includes(m)) }));
}

function printConversation(io: CliIo, answer: { conversation: ConversationInfo }): void {
  io.out(JSON.stringify({ event: 'conversation', ...conversationLine(answer.conversation) }));
}

type Values = ReturnType<typeof parse>['values'];

function parse(argv: string[]) {
  return parseArgs({ args: argv, options: optionSpec, allowPositionals: true });
}

async function run(
  argv: string[],
  io: CliIo,
  positionals: number,
  verb: (link: ConversationLink, values: Values, args: string[], timeoutMs: number) => Promise<void>,
): Promise<number> {
  const { values, positionals: args } = parse(argv);
  if (args.length !== positionals) throw new UsageError(`expected ${positionals} argument(s), got ${args.length}`);
  const { config, timeoutMs } = commonOptions(values, io.env, argv, io.err);
  return withLink(config, timeoutMs, io, (link) => verb(link, values, args, timeoutMs));
}

/** `read --room ID` (or `--to USER`): marks the conversation read to its newest message; done when the server confirms. */
async function markRead(link: ConversationLink, values: Values, io: CliIo, timeoutMs: number): Promise<void> {
  const conv = typeof values.to === 'string' ? await dmWith(link, values.to) : values.room;
  if (typeof conv !== 'string') throw new UsageError('read needs --room ID or --to USER');
  const c = link.list.get(conv);
  if (!c) throw new Refused(reason('FORBIDDEN', 'not a member of this conversation, or no such conversation'));
  if (c.read < c.seq) {
    const confirmed = nextEvent(link, (e) => e.type === 'read_marker' && e.conv === conv && e.seq >= c.seq, timeoutMs);
    link.markRead(conv, c.seq);
    await confirmed;
  }
  io.out(JSON.stringify({ event: 'read', room: conv, seq: Math.max(c.read, c.seq) }));
}

/** The first conversation event that satisfies `check`; rejects when the connection ends or time is up. */
function nextEvent(link: ConversationLink, check: (e: ConversationEvent) => boolean, timeoutMs: number): Promise<void> {
  return untilLink(link, `no confirmation within ${timeoutMs / 1000} s`, timeoutMs, (done) =>
    link.on('event', (e) => (check(e) ? done() : undefined)),
  );
}
