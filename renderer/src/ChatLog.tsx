/**
 * The chat log, virtualized (@tanstack/react-virtual) so 100,000 entries stay
 * smooth: only the rows in view exist in the DOM. Positions are written by the
 * virtualizer straight to element.style (CSSOM, allowed by our CSP), so no
 * React `style` props are used. It follows the newest message while the
 * person is at the bottom; once they scroll up, a "new messages ↓" button
 * offers the way back. A search result is shown here through `jumpRef`: older pages
 * are paged in until it is held, then it is scrolled to and marked.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type Key, type MutableRefObject, type RefObject } from 'react';
import { useVirtualizer, type ReactVirtualizer, type Virtualizer } from '@tanstack/react-virtual';
import type { OlderEntries, ReceiptsView } from '../../electron/common/contract';
import type { ReasonCode } from '../../electron/common/errors';
import { useI18n, type I18n } from './AppContext';
import { rowPlace } from './grouping';
import { DaySeparator, GapRow, MessageRow } from './LogRows';
import { NO_ACTIONS, type ActionsAllowed, type OnAct } from './MessageTools';
import { pageInUntil, type EntryStore, type JumpOutcome } from './store';
import type { JumpFn } from './useSearchToggle';
import { useScrollPlace, type RestoreFn, type ScrollPlace } from './useScrollPlace';
import { useScrollTarget } from './useScrollTarget';

/** Within this many pixels of the bottom counts as "at the bottom". */
const END_THRESHOLD = 32;
/** A row's height before it is measured (a one-line message). */
const ROW_ESTIMATE_PX = 76;
/** Ask for an older page when the first rendered row is this close to the top of what we hold. */
const LOAD_AHEAD_ROWS = 40;
/** Entries per older page. */
const OLDER_PAGE = 200;

type LogVirtualizer = ReactVirtualizer<HTMLDivElement, Element>;

export interface ChatLogProps {
  store: EntryStore;
  /** Bumped whenever the store changes. */
  version: number;
  loaded: boolean;
  retryErrors: ReadonlyMap<string, ReasonCode>;
  onRetry: (key: string) => void;
  /** Bumped to jump to the newest entry (after the person sends). */
  stickRequest: number;
  /** Whether the person is at the bottom; kept here, read by the owner (it trims the window only then). */
  atEndRef: MutableRefObject<boolean>;
  /** The next older page before `before` (an entry's order). */
  fetchOlder: (before: number, limit: number) => Promise<OlderEntries>;
  /** The store changed outside a push (an older page went in). */
  onStoreChange: () => void;
  /** Filled in by the log: shows an entry (a search result), paging in older entries as needed. */
  jumpRef?: MutableRefObject<JumpFn | null>;
  /** Where the person is, as they scroll (the first row in view, or the bottom). */
  onPlace?: (place: ScrollPlace) => void;
  /** Filled in by the log: brings a place reported by `onPlace` back. */
  restoreRef?: MutableRefObject<RestoreFn | null>;
  /** Replies, edits and recalls: what the server takes, what to do, and showing a quoted message. */
  allowed?: ActionsAllowed;
  onAct?: OnAct;
  onQuote?: (seq: number) => void;
  /** Read status of the conversation shown (feature `receipts`). */
  receipts?: ReceiptsView;
}

const ignore = () => {};

export function ChatLog(props: ChatLogProps) {
  const { store, loaded } = props;
  const i18n = useI18n();
  const { t } = i18n;
  const scrollRef = useRef<HTMLDivElement>(null);
  const count = store.size;
  /** A failed page request waits for the next scroll before trying again (no request loop). */
  const olderFailed = useRef(false);
  const virtualizer = useLogVirtualizer(store, scrollRef);
  const { atEnd, unseen, jumpToEnd, syncAtEnd } = useFollowEnd(props, scrollRef, virtualizer, olderFailed);
  const jumpedKey = useJump(props, virtualizer, syncAtEnd);
  useScrollPlace({ ...props, scrollRef, virtualizer, syncAtEnd });
  const items = virtualizer.getVirtualItems();
  useOlderPages(props, scrollRef, items[0]?.index, olderFailed);

  return (
    <div className="log-wrap">
      <div
        className="log-scroll"
        ref={scrollRef}
        data-testid="log"
        role="log"
        aria-label={t.logLabel}
        aria-busy={!loaded}
        data-held={count}
        data-has-older={store.hasOlder ? 'true' : 'false'}
        tabIndex={0}
      >
        {loaded && count === 0 && (
          <div className="log-empty" data-testid="log-empty">
            <p className="log-empty-title">{t.emptyLog}</p>
            <p className="log-empty-hint">{t.emptyLogHint}</p>
          </div>
        )}
        {!loaded && <div className="log-empty">{t.loading}</div>}
        <div className="log-inner" ref={virtualizer.containerRef}>
          {items.map((item) => logRow(props, i18n, item.index, item.key, virtualizer, jumpedKey))}
        </div>
      </div>
      {!atEnd && unseen > 0 && (
        <button type="button" className="new-messages" data-testid="new-messages" onClick={jumpToEnd}>
          {t.newMessages(unseen)}
        </button>
      )}
    </div>
  );
}

