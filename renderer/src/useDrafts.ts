/**
 * What is typed in each conversation's composer and not sent: kept when the person switches
 * away and back, and given to main (chat:set-draft), which keeps it across restarts. Saved a
 * moment after typing stops, and at once on a switch or when the window goes away, so a
 * quick switch loses nothing.
 */
import { useCallback, useEffect, useRef } from 'react';
import type { ConversationsView } from '../../electron/common/contract';
import { useChat } from './AppContext';

/** How long typing must pause before the draft goes to main. */
const SAVE_AFTER_MS = 500;

export interface Draft {
  conv: string;
  /** The text the composer of `conv` starts with. */
  initial: string;
  onChange: (text: string) => void;
}

export function useDrafts(view: ConversationsView | null): Draft | undefined {
  const chat = useChat();
  const typed = useRef(new Map<string, string>());
  const pending = useRef<{ conv: string; text: string; timer: ReturnType<typeof setTimeout> } | undefined>(undefined);
  const current = view?.multi ? view.current : undefined;
  const stored = current === undefined ? '' : (view?.list.find((c) => c.id === current)?.draft ?? '');

  const flush = useCallback(() => {
    const p = pending.current;
    if (!p) return;
    clearTimeout(p.timer);
    pending.current = undefined;
    void chat.setDraft(p.conv, p.text).catch(() => undefined);
  }, [chat]);

  // A switch (or the window closing) saves what waits for the conversation left.
  useEffect(() => flush, [current, flush]);
  useEffect(() => {
    window.addEventListener('pagehide', flush);
    return () => window.removeEventListener('pagehide', flush);
  }, [flush]);

  const onChange = useCallback(
    (text: string) => {
      if (current === undefined || (typed.current.get(current) ?? stored) === text) return;
      typed.current.set(current, text);
      if (pending.current && pending.current.conv !== current) flush();
      if (pending.current) clearTimeout(pending.current.timer);
      pending.current = { conv: current, text, timer: setTimeout(flush, SAVE_AFTER_MS) };
    },
    [current, stored, flush],
  );

  if (current === undefined) return undefined;
  return { conv: current, initial: typed.current.get(current) ?? stored, onChange };
}
