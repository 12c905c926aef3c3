/**
 * The log's side of "each conversation keeps its scroll position": as the person scrolls, the
 * first row in view is reported (`onPlace`); `restoreRef` brings such a place back (older pages
 * paged in as a search jump does, the row at the top, the bottom no longer followed). Which
 * conversation a place belongs to is the owner's business (useConversationScroll.ts).
 */
import { useEffect, useRef, type MutableRefObject, type RefObject } from 'react';
import type { Virtualizer } from '@tanstack/react-virtual';
import type { OlderEntries } from '../../electron/common/contract';
import { pageInUntil, type EntryStore } from './store';
import { useScrollTarget } from './useScrollTarget';

/** Where the person was: the first row in view (`key`, its `order` for paging), or at the bottom. */
export type ScrollPlace = { atEnd: true } | { atEnd: false; key: string; order?: number };
export type RestoreFn = (place: ScrollPlace & { atEnd: false }) => Promise<void>;

export interface ScrollPlaceDeps {
  store: EntryStore;
  scrollRef: RefObject<HTMLDivElement | null>;
  virtualizer: Virtualizer<HTMLDivElement, Element>;
  atEndRef: MutableRefObject<boolean>;
  fetchOlder: (before: number, limit: number) => Promise<OlderEntries>;
  onStoreChange: () => void;
  syncAtEnd: () => void;
  onPlace?: (place: ScrollPlace) => void;
  restoreRef?: MutableRefObject<RestoreFn | null>;
}

export function useScrollPlace(d: ScrollPlaceDeps): void {
  const { store, scrollRef, virtualizer, atEndRef, onPlace } = d;
  useEffect(() => {
    const el = scrollRef.current;
    if (!el || !onPlace) return;
    const report = () => {
      if (atEndRef.current) return onPlace({ atEnd: true });
      const first = virtualizer.getVirtualItems().find((item) => item.end > el.scrollTop);
      const entry = first ? store.at(first.index) : undefined;
      if (entry) onPlace({ atEnd: false, key: entry.key, ...(entry.order !== undefined ? { order: entry.order } : {}) });
    };
    el.addEventListener('scroll', report, { passive: true });
    return () => el.removeEventListener('scroll', report);
  }, [scrollRef, virtualizer, store, atEndRef, onPlace]);
  useRestore(d);
}

function useRestore({ store, virtualizer, atEndRef, fetchOlder, onStoreChange, syncAtEnd, restoreRef }: ScrollPlaceDeps): void {
  const [, setTarget] = useScrollTarget(store, virtualizer, syncAtEnd, 'start');
  const latest = useRef(0);
  useEffect(() => {
    if (!restoreRef) return;
    restoreRef.current = async (place) => {
      const n = ++latest.current;
      // After the frame that laid out the fresh snapshot at the bottom: this scroll comes after that one.
      await new Promise((resolve) => requestAnimationFrame(resolve));
      atEndRef.current = false;
      const found = await pageInUntil(store, place, fetchOlder, () => {}).catch(() => 'failed' as const);
      onStoreChange();
      if (n !== latest.current) return;
      if (found === 'held') setTarget({ key: place.key, n });
      else syncAtEnd(); // gone from the log meanwhile: the bottom, as a fresh open would show
    };
    return () => {
      restoreRef.current = null;
    };
  }, [restoreRef, store, fetchOlder, onStoreChange, atEndRef, syncAtEnd, setTarget]);
}