/** The row at `index`: a day separator above the first message of a day, then the message or gap marker. */
function logRow(
  { store, retryErrors, onRetry, allowed = NO_ACTIONS, onAct = ignore, onQuote = ignore, receipts }: ChatLogProps,
  { t, fmt }: I18n,
  index: number,
  key: Key,
  virtualizer: LogVirtualizer,
  jumpedKey: string | undefined,
) {
  const entry = store.at(index);
  if (!entry) return null;
  // From the neighbour above only: O(1) per row in view, whatever the log's length.
  const place = rowPlace(entry, store.at(index - 1));
  const jumped = entry.key === jumpedKey;
  return (
    <div
      key={key}
      className={`row${place.continued ? ' row-continued' : ''}${jumped ? ' row-jumped' : ''}`}
      data-index={index}
      data-jumped={jumped ? 'true' : undefined}
      ref={virtualizer.measureElement}
    >
      {place.dayStart && <DaySeparator label={fmt.day(entry.timestamp, t)} />}
      {entry.kind === 'marker' ? (
        <GapRow entry={entry} />
      ) : (
        <MessageRow
          entry={entry}
          retryError={retryErrors.get(entry.key)}
          onRetry={onRetry}
          continued={place.continued}
          allowed={allowed}
          onAct={onAct}
          quoted={entry.replyTo !== undefined ? store.bySeq(entry.replyTo) : undefined}
          onQuote={onQuote}
          receipts={receipts?.conv === undefined ? undefined : receipts}
        />
      )}
    </div>
  );
}

function useLogVirtualizer(store: EntryStore, scrollRef: RefObject<HTMLDivElement | null>): LogVirtualizer {
  const getItemKey = useCallback((i: number) => store.keyAt(i), [store]);
  // Sizes come from the ResizeObserver only (after layout, before paint). The default also
  // reads offsetHeight when a row mounts, and with positions written between two reads
  // that forced a layout per new row: under 5,000 msgs/s most of a frame went there.
  const measureRow = useCallback((el: Element, entry: ResizeObserverEntry | undefined, v: Virtualizer<HTMLDivElement, Element>) => {
    const box = entry?.borderBoxSize?.[0];
    if (box) return Math.round(box.blockSize);
    const index = v.indexFromElement(el);
    return v.itemSizeCache.get(v.options.getItemKey(index)) ?? v.options.estimateSize(index);
  }, []);
  return useVirtualizer({
    count: store.size,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_ESTIMATE_PX,
    measureElement: measureRow,
    getItemKey,
    overscan: 6,
    paddingStart: 12,
    paddingEnd: 12,
    // Until the log is laid out: the window's height, scrolled to the bottom of what is held, so a
    // first render with the snapshot already in the store makes the newest rows, not the oldest
    // (which were painted for a frame before the scroll to the end brought the newest in).
    initialRect: { width: window.innerWidth, height: window.innerHeight },
    initialOffset: () => Math.max(0, store.size * ROW_ESTIMATE_PX + 24 - window.innerHeight),
    anchorTo: 'end',
    followOnAppend: true,
    scrollEndThreshold: END_THRESHOLD,
    directDomUpdates: true,
    useFlushSync: false,
  });
}

/** "At the bottom" and the count of what arrived below meanwhile; `syncAtEnd` reads the first from where the view is. */
function useAtEnd(scrollRef: RefObject<HTMLDivElement | null>, atEndRef: MutableRefObject<boolean>) {
  const [atEnd, setAtEnd] = useState(true);
  const [unseen, setUnseen] = useState(0);
  const lastTop = useRef(0);
  // On a scroll, and after a jump (which may not have had to scroll, so no event says where it is).
  const syncAtEnd = useCallback(() => {
    const el = scrollRef.current;
    if (!el) return;
    // Only moving up leaves the bottom: rows laid out below between the follow and this event
    // (a flood) must not count as the person scrolling away (the window would stop being bounded).
    const movedUp = el.scrollTop < lastTop.current;
    lastTop.current = el.scrollTop;
    const end = el.scrollHeight - el.scrollTop - el.clientHeight <= END_THRESHOLD || (atEndRef.current && !movedUp);
    atEndRef.current = end;
    setAtEnd(end);
    if (end) setUnseen(0);
  }, [scrollRef, atEndRef]);
  return { atEnd, setAtEnd, unseen, setUnseen, syncAtEnd };
}

