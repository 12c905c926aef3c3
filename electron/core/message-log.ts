/**
 * The chat log the person sees: entries keyed so that nothing shows twice,
 * whatever resends, replays or reconnects happen underneath.
 */
import type { LogEntry, MessageEntry, MarkerEntry } from '../common/contract';

export class MessageLog {
  private entries: LogEntry[] = [];
  private readonly index = new Map<string, number>();
  private serverCounter = 0;

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

  /** Insert, or replace the entry with the same key in place. */
  upsert(entry: LogEntry): void {
    const i = this.index.get(entry.key);
    if (i !== undefined) {
      this.entries[i] = entry;
      return;
    }
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
