/**
 * The chat log, virtualized (@tanstack/react-virtual) so 100,000 entries stay
 * smooth: only the rows in view exist in the DOM. Positions are written by the
 * virtualizer straight to element.style (CSSOM, allowed by our CSP), so no
 * React `style` props are used. It follows the newest message while the
 * person is at the bottom; once they scroll up, a "new messages ↓" button
 * offers the way back.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type MutableRefObject, type RefObject } from 'react';
import { useVirtualizer, type ReactVirtualizer, type Virtualizer } from '@tanstack/react-virtual';
import type { OlderEntries } from '../../electron/common/contract';
import type { ReasonCode } from '../../electron/common/errors';
import type { Locale, Strings, TimeFormatters } from './i18n';
import { rowPlace } from './grouping';
import { DaySeparator, GapRow, MessageRow } from './LogRows';
import type { EntryStore } from './store';

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
  t: Strings;
  locale: Locale;
  fmt: TimeFormatters;
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
}

export function ChatLog(props: ChatLogProps) {
  const { store, loaded, t, locale, fmt, retryErrors, onRetry } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const count = store.size;
  /** A failed page request waits for the next scroll before trying again (no request loop). */
  const olderFailed = useRef(false);
  const virtualizer = useLogVirtualizer(store, scrollRef);
  const { atEnd, unseen, jumpToEnd } = useFollowEnd(props, scrollRef, virtualizer, olderFailed);
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
          {items.map((item) => {
            const entry = store.at(item.index);
            if (!entry) return null;
            // From the neighbour above only: O(1) per row in view, whatever the log's length.
            const place = rowPlace(entry, store.at(item.index - 1));
            return (
              <div key={item.key} className={place.continued ? 'row row-continued' : 'row'} data-index={item.index} ref={virtualizer.measureElement}>
                {place.dayStart && <DaySeparator label={fmt.day(entry.timestamp, t)} />}
                {entry.kind === 'marker' ? (
                  <GapRow entry={entry} t={t} />
                ) : (
                  <MessageRow entry={entry} t={t} locale={locale} fmt={fmt} retryError={retryErrors.get(entry.key)} onRetry={onRetry} continued={place.continued} />
                )}
              </div>
            );
          })}
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
    anchorTo: 'end',
    followOnAppend: true,
    scrollEndThreshold: END_THRESHOLD,
    directDomUpdates: true,
    useFlushSync: false,
  });
}

/** Whether the person is at the bottom, what arrived below while they were not, and the way back down. */
function useFollowEnd(
  { store, version, stickRequest, atEndRef }: ChatLogProps,
  scrollRef: RefObject<HTMLDivElement | null>,
  virtualizer: LogVirtualizer,
  olderFailed: MutableRefObject<boolean>,
) {
  const [atEnd, setAtEnd] = useState(true);
  const [unseen, setUnseen] = useState(0);
  const prevAppended = useRef(store.appendedTotal);

  // Where the person is: only real scroll events move this (content growing
  // below us does not fire one, so "at the bottom" survives an append).
  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const onScroll = () => {
      olderFailed.current = false;
      const end = el.scrollHeight - el.scrollTop - el.clientHeight <= END_THRESHOLD;
      atEndRef.current = end;
      setAtEnd(end);
      if (end) setUnseen(0);
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
  }, []);

  // Count what arrived (at the bottom) while the person was reading further up; pages going in on top do not count.
  useEffect(() => {
    const added = store.appendedTotal - prevAppended.current;
    prevAppended.current = store.appendedTotal;
    if (added > 0 && !atEndRef.current) setUnseen((n) => n + added);
  }, [store, version, atEndRef]);

  const jumpToEnd = useCallback(() => {
    if (store.size === 0) return;
    virtualizer.scrollToEnd();
    atEndRef.current = true;
    setAtEnd(true);
    setUnseen(0);
  }, [virtualizer, store]);

  useLayoutEffect(() => {
    if (stickRequest > 0) jumpToEnd();
  }, [stickRequest, jumpToEnd]);

  return { atEnd, unseen, jumpToEnd };
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
  }, [firstIndex, version, store, fetchOlder, onStoreChange]);
}
