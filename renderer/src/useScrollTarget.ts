/**
 * Scrolling the log to one row once the render that holds it is laid out: a search jump
 * (centred) and a conversation's remembered place (at the top) both go through here. The
 * scroll event says where the view ended up; if it did not have to move there is none, so
 * `syncAtEnd` also looks once the scroll has been written (next frame).
 */
import { useLayoutEffect, useState } from 'react';
import type { Virtualizer } from '@tanstack/react-virtual';
import type { EntryStore } from './store';

/** `n` tells two targets on the same row apart, so each one scrolls. */
export type ScrollTarget = { key: string; n: number } | null;

export function useScrollTarget(
  store: EntryStore,
  virtualizer: Virtualizer<HTMLDivElement, Element>,
  syncAtEnd: () => void,
  align: 'center' | 'start',
): [ScrollTarget, (target: ScrollTarget) => void] {
  const [target, setTarget] = useState<ScrollTarget>(null);
  useLayoutEffect(() => {
    if (!target) return;
    const i = store.indexOf(target.key);
    if (i !== undefined) virtualizer.scrollToIndex(i, { align });
    const frame = requestAnimationFrame(syncAtEnd);
    return () => cancelAnimationFrame(frame);
    // A new target is what moves the view; the others are stable for the log's lifetime.
  }, [target, store, virtualizer, syncAtEnd, align]);
  return [target, setTarget];
}
