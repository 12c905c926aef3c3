/**
 * The log and the connection status as main pushes them: subscribe, take a snapshot, then
 * apply pushes. Entries go into a mutable EntryStore at once; React reads the feed through
 * useSyncExternalStore, and what it reads (FeedView) changes only when published.
 */
import { useEffect, useRef, useState, useSyncExternalStore, type MutableRefObject } from 'react';
import type { ChatApi, LogEntry, Snapshot } from '../../electron/common/contract';
import type { Status } from '../../electron/common/state';
import { useChat } from './AppContext';
import { bootSnapshot, claimBootFeed, takeAccountAfterBoot, type FeedHandlers } from './bootFeed';
import { EntryStore } from './store';

/** Until the first status says otherwise. */
const DEFAULT_LIMIT = 10 * 1024;
/**
 * While the person follows the bottom, the window holds at most LIVE_MAX entries and is
 * cut back to LIVE_KEEP (the rest can be paged in again): a flood of messages must not
 * grow what the log lays out on every change (5,000 msgs/s froze frames for 0.7 s at 50k).
 */
const LIVE_MAX = 1_500;
const LIVE_KEEP = 1_000;

/** What the window renders from the feed: a new object whenever any part of it changes. */
export interface FeedView {
  /** The store's version when last published (the log re-renders on it). */
  version: number;
  status: Status | null;
  /** The snapshot came (or failed): the log stops saying "Loading…". */
  loaded: boolean;
  /** Bumped to make the log jump to the newest entry. */
  stickRequest: number;
}

export interface FeedChange {
  status?: Status;
  loaded?: boolean;
  /** Jump to the newest entry. */
  stick?: boolean;
}

/**
 * The store plus the view React has seen. Everything that changes together goes out in one
 * publish, so React renders it in one pass (separate state updates could land in two renders).
 */
export class ChatFeed {
  readonly store = new EntryStore();
  private view: FeedView;

  /** `seed`: a snapshot that has already come, shown from the first render (and not reset again). */
  constructor(readonly seed: Snapshot | null = null) {
    if (seed) this.store.reset(seed.entries, seed.hasOlder);
    this.view = seed
      ? { version: this.store.version, status: seed.status, loaded: true, stickRequest: 1 }
      : { version: this.store.version, status: null, loaded: false, stickRequest: 0 };
  }
  private readonly listeners = new Set<() => void>();
  /** The conversation whose snapshot the store holds, once an account push named it (unknown before). */
  private shownRoom: string | undefined;
  private replaced = false;
  private readonly showingListeners = new Set<(room: string) => void>();

  /** The store is being replaced: what it shows is unknown until `showing` says. */
  replacing(): void {
    this.shownRoom = undefined;
    this.replaced = true;
  }

  /** The store now holds the snapshot of `room`. */
  showing(room: string): void {
    this.shownRoom = room;
    for (const cb of [...this.showingListeners]) cb(room);
  }

  /** The conversation the store holds: `first` (the one the window opened on) until a replacement, none during one. */
  holding(first: string | undefined): string | undefined {
    return this.shownRoom ?? (this.replaced ? undefined : first);
  }

  /** Calls `cb` each time the store holds another conversation's snapshot; returns the way to stop. */
  onShowing(cb: (room: string) => void): () => void {
    this.showingListeners.add(cb);
    return () => this.showingListeners.delete(cb);
  }

  /** Resolves true once the store holds `room`'s snapshot, false if that has not happened within `ms`. */
  whenShowing(room: string, ms: number): Promise<boolean> {
    if (this.shownRoom === room) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (shown: boolean) => {
        clearTimeout(timer);
        off();
        resolve(shown);
      };
      const off = this.onShowing((r) => r === room && done(true));
      const timer = setTimeout(() => done(false), ms);
    });
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getView = (): FeedView => this.view;

  /** Shows the store as it is now, with `change`; nothing new to show keeps the same view (no render). */
  readonly publish = (change: FeedChange = {}): void => {
    const v = this.view;
    const next: FeedView = {
      version: this.store.version,
      status: change.status ?? v.status,
      loaded: change.loaded ?? v.loaded,
      stickRequest: change.stick ? v.stickRequest + 1 : v.stickRequest,
    };
    if (next.version === v.version && next.status === v.status && next.loaded === v.loaded && next.stickRequest === v.stickRequest) return;
    this.view = next;
    for (const listener of this.listeners) listener();
  };
}

export interface ChatFeedState extends FeedView {
  feed: ChatFeed;
  /** Largest message the server takes, in UTF-8 bytes (it comes in the status). */
  limit: number;
  /** Whether the person is at the bottom; the log keeps it, the feed trims the window only then. */
  atEndRef: MutableRefObject<boolean>;
}

