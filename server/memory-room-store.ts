/**
 * The first room store: rooms in this process's memory, each a monotonic `seq`,
 * a bounded history for resume, and the ids it has already accepted (so a resend
 * after a lost ack never makes a second message). With a data dir, every accepted
 * message is appended to `<room>.jsonl` before it is acked or broadcast, so a
 * restarted server keeps seq, history and dedup.
 *
 * Everything here answers at once (plain values, no Promises): see room-store.ts.
 * Watchers hear of a message inside the append that stored it, so fan-out happens
 * in the same tick as before watching existed, before the sender's ack.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
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
import { isAction } from '../protocol/message-actions';
import { refusalOf, rewritesFor, targetOf } from './revisions';

export interface MemoryRoomOptions {
  historyLimit: number;
  dedupLimit: number;
  /** How long after sending a message may be recalled (server/revisions.ts). */
  recallWindowMs: number;
  dataDir?: string;
}

export class MemoryRoomStore implements RoomStore {
  private readonly rooms = new Map<string, MemoryRoom>();

  constructor(private readonly options: MemoryRoomOptions) {}

  room(name: string): MemoryRoom {
    let room = this.rooms.get(name);
    if (!room) this.rooms.set(name, (room = new MemoryRoom(name, this.options)));
    return room;
  }

  close(): void {}
}

export class MemoryRoom implements RoomHandle {
  private lastSeq = 0;
  private history: StoredMessage[] = [];
  /** `user\0id` → seq, insertion-ordered so the oldest can be evicted. */
  private readonly accepted = new Map<string, number>();
  private readonly file: string | undefined;
  private appended = 0;
  private readonly listeners = new Set<RoomListener>();

  constructor(
    readonly name: string,
    private readonly options: MemoryRoomOptions,
  ) {
    if (options.dataDir) {
      mkdirSync(options.dataDir, { recursive: true });
      this.file = path.join(options.dataDir, `${encodeURIComponent(name)}.jsonl`);
      this.load();
    }
  }

  seq(): number {
    return this.lastSeq;
  }

  append(msg: NewMessage, origin?: string): Appended {
    const seen = msg.id === undefined ? undefined : this.accepted.get(`${msg.user}\0${msg.id}`);
    if (seen !== undefined) return { duplicateOf: seen };
    const ref = targetOf(msg);
    const refused = refusalOf(msg, ref === undefined ? undefined : this.at(ref), this.options.recallWindowMs);
    if (refused) return { refused };
    const stored: StoredMessage = { ...msg, seq: this.lastSeq + 1 };
    if (this.file) {
      appendFileSync(this.file, JSON.stringify(stored) + '\n');
      this.appended += 1;
    }
    this.remember(stored);
    // An edit or recall is rewritten into the file at once: the old text must not stay on disk.
    if (this.file && (isAction(stored) || this.appended > this.options.historyLimit * 2)) this.compact();
    for (const listener of this.listeners) listener.message(stored, origin);
    return { stored };
  }

  /** Ready at once: this process is the only writer, so nothing can slip in between. */
  watch(listener: RoomListener): RoomWatch {
    this.listeners.add(listener);
    return { ready: undefined, close: () => this.listeners.delete(listener) };
  }

  /** Messages after `since`, and whether some were already dropped from the history. */
  since(since: number): Replay {
    // A seq we never issued: the client saw a previous life of this room (a restart without
    // --data-dir). Its position means nothing here, so send everything we have, and say so.
    if (since > this.lastSeq) return { messages: this.history.slice(), gap: true };
    const oldest = this.history[0]?.seq ?? this.lastSeq + 1;
    const gap = since + 1 < oldest && since < this.lastSeq;
    return { messages: this.history.filter((m) => m.seq > since), gap };
  }

  /** Kept messages below `before`, the newest `limit` of them, oldest first. */
  page(before: number, limit: number): HistoryPage {
    const lo = this.indexOf(before);
    const start = Math.max(0, lo - limit);
    return { messages: this.history.slice(start, lo), hasOlder: start > 0 };
  }

  /** The kept message with this seq, by binary search (the history is in seq order). */
  private at(seq: number): StoredMessage | undefined {
    const i = this.indexOf(seq);
    return this.history[i]?.seq === seq ? this.history[i] : undefined;
  }

  /** Where `seq` is, or would go, in the history. */
  private indexOf(seq: number): number {
    let lo = 0;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.history[mid]!.seq < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** An edit or recall rewrites what it names (idempotent, so a journal replays it safely). */
  private applyAction(action: StoredMessage): void {
    const target = this.at(targetOf(action)!);
    const previousEdit = target?.edited !== undefined ? this.at(target.edited) : undefined;
    for (const m of rewritesFor(action, target, previousEdit)) this.history[this.indexOf(m.seq)] = m;
  }

  private remember(stored: StoredMessage): void {
    if (isAction(stored)) this.applyAction(stored);
    this.lastSeq = stored.seq;
    this.history.push(stored);
    if (this.history.length > this.options.historyLimit) this.history.splice(0, this.history.length - this.options.historyLimit);
    if (stored.id !== undefined) {
      this.accepted.set(`${stored.user}\0${stored.id}`, stored.seq);
      if (this.accepted.size > this.options.dedupLimit) {
        const oldest = this.accepted.keys().next().value;
        if (oldest !== undefined) this.accepted.delete(oldest);
      }
    }
  }

  private load(): void {
    if (!this.file || !existsSync(this.file)) return;
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      if (!line) continue;
      try {
        const m = JSON.parse(line) as StoredMessage & { dedupOnly?: boolean };
        if (typeof m.seq !== 'number' || m.seq <= this.lastSeq) continue;
        if (m.dedupOnly) {
          if (m.id !== undefined) this.accepted.set(`${m.user}\0${m.id}`, m.seq);
          this.lastSeq = m.seq;
        } else {
          this.remember(m);
        }
      } catch {
        // A torn last line after a crash: everything before it is still good.
      }
    }
  }

  /** Rewrites the file with what dedup and history still need, atomically. */
  private compact(): void {
    if (!this.file) return;
    const keep = new Map<number, StoredMessage>();
    for (const m of this.history) keep.set(m.seq, m);
    const lines = [...keep.values()].sort((a, b) => a.seq - b.seq).map((m) => JSON.stringify(m));
    // Dedup entries older than the history are kept as minimal records.
    const historyFloor = this.history[0]?.seq ?? Infinity;
    const dedupOnly: string[] = [];
    for (const [key, seq] of this.accepted) {
      if (seq >= historyFloor) continue;
      const [user, id] = key.split('\0');
      dedupOnly.push(JSON.stringify({ type: 'chat_message', id, user, message: '', seq, timestamp: '', dedupOnly: true }));
    }
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, [...dedupOnly, ...lines].join('\n') + '\n');
    renameSync(tmp, this.file);
    this.appended = 0;
  }
}
