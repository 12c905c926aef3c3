/**
 * Each conversation keeps its scroll position: the log reports where the person is as they
 * scroll, kept here per conversation (for this window's life), and when the log holds a
 * conversation again its place comes back; at the bottom it stays at the bottom, following.
 */
import { useCallback, useEffect, useRef } from 'react';
import type { ChatFeed } from './useChatFeed';
import type { RestoreFn, ScrollPlace } from './useScrollPlace';

export function useConversationScroll(feed: ChatFeed, current: string | undefined) {
  const places = useRef(new Map<string, ScrollPlace>());
  const restoreRef = useRef<RestoreFn | null>(null);
  const currentRef = useRef(current);
  currentRef.current = current;

  const onPlace = useCallback(
    (place: ScrollPlace) => {
      // Not while the log is being replaced: its scroll then is the new snapshot's, not the person's.
      const room = feed.holding(currentRef.current);
      if (room !== undefined) places.current.set(room, place);
    },
    [feed],
  );

  useEffect(
    () =>
      feed.onShowing((room) => {
        const place = places.current.get(room);
        if (place && !place.atEnd) void restoreRef.current?.(place);
      }),
    [feed],
  );

  /** A search result is about to be shown there: the jump decides where the log goes, not the old place. */
  const forget = useCallback((room: string) => void places.current.delete(room), []);

  return { onPlace, restoreRef, forget };
}
