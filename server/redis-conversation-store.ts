/**
 * Conversations in Redis (`--redis`), beside RedisRoomStore, so every node sees the same
 * rooms, members, DMs and read markers. Per conversation a hash (name, kind, created) and a
 * members set; per user the set of their conversations and a hash of read markers; one key
 * per DM pair naming its id; one set of public rooms. Changes that touch several keys are
 * Lua scripts, atomic in Redis: two nodes opening the same DM at once make one.
 * One commands connection of its own, whatever the number of conversations: no blocking read per conversation.
 */
import type { Redis } from 'ioredis';
import type { ConversationKind } from '../protocol/conversations';
import type { ConversationMeta, ConversationStore } from './conversation-store';
import { pairKey } from './memory-conversation-store';
import { LuaScript, type RedisConnect } from './redis-link';
import { whenReady } from './redis-stream-reader';

const PREFIX = 'uos-chat';
const enc = encodeURIComponent;
const convKey = (id: string) => `${PREFIX}:conv:{${enc(id)}}`;
const membersKey = (id: string) => `${convKey(id)}:members`;
const userConvsKey = (user: string) => `${PREFIX}:user:{${enc(user)}}:convs`;
const readKey = (user: string) => `${PREFIX}:user:{${enc(user)}}:read`;
const dmKey = (a: string, b: string) => `${PREFIX}:dm:${enc(pairKey(a, b))}`;
const PUBLIC_KEY = `${PREFIX}:public`;
/** Users who turned sharing their read status off. */
const RECEIPTS_OFF_KEY = `${PREFIX}:receipts-off`;

/** KEYS: conv hash, members, public set, then each member's conversations set. ARGV: id, name, kind, created, members… */
const CREATE = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'name', ARGV[2], 'kind', ARGV[3], 'created', ARGV[4])
for i = 5, #ARGV do
  redis.call('SADD', KEYS[2], ARGV[i])
  redis.call('SADD', KEYS[i - 1], ARGV[1])
end
if ARGV[3] == 'room' then redis.call('SADD', KEYS[3], ARGV[1]) end
return 1
`);

/** KEYS: the DM key. ARGV: the fresh id. Answers the id the pair has now. */
const CLAIM_DM = new LuaScript(`
local id = redis.call('GET', KEYS[1])
if id then return id end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]
`);

/** KEYS: conv hash, members, the user's conversations. ARGV: id, user. */
const ADD_MEMBER = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('SADD', KEYS[3], ARGV[1])
return 1
`);

/** KEYS: the user's read hash. ARGV: id, seq. */
const MARK_READ = new LuaScript(`
local now = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
local seq = tonumber(ARGV[2])
if seq > now then
  redis.call('HSET', KEYS[1], ARGV[1], seq)
  return seq
end
return now
`);

export class RedisConversationStore implements ConversationStore {
  private readonly redis: Redis;

  constructor(connect: RedisConnect) {
    this.redis = connect('commands');
  }

  /** Waits (up to `ms`) for the connection, as RedisRoomStore does, so the first greeting does not fail. */
  async connected(ms: number): Promise<void> {
    await whenReady(this.redis, ms);
  }

  async get(id: string): Promise<ConversationMeta | undefined> {
    return (await this.many([id]))[0];
  }

  async ofUser(user: string): Promise<ConversationMeta[]> {
    return this.many(await this.redis.smembers(userConvsKey(user)));
  }

  async publicRooms(): Promise<ConversationMeta[]> {
    return this.many(await this.redis.smembers(PUBLIC_KEY));
  }

  async create(meta: ConversationMeta): Promise<ConversationMeta> {
    const members = [...new Set(meta.members)];
    const keys = [convKey(meta.id), membersKey(meta.id), PUBLIC_KEY, ...members.map(userConvsKey)];
    await CREATE.run(this.redis, keys, [meta.id, meta.name, meta.kind, meta.created, ...members]);
    const stored = await this.get(meta.id);
    if (!stored) throw new Error(`redis: conversation ${meta.id} vanished after create`);
    return stored;
  }

  async dm(a: string, b: string, fresh: ConversationMeta): Promise<ConversationMeta> {
    const id = String(await CLAIM_DM.run(this.redis, [dmKey(a, b)], [fresh.id]));
    // The claim and the create are two steps: a node that claimed and died before creating left
    // only the claim, which the next opener completes with the same id.
    return this.create({ ...fresh, id });
  }

  async addMember(id: string, user: string): Promise<boolean> {
    return (await ADD_MEMBER.run(this.redis, [convKey(id), membersKey(id), userConvsKey(user)], [id, user])) === 1;
  }

  async removeMember(id: string, user: string): Promise<void> {
    await this.redis.multi().srem(membersKey(id), user).srem(userConvsKey(user), id).exec();
  }

  async readMarkers(user: string): Promise<Record<string, number>> {
    const raw = await this.redis.hgetall(readKey(user));
    return Object.fromEntries(Object.entries(raw).map(([id, seq]) => [id, Number(seq)]));
  }

  async markRead(user: string, id: string, seq: number): Promise<number> {
    return Number(await MARK_READ.run(this.redis, [readKey(user)], [id, seq]));
  }

  async markersIn(id: string, users: readonly string[]): Promise<Record<string, number>> {
    if (users.length === 0) return {};
    const pipeline = this.redis.pipeline();
    for (const user of users) pipeline.hget(readKey(user), id);
    const results = (await pipeline.exec()) ?? [];
    return Object.fromEntries(
      users.map((user, i) => {
        const [err, seq] = results[i] ?? [];
        if (err) throw err;
        return [user, Number(seq ?? 0)];
      }),
    );
  }

  async setReceipts(user: string, share: boolean): Promise<void> {
    await (share ? this.redis.srem(RECEIPTS_OFF_KEY, user) : this.redis.sadd(RECEIPTS_OFF_KEY, user));
  }

  async receiptsOff(users: readonly string[]): Promise<string[]> {
    if (users.length === 0) return [];
    const flags = (await this.redis.smismember(RECEIPTS_OFF_KEY, ...users)) as number[];
    return users.filter((_, i) => flags[i] === 1);
  }

  close(): void {
    this.redis.disconnect();
  }

  /** Several conversations in one round trip (a pipeline of HGETALL + SMEMBERS each); missing ones are left out. */
  private async many(ids: string[]): Promise<ConversationMeta[]> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(convKey(id)).smembers(membersKey(id));
    const results = (await pipeline.exec()) ?? [];
    const out: ConversationMeta[] = [];
    ids.forEach((id, i) => {
      const [hashErr, hash] = results[2 * i] ?? [];
      const [membersErr, members] = results[2 * i + 1] ?? [];
      if (hashErr || membersErr) throw hashErr ?? membersErr;
      const h = hash as Record<string, string> | undefined;
      if (!h?.kind) return;
      out.push({
        id,
        name: h.name ?? id,
        kind: h.kind as ConversationKind,
        created: h.created ?? '',
        members: (members as string[]).sort(),
      });
    });
    return out;
  }
}
