/**
 * The second room store (`--redis URL`): rooms in Redis, shared by every server process
 * pointed at it, so several nodes behind a balancer serve one set of rooms.
 *
 * Per room: one seq counter (INCR: each accepted message gets its seq from Redis, so
 * `since` means the same on every node), the history as a stream (XADD with id
 * `<seq>-0`, trimmed with MAXLEN ~ history), and the dedup ids (a hash of
 * `user\0id` → seq, bounded in insertion order by a list). Dedup, seq and store are one
 * Lua script, atomic in Redis: a resend through another node after its first node died
 * between storing and acking gets the same seq, and the message is in the stream once.
 * Fan-out comes from the stream (redis-stream-reader.ts), for this node's messages too.
 *
 * While Redis is unreachable every call fails at once (see redis-link.ts): the sender
 * gets `server_error` and keeps the message; the connection stays open.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LuaScript, roomKeys, type RedisConnect, type RoomKeys } from './redis-link';
import { DEDUP_LUA, keptMessage, mergedBySeq, revise, rewrittenOf, STORE_NEW_LUA } from './redis-revisions';
import { RedisStreamReader, storedFrom, whenReady } from './redis-stream-reader';
import { refusalOf, targetOf } from './revisions';
import type {
  Appended,
  HistoryPage,
  NewMessage,
  Replay,
  RoomHandle,
  RoomListener,
  RoomStore,
  RoomWatch,
  StoredMessage,
} from './room-store';

export interface RedisRoomOptions {
  connect: RedisConnect;
  historyLimit: number;
  dedupLimit: number;
  recallWindowMs: number;
  log: (line: string) => void;
}

/** Reads and checks again this often when an edit or recall keeps finding its message changed. */
const REVISE_ATTEMPTS = 20;

/**
 * KEYS: seq, log, ids, id-order, epoch. ARGV: dedup key ('' for a message without id),
 * the message JSON (no seq), the origin connection, history limit, dedup limit, and an
 * epoch for a room that has none yet (its numbering's identity, see the stream reader).
 * Returns {1, seq} for a new message, {0, seq} for a duplicate.
 */
const APPEND = new LuaScript(`
${DEDUP_LUA}
${STORE_NEW_LUA}
return {1, seq}
`);

export class RedisRoomStore implements RoomStore {
  private readonly rooms = new Map<string, RedisRoom>();
  private readonly commands: Redis;
  private readonly reader: RedisStreamReader;

  constructor(private readonly options: RedisRoomOptions) {
    this.commands = options.connect('commands');
    this.reader = new RedisStreamReader(this.commands, options.connect('reader'), options.log);
  }

  /** Waits (up to `ms`) for the first connection, so a node started beside Redis serves its first client at once. */
  async connected(ms: number): Promise<void> {
    await whenReady(this.commands, ms);
    if (this.commands.status !== 'ready') this.options.log('redis: not reachable yet; clients get 1011 until it is');
  }

  room(name: string): RedisRoom {
    let room = this.rooms.get(name);
    if (!room) this.rooms.set(name, (room = new RedisRoom(name, roomKeys(name), this.commands, this.reader, this.options)));
    return room;
  }

  async close(): Promise<void> {
    await this.reader.close();
    this.commands.disconnect();
  }
}

export class RedisRoom implements RoomHandle {
  constructor(
    readonly name: string,
    private readonly keys: RoomKeys,
    private readonly redis: Redis,
    private readonly reader: RedisStreamReader,
    private readonly options: RedisRoomOptions,
  ) {}

  async seq(): Promise<number> {
    return Number((await this.redis.get(this.keys.seq)) ?? 0);
  }

  async append(msg: NewMessage, origin?: string): Promise<Appended> {
    const ref = targetOf(msg);
    return ref === undefined ? this.appendNew(msg, origin) : this.appendAction(msg, ref, origin);
  }

  private async appendNew(msg: NewMessage, origin?: string): Promise<Appended> {
    const k = this.keys;
    const [isNew, seq] = (await APPEND.run(this.redis, [k.seq, k.log, k.ids, k.idOrder, k.epoch], this.appendArgs(msg, origin))) as [
      number,
      number,
    ];
    return isNew === 1 ? { stored: { ...msg, seq } } : { duplicateOf: seq };
  }

  private appendArgs(msg: NewMessage, origin: string | undefined): Array<string | number> {
    return [dedupKeyOf(msg), JSON.stringify(msg), origin ?? '', this.options.historyLimit, this.options.dedupLimit, randomUUID()];
  }

