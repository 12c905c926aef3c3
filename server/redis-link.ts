/**
 * Connections to Redis for `--redis URL` (redis:// or rediss://, with a password in the URL).
 *
 * Library: ioredis rather than node-redis (`redis`). Both are maintained; ioredis is one
 * package with its TypeScript types built in (node-redis pulls in a family of @redis/*
 * packages), and it gives exactly the failure behaviour this server needs as plain
 * options: no offline queue and no retries per command, so while Redis is down a command
 * fails at once (the sender gets `server_error` and keeps the message) instead of waiting
 * in a client-side queue and being acked minutes later, while the connection itself keeps
 * reconnecting in the background. Lua scripts and blocking XREAD on a dedicated
 * connection need nothing more than `call`.
 */
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';

/** What a connection is for: `commands` (appends, reads, counters) or `reader` (blocking XREAD only). */
export type RedisRole = 'commands' | 'reader';

/** Makes one connection; injected so tests can point a store at any Redis. */
export type RedisConnect = (role: RedisRole) => Redis;

/** A connection factory for a URL, logging each connection's ups and downs once per change (never the password). */
export function redisConnector(url: string, log: (line: string) => void): RedisConnect {
  return (role) => {
    const redis = new Redis(url, {
      // RESP2: ioredis 6 speaks RESP3 by default, where XREAD answers a map (flattened to
      // [key, entries, key, entries]); RESP2's list of [key, entries] pairs is what we parse.
      protocol: 2,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      connectTimeout: 2_000,
      // Reconnect for ever, quickly: a node outlives a Redis restart with its sockets open.
      retryStrategy: (attempt) => Math.min(50 * attempt, 500),
      // A hung (not dead) Redis must not hold a sender's frames for ever; the reader blocks on purpose.
      ...(role === 'commands' ? { commandTimeout: 5_000 } : {}),
      connectionName: `uos-chat-${role}`,
    });
    // The last state logged: each change once, not every retry (a wrong password, Redis down).
    let logged: string | undefined;
    redis.on('ready', () => {
      if (logged !== 'ready') log(`redis (${role}): connected to ${redactUrl(url)}`);
      logged = 'ready';
    });
    redis.on('error', (err: Error) => {
      if (logged !== err.message) log(`redis (${role}): ${err.message}; retrying`);
      logged = err.message;
    });
    return redis;
  };
}

/** The URL as it may be logged: never the password. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'redis (unparsable URL)';
  }
}

/** A Lua script run by its SHA1, loaded on the first NOSCRIPT (after a Redis restart, too). */
export class LuaScript {
  private readonly sha: string;

  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: Redis, keys: string[], args: Array<string | number>): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!String((err as Error).message).startsWith('NOSCRIPT')) throw err;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}

/** Where one room lives in Redis. The braces are a hash tag: a room's keys stay in one slot should Redis be clustered. */
export function roomKeys(room: string): { seq: string; log: string; ids: string; idOrder: string; epoch: string; revs: string } {
  const base = `uos-chat:room:{${encodeURIComponent(room)}}`;
  return {
    seq: `${base}:seq`,
    log: `${base}:log`,
    ids: `${base}:ids`,
    idOrder: `${base}:id-order`,
    epoch: `${base}:epoch`,
    // Messages an edit or recall rewrote (a sorted set by seq): a stream entry cannot change, so it goes, and this holds it.
    revs: `${base}:revs`,
  };
}

export type RoomKeys = ReturnType<typeof roomKeys>;
