/**
 * Opening and closing the search panel: Ctrl+F (anywhere in the window, except over a
 * modal dialog) or the header's button opens it, or focuses its box again; closing puts
 * focus back where it was before it opened. The jump from a result to the log goes
 * through `jumpRef`, which the log fills in.
 */
import { useCallback, useEffect, useRef, useState, type MutableRefObject } from 'react';
import type { MessageEntry, SearchEntry } from '../../electron/common/contract';
import type { JumpOutcome } from './store';
import type { ReachFn } from './useReachConversation';

/** A search result, or (a reply's quote) the message with a seq. */
export type JumpFn = (entry: MessageEntry | { seq: number }) => Promise<JumpOutcome>;

export interface SearchToggle {
  open: boolean;
  /** Bumped on every open request, so an open panel focuses its box again. */
  focusRequest: number;
  openSearch: () => void;
  closeSearch: () => void;
  jumpRef: MutableRefObject<JumpFn | null>;
  /** Shows a result in the log: its conversation first, where it is another one (`reach`). */
  jump: (entry: SearchEntry) => Promise<JumpOutcome>;
}

function isFindKey(e: KeyboardEvent): boolean {
  // By the key's place too: with a Chinese input method or another layout `key` may not be 'f'.
  return (e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && (e.key === 'f' || e.key === 'F' || e.code === 'KeyF');
}

export function useSearchToggle(reach?: ReachFn): SearchToggle {
  const [open, setOpen] = useState(false);
  const [focusRequest, setFocusRequest] = useState(0);
  const returnTo = useRef<Element | null>(null);
  const wasOpen = useRef(false);
  const jumpRef = useRef<JumpFn | null>(null);

  const openSearch = useCallback(() => {
    if (!wasOpen.current) returnTo.current = document.activeElement;
    wasOpen.current = true;
    setOpen(true);
    setFocusRequest((n) => n + 1);
  }, []);

  const closeSearch = useCallback(() => setOpen(false), []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!isFindKey(e) || document.querySelector('dialog[open]')) return;
      e.preventDefault();
      openSearch();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [openSearch]);

  // Closed: focus goes back to where it was (the log if that is gone or was nothing).
  useEffect(() => {
    if (open || !wasOpen.current) return;
    wasOpen.current = false;
    const back = returnTo.current;
    returnTo.current = null;
    const target =
      back instanceof HTMLElement && back.isConnected && back !== document.body
        ? back
        : document.querySelector<HTMLElement>('[data-testid="log"]');
    target?.focus();
  }, [open]);

  const jump = useCallback(
    async (entry: SearchEntry): Promise<JumpOutcome> => {
      if (reach && !(await reach(entry))) return 'failed';
      return jumpRef.current?.(entry) ?? 'failed';
    },
    [reach],
  );

  return { open, focusRequest, openSearch, closeSearch, jumpRef, jump };
}
