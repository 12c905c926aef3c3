/**
 * The chat log the person sees: entries keyed so that nothing shows twice,
 * whatever resends, replays or reconnects happen underneath.
 */
import type { LogEntry, MessageEntry, MarkerEntry, OlderEntries } from '../../common/contract';

export type MessagePatch = Partial<Omit<MessageEntry, 'kind' | 'key'>>;

/** A message with `patch` applied (`failure: undefined` removes the failure); undefined when `prev` is no message. */
export function patchedMessage(prev: LogEntry | undefined, patch: MessagePatch): MessageEntry | undefined {
  if (!prev || prev.kind !== 'message') return undefined;
  if (patch.failure !== undefined || !('failure' in patch)) return { ...prev, ...patch };
  // Leave the key out rather than `delete` it: a delete turns the new entry into a slow
  // dictionary-mode object (it cost ~0.5 µs per ack on every own message, and every later
  // read of the entry paid for it too).
  const { failure: _gone, ...rest } = patch;
  if (!('failure' in prev)) return { ...prev, ...rest };
  const { failure: _old, ...kept } = prev;
  return { ...kept, ...rest };
}

export class MessageLog {
  /** Sorted by `order` (appends only; trims keep the order). */
  private entries: LogEntry[] = [];
  /**
   * key → order. Positions are found from the order (see positionOf), so a trim only
   * deletes the keys it drops; a key → position map had to be rebuilt for every kept
   * entry on every trim, which was a quarter of the core's CPU under a flood.
   */
  private readonly orders = new Map<string, number>();
  /** The last `order` given out (see LogEntry.order). */
  private lastOrder = 0;

  private trimAt: number;

  constructor(private readonly maxEntries = 5_000) {
    this.trimAt = maxEntries;
  }

  all(): LogEntry[] {
    return this.entries.slice();
  }

  get size(): number {
    return this.entries.length;
  }

  get(key: string): LogEntry | undefined {
    const order = this.orders.get(key);
    return order === undefined ? undefined : this.entries[this.positionOf(order)];
  }

  /** Where the entry with `order` is (it must be in the log). */
  private positionOf(order: number): number {
    // The newest entry has the last order and nothing after a position is ever missing
    // except where a trim kept pending entries back: so this guess is right for every
    // entry newer than those, which is where lookups happen.
    const guess = this.entries.length - 1 - (this.lastOrder - order);
    if (guess >= 0 && this.entries[guess]?.order === order) return guess;
    return this.firstAtOrAfter(order);
  }

  /** Binary search: the first index whose order is ≥ `order` (entries.length if none). */
  private firstAtOrAfter(order: number): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.entries[mid]!.order ?? 0) < order) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The newest message in memory with this seq (an edit or recall names its message by seq). */
  bySeq(seq: number): MessageEntry | undefined {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i]!;
      if (e.kind === 'message' && e.seq === seq) return e;
    }
    return undefined;
  }

  /** A key for an entry without id or seq: named after the order it gets, so it stays unique in a stored history too. */
  nextServerKey(): string {
    return `srv:${this.lastOrder + 1}`;
  }

  /**
   * Starts from a stored history: `entries` (its newest, oldest first, with their orders)
   * are in memory, and new entries get orders after `lastOrder`.
   */
  restore(entries: readonly LogEntry[], lastOrder: number): void {
    this.entries = entries.slice();
    this.orders.clear();
    for (const e of entries) this.orders.set(e.key, e.order!);
    this.lastOrder = Math.max(lastOrder, entries.at(-1)?.order ?? 0);
    this.trimAt = Math.max(this.maxEntries, this.entries.length + Math.ceil(this.maxEntries / 10));
  }

  /** The newest `limit` entries, oldest first, and whether older ones exist. */
  latest(limit: number): OlderEntries {
    return this.before(this.lastOrder + 1, limit);
  }

  /** Up to `limit` entries with an `order` below `before` (the newest of them), oldest first. */
  before(before: number, limit: number): OlderEntries {
    const lo = this.firstAtOrAfter(before);
    const start = Math.max(0, lo - limit);
    return { entries: this.entries.slice(start, lo), hasOlder: start > 0 };
  }

  /**
   * Insert, or replace the entry with the same key in place. Sets `entry.order`: a new
   * order for a new key, the old one for a replacement (the caller's fresh object is
   * stamped, so what it emits carries the order).
   */
  upsert(entry: LogEntry): void {
    const order = this.orders.get(entry.key);
    if (order !== undefined) {
      entry.order = order;
      this.entries[this.positionOf(order)] = entry;
      return;
    }
    this.append(entry);
  }

  /** Adds an entry whose key the caller knows is not in the log (one map lookup fewer per incoming message). */
  append(entry: LogEntry): void {
    entry.order = ++this.lastOrder;
    this.orders.set(entry.key, entry.order);
    this.entries.push(entry);
    this.trim();
  }

  update(key: string, patch: MessagePatch): MessageEntry | undefined {
    const next = patchedMessage(this.get(key), patch);
    if (next) this.upsert(next);
    return next;
  }

  addMarker(marker: MarkerEntry['marker'], timestamp: string): MarkerEntry {
    const entry: MarkerEntry = { kind: 'marker', key: `marker:${this.lastOrder + 1}`, marker, timestamp };
    this.upsert(entry);
    return entry;
  }

  private trim(): void {
    // Bounded memory: drop the oldest entries in chunks of 10% (amortised O(1) per message).
    // Unsent messages are safe: they live in the outbox, and pending entries are kept. When
    // those alone exceed the limit, the next trim waits for another chunk (no O(n²) churn).
    if (this.entries.length <= this.trimAt) return;
    const excess = this.entries.length - this.maxEntries;
    const chunk = Math.max(excess, Math.ceil(this.maxEntries / 10));
    // A new array, not push(...kept): spreading 100k+ arguments overflows the stack.
    const keptBack: LogEntry[] = [];
    for (let i = 0; i < chunk; i++) {
      const e = this.entries[i]!;
      if (e.kind === 'message' && e.own && e.delivery !== 'sent') keptBack.push(e);
      else this.orders.delete(e.key);
    }
    this.entries = keptBack.length > 0 ? keptBack.concat(this.entries.slice(chunk)) : this.entries.slice(chunk);
    this.trimAt = Math.max(this.maxEntries, this.entries.length + Math.ceil(this.maxEntries / 10));
  }
}
