/**
 * File records in Redis (`--redis` with `--s3`), so every node behind the balancer knows which
 * conversation each attachment was posted in, and the same privacy holds on all of them: per
 * attachment its record (JSON), per SHA-256 the set of attachments with those bytes, per user the
 * bytes stored (the quota), per image its latest thumbnail. The bytes themselves are in the object
 * store every node shares. A revocation takes the record with GETDEL, so when two nodes revoke
 * the same file at once only one of them gives its bytes back to the quota.
 */
import type { Redis } from 'ioredis';
import type { FileRecord, FileRecords } from './file-records';
import type { RedisConnect } from './redis-link';
import { whenReady } from './redis-stream-reader';

const PREFIX = 'uos-chat:files';
const enc = encodeURIComponent;
const recordKey = (id: string) => `${PREFIX}:record:${enc(id)}`;
const hashKey = (sha256: string) => `${PREFIX}:sha256:${sha256}`;
const usedKey = (user: string) => `${PREFIX}:used:${enc(user)}`;
const thumbnailKey = (id: string) => `${PREFIX}:thumbnail:${enc(id)}`;

export class RedisFileRecords implements FileRecords {
  private readonly redis: Redis;

  constructor(connect: RedisConnect) {
    this.redis = connect('commands');
  }

  connected(ms: number): Promise<void> {
    return whenReady(this.redis, ms);
  }

  async get(id: string): Promise<FileRecord | undefined> {
    return parse(await this.redis.get(recordKey(id)));
  }

  async add(r: FileRecord): Promise<void> {
    const m = this.redis.multi().set(recordKey(r.id), JSON.stringify(r)).sadd(hashKey(r.sha256), r.id).incrby(usedKey(r.user), r.size);
    if (r.thumbnailOf !== undefined) m.set(thumbnailKey(r.thumbnailOf), r.id);
    await exec(m);
  }

  async withHash(sha256: string): Promise<FileRecord[]> {
    const ids = await this.redis.smembers(hashKey(sha256));
    if (ids.length === 0) return [];
    const found = await this.redis.mget(ids.map(recordKey));
    return found.map(parse).filter((r): r is FileRecord => r !== undefined);
  }

  async usage(user: string): Promise<number> {
    return Math.max(0, Number(await this.redis.get(usedKey(user))) || 0);
  }

  async thumbnailOf(id: string): Promise<string | undefined> {
    return (await this.redis.get(thumbnailKey(id))) ?? undefined;
  }

  async revoke(ids: readonly string[]): Promise<void> {
    const thumbnails = await Promise.all(ids.map((id) => this.thumbnailOf(id)));
    const all = [...ids, ...thumbnails.filter((t): t is string => t !== undefined)];
    for (const id of all) {
      const r = parse(await this.redis.getdel(recordKey(id)));
      if (!r) continue; // unknown, or revoked by another node just now
      await exec(this.redis.multi().srem(hashKey(r.sha256), id).decrby(usedKey(r.user), r.size).del(thumbnailKey(id)));
    }
  }

  close(): void {
    this.redis.disconnect();
  }
}

function parse(json: string | null): FileRecord | undefined {
  if (json === null) return undefined;
  try {
    return JSON.parse(json) as FileRecord;
  } catch {
    return undefined;
  }
}

/** A MULTI whose commands all ran: ioredis reports a failed command inside the result, not by rejecting. */
async function exec(m: ReturnType<Redis['multi']>): Promise<void> {
  const results = await m.exec();
  const failed = results?.find(([err]) => err);
  if (!results || failed) throw failed?.[0] ?? new Error('redis: the transaction was discarded');
}
