/**
 * Fan-out across processes for the Redis room store: one blocking connection per
 * process reads every room stream it has clients for (`XREAD BLOCK … STREAMS k… id…`),
 * each from the last seq it delivered.
 *
 * XREAD rather than pub/sub: a PUBLISH reaches only the subscribers connected at that
 * moment, so a node whose Redis connection is down (or dropped as a slow subscriber)
 * silently misses messages and needs a second, stream-based path to catch up, with the
 * ordering between the two to get right. Reading the stream from the last delivered id
 * is that catch-up, always: after any outage the next XREAD continues where the last
 * one stopped, in seq order, and nothing else has to agree with it.
 *
 * A store that started over (Redis restarted without persistence, or went back in time
 * with a partial AOF) is noticed by its epoch (a random id set with the room's first
 * message, carried in every entry) or by a seq behind the cursor, checked after every
 * failed read: the room's listeners are told (`reset`) and reading starts again at 0.
 */
import type { Redis } from 'ioredis';
import type { RoomListener, RoomWatch, StoredMessage } from './room-store';
import type { RoomKeys } from './redis-link';

/** Entries per XREAD; a busier room simply takes another round. */
const READ_COUNT = 1_000;
/** The longest a new watch can wait should every wake-up (CLIENT UNBLOCK) miss. */
const BLOCK_MS = 2_000;
const RETRY_MS = 200;

interface Watched {
  keys: RoomKeys;
  listener: RoomListener;
  /** The last seq delivered (or, before any, the room's seq when the watch started). */
  cursor: number;
  /** The epoch of the room's numbering this watch follows; undefined until the room has one. */
  epoch: string | undefined;
}

type XReadReply = Array<[key: string, entries: Array<[id: string, fields: string[]]>]> | null;

export class RedisStreamReader {
  private readonly watched = new Set<Watched>();
  /** The watches the XREAD now blocking covers; undefined between reads. */
  private reading: Set<Watched> | undefined;
  private readerId: number | undefined;
  private wake: (() => void) | undefined;
  private closed = false;
  private readonly loop: Promise<void>;

  constructor(
    private readonly commands: Redis,
    private readonly reader: Redis,
    private readonly log: (line: string) => void,
  ) {
    reader.on('close', () => (this.readerId = undefined));
    this.loop = this.run();
  }

