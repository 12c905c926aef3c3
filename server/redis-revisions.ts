/**
 * Edits and recalls in the Redis room store (server/revisions.ts has the rules). A stream entry
 * cannot change, so a rewritten message leaves the stream (XDEL, which frees its text) and its
 * new form goes into the room's `revs` sorted set, scored by seq; every read merges the two.
 *
 * The node reads the message an action names, checks the rules, and runs REVISE, which stores
 * the action and the rewrites only if that message is still exactly what the node read (else it
 * answers "changed" and the node reads again): two devices editing at once, or an edit racing a
 * recall, can never bring back a recalled text.
 */
import type { Redis } from 'ioredis';
import { LuaScript, type RoomKeys } from './redis-link';
import { storedFrom } from './redis-stream-reader';
import { rewritesFor } from './revisions';
import type { NewMessage, StoredMessage } from './room-store';

/** Stores a new message: dedup, epoch, seq, stream, dedup ids. Shared by APPEND and REVISE. */
export const STORE_NEW_LUA = `
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
`;

export const DEDUP_LUA = `
if ARGV[1] ~= '' then
  local seen = redis.call('HGET', KEYS[3], ARGV[1])
  if seen then return {0, tonumber(seen)} end
end
`;

/**
 * KEYS: seq, log, ids, id-order, epoch, revs. ARGV 1–6 as APPEND's; 7: the seq named; 8: that
 * message's JSON as the node read it; 9: its new JSON, or (10 = '1') all of it but the end,
 * `,"edited":<the action's seq>}`; 11: the seq of the edit it replaces ('' for none); 12: that
 * edit's new JSON. Returns {1, seq} stored, {0, seq} duplicate, {2, 0} changed since it was read.
 */
const REVISE = new LuaScript(`
${DEDUP_LUA}
local target = ARGV[7]
local now = redis.call('ZRANGEBYSCORE', KEYS[6], target, target)[1]
if not now then
  local entry = redis.call('XRANGE', KEYS[2], target .. '-0', target .. '-0')[1]
  if entry then
    for i = 1, #entry[2], 2 do
      if entry[2][i] == 'm' then now = entry[2][i + 1] end
    end
  end
end
if now ~= ARGV[8] then return {2, 0} end
${STORE_NEW_LUA}
local function rewrite(at, json)
  redis.call('XDEL', KEYS[2], at .. '-0')
  redis.call('ZREMRANGEBYSCORE', KEYS[6], at, at)
  redis.call('ZADD', KEYS[6], at, json)
end
if ARGV[10] == '1' then rewrite(target, ARGV[9] .. ',"edited":' .. seq .. '}') else rewrite(target, ARGV[9]) end
if ARGV[11] ~= '' then rewrite(ARGV[11], ARGV[12]) end
redis.call('ZREMRANGEBYSCORE', KEYS[6], '-inf', '(' .. (seq - 2 * tonumber(ARGV[4])))
return {1, seq}
`);

/** A kept message and the JSON it is kept as (the script compares that). */
export interface Kept {
  json: string;
  message: StoredMessage;
}

/** The message with this seq as the room keeps it now: rewritten, or still in the stream (read together: REVISE moves it). */
export async function keptMessage(redis: Redis, keys: RoomKeys, seq: number): Promise<Kept | undefined> {
  const results = await redis.multi().zrangebyscore(keys.revs, seq, seq).xrange(keys.log, `${seq}-0`, `${seq}-0`).exec();
  if (!results) throw new Error('redis: transaction aborted');
  for (const [err] of results) if (err) throw err;
  const [rewritten] = results[0]![1] as string[];
  const [entry] = results[1]![1] as Array<[string, string[]]>;
  const fields = entry?.[1] ?? [];
  const at = fields.indexOf('m');
  const json = rewritten ?? (at >= 0 && at % 2 === 0 ? fields[at + 1] : undefined);
  const message = json === undefined ? undefined : storedFrom(seq, json);
  return json !== undefined && message ? { json, message } : undefined;
}

/** A seq no action can have, standing in until REVISE numbers it. */
const UNNUMBERED = Number.MAX_SAFE_INTEGER;
const UNNUMBERED_END = `,"edited":${UNNUMBERED}}`;

export type Revised = { isNew: true; seq: number } | { isNew: false; seq: number } | 'changed';

/** Stores an edit or recall of `target` (already checked against the rules) in one script. */
export async function revise(
  redis: Redis,
  keys: RoomKeys,
  args: { dedupKey: string; message: NewMessage; origin: string; historyLimit: number; dedupLimit: number; epoch: string },
  target: Kept,
  previousEdit: Kept | undefined,
): Promise<Revised> {
  const rewrites = rewritesFor({ ...args.message, seq: UNNUMBERED }, target.message, previousEdit?.message);
  const targetJson = JSON.stringify(rewrites[0] ?? target.message);
  const numbered = targetJson.endsWith(UNNUMBERED_END);
  const blanked = rewrites[1];
  const argv = [
    ...[args.dedupKey, JSON.stringify(args.message), args.origin, args.historyLimit, args.dedupLimit, args.epoch],
    ...[target.message.seq, target.json, numbered ? targetJson.slice(0, -UNNUMBERED_END.length) : targetJson, numbered ? '1' : ''],
    ...(blanked ? [blanked.seq, JSON.stringify(blanked)] : ['', '']),
  ];
  const k = keys;
  const [code, seq] = (await REVISE.run(redis, [k.seq, k.log, k.ids, k.idOrder, k.epoch, k.revs], argv)) as [number, number];
  return code === 2 ? 'changed' : { isNew: code === 1, seq };
}

/** ZRANGE … WITHSCORES replies as messages. */
export function rewrittenOf(flat: string[]): StoredMessage[] {
  const out: StoredMessage[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const m = storedFrom(Number(flat[i + 1]), flat[i]);
    if (m) out.push(m);
  }
  return out;
}

/** Stream messages and rewritten ones, each list in seq order, as one list in seq order. */
export function mergedBySeq(stream: StoredMessage[], rewritten: StoredMessage[]): StoredMessage[] {
  if (rewritten.length === 0) return stream;
  return [...stream, ...rewritten].sort((a, b) => a.seq - b.seq);
}
