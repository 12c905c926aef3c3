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
import { RedisStreamReader, storedFrom, whenReady } from './redis-stream-reader';
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
  log: (line: string) => void;
}

/**
 * KEYS: seq, log, ids, id-order, epoch. ARGV: dedup key ('' for a message without id),
 * the message JSON (no seq), the origin connection, history limit, dedup limit, and an
 * epoch for a room that has none yet (its numbering's identity, see the stream reader).
 * Returns {1, seq} for a new message, {0, seq} for a duplicate.
 */
const APPEND = new LuaScript(`
if ARGV[1] ~= '' then
  local seen = redis.call('HGET', KEYS[3], ARGV[1])
  if seen then return {0, tonumber(seen)} end
end
local epoch = redis.call('GET', KEYS[5])
if not epoch then
  epoch = ARGV[6]
  redis.call('SET', KEYS[5], epoch)
end
local seq = redis.call('INCR', KEYS[1])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], seq .. '-0', 'm', ARGV[2], 'o', ARGV[3], 'e', epoch)
if ARGV[1] ~= '' then
  redis.call('HSET', KEYS[3], ARGV[1], seq)
  if redis.call('LPUSH', KEYS[4], ARGV[1]) > tonumber(ARGV[5]) then
    redis.call('HDEL', KEYS[3], redis.call('RPOP', KEYS[4]))
  end
end
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
    const dedupKey = msg.id === undefined ? '' : `${msg.user}\0${msg.id}`;
    const args = [dedupKey, JSON.stringify(msg), origin ?? '', this.options.historyLimit, this.options.dedupLimit, randomUUID()];
    const k = this.keys;
    const [isNew, seq] = (await APPEND.run(this.redis, [k.seq, k.log, k.ids, k.idOrder, k.epoch], args)) as [number, number];
    return isNew === 1 ? { stored: { ...msg, seq } } : { duplicateOf: seq };
  }

  /** Messages after `since`, with the same gap rule as the memory store. */
  async since(since: number): Promise<Replay> {
    const results = await this.redis
      .multi()
      .get(this.keys.seq)
      .xrange(this.keys.log, '-', '+', 'COUNT', 1)
      .xrange(this.keys.log, `${since + 1}-0`, '+')
      .exec();
    if (!results) throw new Error('redis: transaction aborted');
    for (const [err] of results) if (err) throw err;
    const lastSeq = Number(results[0]![1] ?? 0);
    const first = results[1]![1] as Array<[string, string[]]>;
    const oldest = first.length > 0 ? Number.parseInt(first[0]![0], 10) : lastSeq + 1;
    // A seq never issued here: the client saw a previous life of this room (Redis restarted empty). Everything, and say so.
    if (since > lastSeq) return { messages: messagesOf(await this.redis.xrange(this.keys.log, '-', '+')), gap: true };
    const gap = since + 1 < oldest && since < lastSeq;
    return { messages: messagesOf(results[2]![1] as Array<[string, string[]]>), gap };
  }

  watch(listener: RoomListener): RoomWatch {
    return this.reader.watch(this.keys, listener);
  }

  /** Kept messages below `before`, the newest `limit` of them, oldest first: XREVRANGE from just below `<before>-0`. */
  async page(before: number, limit: number): Promise<HistoryPage> {
    if (before <= 1) return { messages: [], hasOlder: false };
    const end = before > Number.MAX_SAFE_INTEGER - 1 ? '+' : `(${before}-0`;
    const newestFirst = (await this.redis.xrevrange(this.keys.log, end, '-', 'COUNT', limit + 1)) as Array<[string, string[]]>;
    return { messages: messagesOf(newestFirst.slice(0, limit).reverse()), hasOlder: newestFirst.length > limit };
  }
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