export function useChatFeed(): ChatFeedState {
  // The boot snapshot, when it has come (main.tsx waits for it): the first render shows the newest page.
  const [feed] = useState(() => new ChatFeed(bootSnapshot()));
  const view = useSyncExternalStore(feed.subscribe, feed.getView);
  const atEndRef = useRef(true);
  const chat = useChat();
  useEffect(() => connect(chat, feed, atEndRef), [chat, feed]);
  return { ...view, feed, limit: view.status?.maxMessageBytes ?? DEFAULT_LIMIT, atEndRef };
}

/** Feeds `feed` from the chat API until the returned function is called. */
function connect(chat: ChatApi, feed: ChatFeed, atEndRef: MutableRefObject<boolean>): () => void {
  const store = feed.store;
  let ready = false;
  let disposed = false;
  const onStatus = (status: Status) => {
    if (ready) feed.publish({ status });
  };
  const render = oncePerFrame(() => {
    if (!disposed) feed.publish();
  });
  const onEntries = (batch: LogEntry[]) => {
    if (!ready) return;
    store.upsert(batch);
    if (atEndRef.current && store.size > LIVE_MAX) store.trimOldest(LIVE_KEEP);
    render.schedule();
  };
  const take = (snap: Snapshot | null) => {
    if (disposed) return;
    if (snap === feed.seed && snap)
      ready = true; // already shown by the first render
    else if (snap) {
      store.reset(snap.entries, snap.hasOlder);
      ready = true;
      feed.publish({ status: snap.status, loaded: true, stick: true });
    } else feed.publish({ loaded: true });
  };
  const unsubscribe = subscribe(chat, { status: onStatus, entries: onEntries }, take);
  const offAccount = refetchOnAccount(
    chat,
    feed,
    (r) => (ready = r),
    () => !disposed,
  );
  return () => {
    disposed = true;
    render.cancel();
    offAccount();
    unsubscribe();
  };
}

/**
 * Pushes go into the store at once, but React renders at most once per display frame:
 * two pushes landing in one frame would otherwise lay the log out twice. (The timer is
 * the fallback for a window that gets no animation frames, e.g. while hidden.)
 */
function oncePerFrame(fn: () => void): { schedule(): void; cancel(): void } {
  let frame = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const cancel = () => {
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    frame = 0;
    timer = undefined;
  };
  const run = () => {
    cancel();
    fn();
  };
  return {
    schedule() {
      if (timer !== undefined) return;
      frame = requestAnimationFrame(run);
      timer = setTimeout(run, 100);
    },
    cancel,
  };
}

/**
 * Subscribes `handlers` and gives `take` the snapshot (null: asking failed) before any push
 * that came after it: through the boot feed when this is its first claim, else on its own.
 */
function subscribe(chat: ChatApi, handlers: FeedHandlers, take: (snap: Snapshot | null) => void): () => void {
  const boot = claimBootFeed();
  if (boot) {
    let off: (() => void) | undefined;
    let gone = false;
    void boot.settled.then(() => {
      take(boot.snapshot);
      off = boot.claim(handlers);
      if (gone) off();
    });
    return () => {
      gone = true;
      off?.();
    };
  }
  // Subscribe first so nothing between the snapshot and the subscription is lost. Pushes that
  // arrive before the snapshot's answer were sent before it was taken (one ordered channel), so
  // the snapshot already holds them (`take` makes the handlers accept pushes).
  const offStatus = chat.onStatus(handlers.status);
  const offEntries = chat.onEntries(handlers.entries);
  chat.getSnapshot().then(take, () => take(null));
  return () => {
    offStatus();
    offEntries();
  };
}

/**
 * The log was replaced (another account, or its history cleared): snapshot again. Pushes until
 * its answer are in it (one ordered channel), so they wait (`setReady(false)`), as at the start.
 */
function refetchOnAccount(chat: ChatApi, feed: ChatFeed, setReady: (ready: boolean) => void, live: () => boolean): () => void {
  let asked = 0;
  const refetch = (room?: string) => {
    const n = ++asked;
    setReady(false);
    feed.replacing();
    chat.getSnapshot().then(
      (snap) => {
        if (!live() || n !== asked) return;
        feed.store.reset(snap.entries, snap.hasOlder);
        setReady(true);
        feed.publish({ status: snap.status, loaded: true, stick: true });
        if (room !== undefined) feed.showing(room);
      },
      () => undefined,
    );
  };
  const off = chat.onAccount((account) => refetch(account.room));
  if (takeAccountAfterBoot()) refetch();
  return off;
}