/** Whether the person is at the bottom, what arrived below while they were not, and the way back down. */
function useFollowEnd(
  { store, version, stickRequest, atEndRef }: ChatLogProps,
  scrollRef: RefObject<HTMLDivElement | null>,
  virtualizer: LogVirtualizer,
  olderFailed: MutableRefObject<boolean>,
) {
  const { atEnd, setAtEnd, unseen, setUnseen, syncAtEnd } = useAtEnd(scrollRef, atEndRef);
  const prevAppended = useRef(store.appendedTotal);

  // Where the person is: only real scroll events move this (content growing
  // below us does not fire one, so "at the bottom" survives an append).
  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const onScroll = () => {
      olderFailed.current = false;
      syncAtEnd();
    };
    el.addEventListener('scroll', onScroll, { passive: true });
    // The viewport shrinks when the header or the message box grows: stay at the bottom.
    const resize = new ResizeObserver(() => {
      if (atEndRef.current) el.scrollTop = el.scrollHeight;
    });
    resize.observe(el);
    return () => {
      el.removeEventListener('scroll', onScroll);
      resize.disconnect();
    };
    // All stable (refs and a callback of refs): subscribed once, on mount.
  }, [scrollRef, atEndRef, olderFailed, syncAtEnd]);

  // Count what arrived (at the bottom) while the person was reading further up; pages going in on top do not count.
  useEffect(() => {
    const added = store.appendedTotal - prevAppended.current;
    prevAppended.current = store.appendedTotal;
    if (added > 0 && !atEndRef.current) setUnseen((n) => n + added);
  }, [store, version, atEndRef, setUnseen]);

  const jumpToEnd = useCallback(() => {
    if (store.size === 0) return;
    virtualizer.scrollToEnd();
    atEndRef.current = true;
    setAtEnd(true);
    setUnseen(0);
  }, [virtualizer, store, atEndRef, setAtEnd, setUnseen]);

  useLayoutEffect(() => {
    if (stickRequest > 0) jumpToEnd();
  }, [stickRequest, jumpToEnd]);

  return { atEnd, unseen, jumpToEnd, syncAtEnd };
}

/**
 * Fills in `jumpRef`: page in until the entry is held, then (after the render that lays it
 * out) scroll it to the middle and mark it (`row-jumped`, a CSS highlight that fades; the
 * mark stays until the next jump, so nothing depends on timing). While pages go in, the
 * person counts as not at the bottom: the feed trims the window only at the bottom, which
 * would let the pages go again. Scrolling up to it stops following the bottom by itself;
 * "new messages ↓" counts what arrives meanwhile.
 */
function useJump(
  { store, fetchOlder, onStoreChange, atEndRef, jumpRef }: ChatLogProps,
  virtualizer: LogVirtualizer,
  syncAtEnd: () => void,
): string | undefined {
  const [target, setTarget] = useScrollTarget(store, virtualizer, syncAtEnd, 'center');
  const latest = useRef(0);

  useEffect(() => {
    if (!jumpRef) return;
    jumpRef.current = async (entry): Promise<JumpOutcome> => {
      const n = ++latest.current;
      atEndRef.current = false;
      let found;
      try {
        // One render when all pages are in, not one per page: each lays out the whole window.
        found = await pageInUntil(store, entry, fetchOlder, () => {});
      } catch {
        found = 'failed' as const;
      }
      onStoreChange();
      if (n !== latest.current) return 'superseded';
      if (found !== 'held') {
        syncAtEnd();
        return found;
      }
      const key = 'key' in entry ? entry.key : store.bySeq(entry.seq)?.key;
      if (key === undefined) return 'gone';
      setTarget({ key, n });
      return 'shown';
    };
    return () => {
      jumpRef.current = null;
    };
  }, [jumpRef, store, fetchOlder, onStoreChange, atEndRef, syncAtEnd, setTarget]);

  return target?.key;
}

/**
 * Near the top of what we hold and the core has more: fetch the page before it. The
 * virtualizer (anchorTo 'end') keeps the rows in view where they are when it goes in.
 */
function useOlderPages(
  { store, version, fetchOlder, onStoreChange }: ChatLogProps,
  scrollRef: RefObject<HTMLDivElement | null>,
  firstIndex: number | undefined,
  olderFailed: MutableRefObject<boolean>,
) {
  const loadingOlder = useRef(false);

  useEffect(() => {
    if (firstIndex === undefined || firstIndex > LOAD_AHEAD_ROWS || !store.hasOlder) return;
    // Where the view really is now: the first render after a snapshot starts at the top
    // and is moved to the bottom by a layout effect, after `firstIndex` was computed.
    const el = scrollRef.current;
    if (!el || el.scrollTop > LOAD_AHEAD_ROWS * ROW_ESTIMATE_PX) return;
    const before = store.oldestOrder;
    if (before === undefined || loadingOlder.current || olderFailed.current) return;
    loadingOlder.current = true;
    fetchOlder(before, OLDER_PAGE).then(
      (page) => {
        loadingOlder.current = false;
        // The window moved meanwhile (trimmed, reset): this page no longer fits in front.
        if (store.oldestOrder !== before) return;
        store.prepend(page.entries, page.hasOlder);
        onStoreChange();
      },
      () => {
        loadingOlder.current = false;
        olderFailed.current = true;
      },
    );
  }, [firstIndex, version, store, fetchOlder, onStoreChange, scrollRef, olderFailed]);
}