  watch(keys: RoomKeys, listener: RoomListener): RoomWatch {
    const w: Watched = { keys, listener, cursor: 0, epoch: undefined };
    let open = true;
    const ready = this.position(keys).then(({ seq, epoch }) => {
      if (!open || this.closed) return;
      w.cursor = seq;
      w.epoch = epoch;
      this.watched.add(w);
      void this.include(w);
    });
    return {
      ready,
      close: () => {
        open = false;
        this.watched.delete(w);
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
    this.reader.disconnect();
    await this.loop;
  }

  /** The room's seq and epoch now, read together. */
  private async position(keys: RoomKeys): Promise<{ seq: number; epoch: string | undefined }> {
    const [seq, epoch] = (await this.commands.mget(keys.seq, keys.epoch)) as Array<string | null>;
    return { seq: Number(seq ?? 0), epoch: epoch ?? undefined };
  }

  /** Makes the read loop take a new watch in now: wakes it when idle, unblocks its XREAD when that does not cover the watch. */
  private async include(w: Watched): Promise<void> {
    this.wake?.();
    for (let attempt = 0; attempt < 50 && !this.closed && this.watched.has(w); attempt++) {
      const reading = this.reading;
      if (!reading || reading.has(w)) return;
      const unblocked = this.readerId === undefined ? 0 : await this.commands.call('CLIENT', 'UNBLOCK', this.readerId).catch(() => 0);
      // 0: the XREAD has not reached Redis yet (or just returned); try again in a moment.
      if (unblocked === 1 || this.reading !== reading) return;
      await new Promise((r) => setTimeout(r, 2));
    }
  }

  private async run(): Promise<void> {
    let failing = false;
    while (!this.closed) {
      if (this.watched.size === 0) {
        await new Promise<void>((r) => (this.wake = r));
        this.wake = undefined;
        continue;
      }
      try {
        await whenReady(this.reader, RETRY_MS);
        if (failing) await this.checkForRestart();
        this.readerId ??= Number(await this.reader.call('CLIENT', 'ID'));
        const from = new Map<string, number>();
        for (const w of this.watched) from.set(w.keys.log, Math.min(from.get(w.keys.log) ?? Infinity, w.cursor));
        this.reading = new Set(this.watched);
        const reply = (await this.reader.call(
          'XREAD',
          'COUNT',
          READ_COUNT,
          'BLOCK',
          BLOCK_MS,
          'STREAMS',
          ...from.keys(),
          ...[...from.values()].map((seq) => `${seq}-0`),
        )) as XReadReply;
        this.reading = undefined;
        if (failing) this.log('redis: reading room streams again');
        failing = false;
        for (const [key, entries] of reply ?? []) await this.dispatch(key, entries);
      } catch (err) {
        this.reading = undefined;
        if (this.closed) return;
        if (!failing) this.log(`redis: reading room streams failed (${(err as Error).message}); retrying`);
        failing = true;
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
    }
  }

  /** After an outage: a room whose epoch changed, or whose seq is behind what was delivered, started over. */
  private async checkForRestart(): Promise<void> {
    for (const w of [...this.watched]) {
      const { seq, epoch } = await this.position(w.keys);
      if ((w.epoch !== undefined && epoch !== w.epoch) || seq < w.cursor) this.restart(w, epoch);
    }
  }

  private restart(w: Watched, epoch: string | undefined): void {
    this.log(`redis: ${w.keys.log} started over (history lost); reading it from the start`);
    w.cursor = 0;
    w.epoch = epoch;
    w.listener.reset();
  }

  private async dispatch(key: string, entries: Array<[id: string, fields: string[]]>): Promise<void> {
    for (const w of [...this.watched]) {
      if (w.keys.log !== key || !this.watched.has(w)) continue;
      for (const [id, fields] of entries) {
        const seq = Number.parseInt(id, 10);
        const entry = fieldMap(fields);
        const message = storedFrom(seq, entry.m);
        if (w.epoch !== undefined && entry.e !== w.epoch) {
          this.restart(w, entry.e);
          break;
        }
        if (seq <= w.cursor) continue;
        // Seqs are consecutive: a jump is messages an edit or recall rewrote (out of the stream, in
        // `revs`) before this node read them, or else this node fell further behind than the history keeps.
        // (From 0, a watch starts wherever the kept stream does.)
        if (seq > w.cursor + 1 && !(await this.fillRewritten(w, seq)) && w.cursor > 0) w.listener.reset();
        w.cursor = seq;
        w.epoch = entry.e;
        if (message) w.listener.message(message, entry.o || undefined);
        else this.log(`redis: ${key} entry ${id} is not a message; skipped`);
      }
    }
  }

  /** Delivers the rewritten messages between the cursor and `seq`, in order; false when some are not there. */
  private async fillRewritten(w: Watched, seq: number): Promise<boolean> {
    const flat = await this.commands.zrangebyscore(w.keys.revs, w.cursor + 1, seq - 1, 'WITHSCORES');
    const missing = seq - w.cursor - 1;
    if (flat.length / 2 !== missing) return false;
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const message = storedFrom(Number(flat[i + 1]), flat[i]);
      if (message) w.listener.message(message, undefined);
    }
    w.cursor = seq - 1;
    return true;
  }
}

function fieldMap(fields: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) out[fields[i]!] = fields[i + 1]!;
  return out;
}

/** A stream entry's message (`m`: the JSON appended, without seq) with the seq from its id; undefined if unreadable. */
export function storedFrom(seq: number, json: string | undefined): StoredMessage | undefined {
  try {
    const m = JSON.parse(json ?? '') as Omit<StoredMessage, 'seq'>;
    return typeof m === 'object' && m !== null && m.type === 'chat_message' ? { ...m, seq } : undefined;
  } catch {
    return undefined;
  }
}

/** Resolves when the connection is ready, or after `ms` (the command that follows then fails and is retried). */
export function whenReady(redis: Redis, ms: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    redis.on('ready', done);
  });
}
