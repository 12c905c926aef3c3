/**
 * The chat log the person sees: entries keyed so that nothing shows twice,
 * whatever resends, replays or reconnects happen underneath.
 */
import type { LogEntry, MessageEntry, MarkerEntry } from '../common/contract';

export class MessageLog {
  private entries: LogEntry[] = [];
  private readonly index = new Map<string, number>();
  private serverCounter = 0;
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
    const i = this.index.get(key);
    return i === undefined ? undefined : this.entries[i];
  }

  nextServerKey(): string {
    return `srv:${++this.serverCounter}`;
  }

  /**
   * The newest `limit` entries, oldest first, and whether older ones exist.
   * `entries` is sorted by `order` (appends only; trims keep the order).
   */
  latest(limit: number): { entries: LogEntry[]; hasOlder: boolean } {
    const start = Math.max(0, this.entries.length - limit);
    return { entries: this.entries.slice(start), hasOlder: start > 0 };
  }

  /** Up to `limit` entries with an `order` below `before` (the newest of them), oldest first. */
  before(before: number, limit: number): { entries: LogEntry[]; hasOlder: boolean } {
    // Binary search: the first index whose order is ≥ before.
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.entries[mid]!.order ?? 0) < before) lo = mid + 1;
      else hi = mid;
    }
    const start = Math.max(0, lo - limit);
    return { entries: this.entries.slice(start, lo), hasOlder: start > 0 };
  }

  /**
   * Insert, or replace the entry with the same key in place. Sets `entry.order`: a new
   * order for a new key, the old one for a replacement (the caller's fresh object is
   * stamped, so what it emits carries the order).
   */
  upsert(entry: LogEntry): void {
    const i = this.index.get(entry.key);
    if (i !== undefined) {
      entry.order = this.entries[i]!.order;
      this.entries[i] = entry;
      return;
    }
    entry.order = ++this.lastOrder;
    this.index.set(entry.key, this.entries.length);
    this.entries.push(entry);
    this.trim();
  }

  update(key: string, patch: Partial<Omit<MessageEntry, 'kind' | 'key'>>): MessageEntry | undefined {
    const prev = this.get(key);
    if (!prev || prev.kind !== 'message') return undefined;
    const next: MessageEntry = { ...prev, ...patch };
    if (patch.failure === undefined && 'failure' in patch) delete next.failure;
    this.upsert(next);
    return next;
  }

  addMarker(marker: MarkerEntry['marker'], timestamp: string): MarkerEntry {
    const entry: MarkerEntry = { kind: 'marker', key: `marker:${++this.serverCounter}`, marker, timestamp };
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
    this.entries = this.entries.filter((e, i) => i >= chunk || (e.kind === 'message' && e.own && e.delivery !== 'sent'));
    this.index.clear();
    this.entries.forEach((e, i) => this.index.set(e.key, i));
    this.trimAt = Math.max(this.maxEntries, this.entries.length + Math.ceil(this.maxEntries / 10));
  }
}
