/**
 * Connections per token counted across every node (`--redis`). Per token a sorted set
 * in Redis: one member per open connection (`<node>/<n>`), scored with the time it
 * expires. Each node refreshes its own members every third of the lifetime; a node
 * that dies (SIGKILL, power) stops refreshing, and its members expire, so its count
 * does not stick. Time is Redis's own (TIME inside the scripts): the nodes' clocks
 * need not agree. Tokens are hashed in key names, never stored.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ConnectionCounter, ConnectionLease } from './connection-counter';
import { LuaScript, type RedisConnect } from './redis-link';
import { whenReady } from './redis-stream-reader';

export interface RedisCounterOptions {
  connect: RedisConnect;
  /** Names this node's members; unique per process. */
  nodeId: string;
  /** How long a member counts without being refreshed. */
  leaseMs: number;
  log: (line: string) => void;
}

/** KEYS: the token's set. ARGV: member, max, lease ms. 1: admitted, 0: at the limit. */
const ACQUIRE = new LuaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`);

/** KEYS: the token's set. ARGV: member, lease ms. */
const REFRESH = new LuaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`);

export class RedisConnectionCounter implements ConnectionCounter {
  private readonly redis: Redis;
  /** This node's open connections: member → the token's key. */
  private readonly live = new Map<string, string>();
  private next = 0;
  private readonly refresher: NodeJS.Timeout;

  constructor(private readonly options: RedisCounterOptions) {
    this.redis = options.connect('commands');
    this.refresher = setInterval(() => void this.refresh(), Math.max(1, Math.floor(options.leaseMs / 3)));
    this.refresher.unref();
  }

  /** Waits (up to `ms`) for the first connection. */
  async connected(ms: number): Promise<void> {
    await whenReady(this.redis, ms);
  }

  async acquire(token: string, max: number): Promise<ConnectionLease | undefined> {
    const key = `uos-chat:conns:${createHash('sha256').update(token).digest('hex').slice(0, 32)}`;
    const member = `${this.options.nodeId}/${++this.next}`;
    const admitted = await ACQUIRE.run(this.redis, [key], [member, max, this.options.leaseMs]);
    if (admitted !== 1) return undefined;
    this.live.set(member, key);
    return {
      release: () => {
        if (!this.live.delete(member)) return;
        // Unreachable now: the member expires on its own.
        this.redis.zrem(key, member).catch(() => undefined);
      },
    };
  }

  close(): void {
    clearInterval(this.refresher);
    this.redis.disconnect();
  }

  private async refresh(): Promise<void> {
    try {
      await Promise.all([...this.live].map(([member, key]) => REFRESH.run(this.redis, [key], [member, this.options.leaseMs])));
    } catch (err) {
      this.options.log(`redis: refreshing connection counts failed (${(err as Error).message})`);
    }
  }
}
