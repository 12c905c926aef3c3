/**
 * The first thing the window does, before React is even evaluated: subscribe to the pushes
 * and ask main for the snapshot, so its round trip overlaps the bundle's evaluation and the
 * first render can already show the newest page (instead of painting an empty log and asking
 * from an effect after that paint). useChatFeed takes it over with claimBootFeed().
 *
 * No React (or other heavy) imports here: main.tsx imports this module first so its
 * top-level call runs before the rest of the bundle is evaluated.
 */
import type { ChatApi, LogEntry, Snapshot } from '../../electron/common/contract';
import type { Status } from '../../electron/common/state';

export interface FeedHandlers {
  status(status: Status): void;
  entries(batch: LogEntry[]): void;
}

export interface BootFeed {
  /** The snapshot once it has come; null before (or when asking failed). */
  readonly snapshot: Snapshot | null;
  readonly failed: boolean;
  /** Settles when the snapshot came or asking failed (never rejects). */
  readonly settled: Promise<void>;
  /**
   * Hands the subscription over: the pushes that came after the snapshot's answer are given
   * to `handlers` at once, later ones as they come. Returns the unsubscribe.
   */
  claim(handlers: FeedHandlers): () => void;
}

type Pending = { status: Status } | { entries: LogEntry[] };

/**
 * Pushes between the snapshot's answer and the claim are kept; more than this and the feed
 * could not keep up anyway: the boot feed lets go of them all and the feed asks for a fresh snapshot.
 */
const MAX_PENDING = 10_000;

let boot: (BootFeed & { overflowed(): boolean }) | undefined;
let claimed = false;

/** Pushes after the snapshot's answer: kept until claimed, then passed straight on. */
class Relay implements FeedHandlers {
  ready = false;
  overflow = false;
  handlers: FeedHandlers | undefined;
  private pending: Pending[] = [];
  constructor(private readonly unsubscribe: () => void) {}

  status(status: Status): void {
    if (this.handlers) this.handlers.status(status);
    else this.keep({ status });
  }

  entries(entries: LogEntry[]): void {
    if (this.handlers) this.handlers.entries(entries);
    else this.keep({ entries });
  }

  claim(h: FeedHandlers): void {
    this.handlers = h;
    const earlier = this.pending;
    this.pending = [];
    for (const p of earlier) {
      if ('status' in p) h.status(p.status);
      else h.entries(p.entries);
    }
  }

  private keep(p: Pending): void {
    if (this.overflow) return;
    this.pending.push(p);
    if (this.pending.length < MAX_PENDING) return;
    this.overflow = true;
    this.pending = [];
    this.unsubscribe();
  }
}

export function startBootFeed(chat: ChatApi): void {
  if (boot) return;
  // See takeAccountAfterBoot(): listened for before any answer or push is handled.
  chat.onAccount(() => {
    if (bootSnapshot() !== null) accountAfterBoot = true;
  });
  let snapshot: Snapshot | null = null;
  let failed = false;
  const off = () => {
    offStatus();
    offEntries();
  };
  const relay = new Relay(off);
  // Subscribe first so nothing between the snapshot and the subscription is lost. Pushes that
  // arrive before the snapshot's answer were sent before it was taken (one ordered channel), so
  // the snapshot already holds them.
  const offStatus = chat.onStatus((status) => {
    if (relay.ready) relay.status(status);
  });
  const offEntries = chat.onEntries((entries) => {
    if (relay.ready) relay.entries(entries);
  });
  performance.mark('chat:snapshot-asked');
  const settled = chat.getSnapshot().then(
    (snap) => {
      performance.mark('chat:snapshot-in');
      snapshot = snap;
      relay.ready = true;
    },
    () => {
      failed = true;
    },
  );
  boot = {
    get snapshot() {
      return snapshot;
    },
    get failed() {
      return failed;
    },
    settled,
    overflowed: () => relay.overflow,
    claim(h) {
      relay.claim(h);
      return () => {
        relay.handlers = undefined;
        off();
      };
    },
  };
}

/**
 * The boot feed, once: a second caller (React's StrictMode runs effects twice in development)
 * gets undefined and subscribes and asks on its own. Also undefined when pushes overflowed.
 */
export function claimBootFeed(): BootFeed | undefined {
  if (claimed || !boot || boot.overflowed()) return undefined;
  claimed = true;
  return boot;
}

/** The snapshot, if it has already come (for the first render); does not claim. */
export function bootSnapshot(): Snapshot | null {
  return claimed || !boot || boot.overflowed() ? null : boot.snapshot;
}

/**
 * A `chat:account` push that lands after the boot snapshot's answer but before the feed subscribes
 * (React's first render waits for that answer, and effects run after it) would be lost, and the
 * window would keep the log of before: main may open the account's stores just after the window
 * asked. True once, when that happened: the feed then asks for the snapshot again.
 */
let accountAfterBoot = false;
export function takeAccountAfterBoot(): boolean {
  const was = accountAfterBoot;
  accountAfterBoot = false;
  return was;
}

/** Settles when the boot snapshot came or failed, or at once when there is none. */
export function bootSettled(): Promise<void> {
  return boot?.settled ?? Promise.resolve();
}