  /** A reply, edit or recall: checked against the message it names as Redis keeps it now (server/revisions.ts). */
  private async appendAction(msg: NewMessage, ref: number, origin?: string): Promise<Appended> {
    const dedupKey = dedupKeyOf(msg);
    for (let attempt = 0; attempt < REVISE_ATTEMPTS; attempt++) {
      // A resent recall finds its message recalled: dedup first, so it is acked again, not refused.
      const seen = dedupKey === '' ? null : await this.redis.hget(this.keys.ids, dedupKey);
      if (seen !== null) return { duplicateOf: Number(seen) };
      const target = await keptMessage(this.redis, this.keys, ref);
      const refused = refusalOf(msg, target?.message, this.options.recallWindowMs);
      if (refused) return { refused };
      if (msg.reply_to !== undefined || !target) return this.appendNew(msg, origin);
      const edited = target.message.edited;
      const previousEdit = edited === undefined ? undefined : await keptMessage(this.redis, this.keys, edited);
      const { historyLimit, dedupLimit } = this.options;
      const args = { dedupKey, message: msg, origin: origin ?? '', historyLimit, dedupLimit, epoch: randomUUID() };
      const revised = await revise(this.redis, this.keys, args, target, previousEdit);
      if (revised === 'changed') continue;
      return revised.isNew ? { stored: { ...msg, seq: revised.seq } } : { duplicateOf: revised.seq };
    }
    throw new Error(`redis: message ${ref} kept changing while an edit or recall of it was stored`);
  }

  /** Messages after `since`, with the same gap rule as the memory store; rewritten ones merged in. */
  async since(since: number): Promise<Replay> {
    const k = this.keys;
    const results = await this.redis
      .multi()
      .get(k.seq)
      .xrange(k.log, '-', '+', 'COUNT', 1)
      .zrange(k.revs, '0', '0', 'WITHSCORES')
      .xrange(k.log, `${since + 1}-0`, '+')
      .zrangebyscore(k.revs, `(${since}`, '+inf', 'WITHSCORES')
      .exec();
    if (!results) throw new Error('redis: transaction aborted');
    for (const [err] of results) if (err) throw err;
    const lastSeq = Number(results[0]![1] ?? 0);
    const first = [...messagesOf(results[1]![1] as Array<[string, string[]]>), ...rewrittenOf(results[2]![1] as string[])];
    const oldest = first.length > 0 ? Math.min(...first.map((m) => m.seq)) : lastSeq + 1;
    // A seq never issued here: the client saw a previous life of this room (Redis restarted empty). Everything, and say so.
    if (since > lastSeq) {
      const [all, rewritten] = await Promise.all([this.redis.xrange(k.log, '-', '+'), this.redis.zrange(k.revs, '0', '-1', 'WITHSCORES')]);
      return { messages: mergedBySeq(messagesOf(all as Array<[string, string[]]>), rewrittenOf(rewritten)), gap: true };
    }
    const gap = since + 1 < oldest && since < lastSeq;
    const messages = mergedBySeq(messagesOf(results[3]![1] as Array<[string, string[]]>), rewrittenOf(results[4]![1] as string[]));
    return { messages, gap };
  }

  watch(listener: RoomListener): RoomWatch {
    return this.reader.watch(this.keys, listener);
  }

  /**
   * Kept messages below `before`, the newest `limit` of them, oldest first: XREVRANGE from just below
   * `<before>-0`, with the rewritten ones merged in.
   */
  async page(before: number, limit: number): Promise<HistoryPage> {
    if (before <= 1) return { messages: [], hasOlder: false };
    const end = before > Number.MAX_SAFE_INTEGER - 1 ? '+' : `(${before}-0`;
    const top = before > Number.MAX_SAFE_INTEGER - 1 ? '+inf' : `(${before}`;
    const [newestFirst, rewritten] = await Promise.all([
      this.redis.xrevrange(this.keys.log, end, '-', 'COUNT', limit + 1) as Promise<Array<[string, string[]]>>,
      this.redis.zrevrangebyscore(this.keys.revs, top, '-inf', 'WITHSCORES', 'LIMIT', 0, limit + 1),
    ]);
    const merged = mergedBySeq(messagesOf(newestFirst.reverse()), rewrittenOf(rewritten).reverse());
    return { messages: merged.slice(-limit), hasOlder: merged.length > limit };
  }
}

/** The dedup ids' key of a message: its user and id ('' for a message without id). */
function dedupKeyOf(msg: NewMessage): string {
  return msg.id === undefined ? '' : `${msg.user}\0${msg.id}`;
}

function messagesOf(entries: Array<[string, string[]]>): StoredMessage[] {
  const out: StoredMessage[] = [];
  for (const [id, fields] of entries) {
    const at = fields.indexOf('m');
    const m = at >= 0 && at % 2 === 0 ? storedFrom(Number.parseInt(id, 10), fields[at + 1]) : undefined;
    if (m) out.push(m);
  }
  return out;
}
