/**
 * Getting the person's attention while the window is in the background:
 * the unread count in the window title, and a desktop notification for a new
 * message — at most one per `minIntervalMs`, so a burst does not become a
 * storm of notifications (the title still counts every message).
 */
import type { LogEntry } from '../../common/contract';
import type { Clock } from '../base/clock';

export interface AttentionSink {
  setTitle(title: string): void;
  notify(title: string, body: string): void;
}

export interface AttentionOptions {
  baseTitle: string;
  /** Words for the notification title ("alice", or "3 new messages"). */
  from: (user: string, fromServer: boolean) => string;
  clock: Clock;
  minIntervalMs?: number;
  maxBodyChars?: number;
}

export class Attention {
  private focused = true;
  private unread = 0;
  private lastNotifiedAt = -Infinity;
  private readonly counted = new Set<string>();

  constructor(
    private readonly sink: AttentionSink,
    private readonly options: AttentionOptions,
  ) {}

  get unreadCount(): number {
    return this.unread;
  }

  setFocused(focused: boolean): void {
    this.focused = focused;
    if (focused && this.unread > 0) {
      this.unread = 0;
      this.sink.setTitle(this.options.baseTitle);
    }
  }

  onEntries(entries: readonly LogEntry[]): void {
    if (this.focused) return;
    let newest: Extract<LogEntry, { kind: 'message' }> | undefined;
    for (const e of entries) {
      if (e.kind !== 'message' || e.own || this.counted.has(e.key)) continue;
      this.counted.add(e.key);
      if (this.counted.size > 10_000) this.counted.delete(this.counted.values().next().value as string);
      this.unread += 1;
      newest = e;
    }
    if (!newest) return;
    this.sink.setTitle(`(${this.unread}) ${this.options.baseTitle}`);
    const now = this.options.clock.now();
    if (now - this.lastNotifiedAt < (this.options.minIntervalMs ?? 3_000)) return;
    this.lastNotifiedAt = now;
    const max = this.options.maxBodyChars ?? 200;
    const body = newest.text.length > max ? `${newest.text.slice(0, max)}…` : newest.text;
    this.sink.notify(this.options.from(newest.user, Boolean(newest.fromServer)), body);
  }
}
