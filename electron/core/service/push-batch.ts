/**
 * The pushes to every attached window, batched to at most one of each channel per frame: entries
 * are upserted by key (the latest version wins, in first-seen order), every other channel keeps its
 * latest payload. A batch goes out in a fixed order, so the window sees the entries pushed before
 * an account change before the change itself.
 */
import type { LogEntry, PushChannel, PushMap } from '../../common/contract';

export interface PushSink {
  push<P extends PushChannel>(channel: P, payload: PushMap[P]): void;
}

export type FrameScheduler = (fn: () => void) => void;

/** ~60 Hz: one batch per display frame. */
export const frameScheduler: FrameScheduler = (fn) => {
  setTimeout(fn, 16);
};

type Latest = Exclude<PushChannel, 'chat:entries'>;

/** The order of a batch (entries after status, before the account change that replaces the log). */
const ORDER: readonly PushChannel[] = [
  'chat:status',
  'chat:entries',
  'chat:account',
  'chat:conversations',
  'chat:uploads',
  'chat:downloads',
];

export class PushBatch {
  private readonly sinks = new Set<PushSink>();
  private entries = new Map<string, LogEntry>();
  private latest: { [P in Latest]?: PushMap[P] } = {};
  private scheduled = false;

  constructor(private readonly schedule: FrameScheduler) {}

  attach(sink: PushSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  clear(): void {
    this.sinks.clear();
  }

  addEntries(entries: readonly LogEntry[]): void {
    for (const e of entries) {
      // Latest version wins; a changed entry keeps its place in the batch.
      this.entries.delete(e.key);
      this.entries.set(e.key, e);
    }
    this.kick();
  }

  /** What was not pushed yet is not the window's any more (it shows another conversation). */
  dropEntries(): void {
    this.entries = new Map();
  }

  set<P extends Latest>(channel: P, payload: PushMap[P]): void {
    (this.latest as Record<string, unknown>)[channel] = payload;
    this.kick();
  }

  private kick(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const entries = [...this.entries.values()];
    const latest = this.latest;
    this.entries = new Map();
    this.latest = {};
    const batch: Array<[PushChannel, unknown]> = [];
    for (const channel of ORDER) {
      if (channel === 'chat:entries') {
        if (entries.length > 0) batch.push([channel, entries]);
      } else if (latest[channel] !== undefined) batch.push([channel, latest[channel]]);
    }
    for (const sink of this.sinks) {
      try {
        for (const [channel, payload] of batch) sink.push(channel, payload as never);
      } catch {
        // A window that went away; it detaches itself on close.
      }
    }
  }
}
