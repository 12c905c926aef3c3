/**
 * The chat log the person sees: entries keyed so that nothing shows twice,
 * whatever resends, replays or reconnects happen underneath.
 */
import type { LogEntry, MessageEntry, MarkerEntry } from '../common/contract';

export class MessageLog {
  private readonly entries: LogEntry[] = [];
  private readonly index = new Map<string, number>();
  private serverCounter = 0;

  constructor(private readonly maxEntries = 200_000) {}

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

  /** Insert or replace by key. Returns false when an identical entry was already there. */
  upsert(entry: LogEntry): boolean {
    const i = this.index.get(entry.key);
    if (i !== undefined) {
      const prev = this.entries[i];
      if (prev && JSON.stringify(prev) === JSON.stringify(entry)) return false;
      this.entries[i] = entry;
      return true;
    }
    this.index.set(entry.key, this.entries.length);
    this.entries.push(entry);
    this.trim();
    return true;
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
    // Bounded memory: drop the oldest displayed entries (they were delivered; nothing unsent lives here only).
    const excess = this.entries.length - this.maxEntries;
    if (excess <= 0) return;
    const removed = this.entries.splice(0, Math.max(excess, Math.floor(this.maxEntries / 10)));
    for (const e of removed) this.index.delete(e.key);
    this.index.clear();
    this.entries.forEach((e, i) => this.index.set(e.key, i));
  }
}
