/**
 * The sidebar's state: the user's conversations and which one the window shows, as main
 * pushes them (feature `conversations`; `multi` false on a one-room server, and no sidebar).
 * Opening one asks main, which replaces the log (chat:account). The conversation shown is
 * marked read while the window has the person's attention.
 */
import { useCallback, useEffect, useState } from 'react';
import type { ConversationsView, NotifyLevel } from '../../electron/common/contract';
import { useChat } from './AppContext';

export interface Conversations {
  view: ConversationsView | null;
  open: (id: string) => void;
  /** The conversation before (-1) or after (+1) the shown one in the list, opened (Alt+↑/↓). */
  step: (by: -1 | 1) => void;
  setNotify: (id: string, level: NotifyLevel) => void;
  /** A view main answered with elsewhere (a DM just opened). */
  adopt: (view: ConversationsView) => void;
  totalUnread: number;
}

export function useConversations(): Conversations {
  const chat = useChat();
  const [view, setView] = useState<ConversationsView | null>(null);

  useEffect(() => {
    let live = true;
    const off = chat.onConversations((v) => setView(v));
    chat.getConversations().then(
      (v) => live && setView((now) => now ?? v),
      () => undefined,
    );
    return () => {
      live = false;
      off();
    };
  }, [chat]);

  const open = useCallback(
    (id: string) => {
      chat.openConversation(id).then(setView, () => undefined);
    },
    [chat],
  );

  const step = useCallback(
    (by: -1 | 1) => {
      if (!view || view.list.length === 0) return;
      const at = view.list.findIndex((c) => c.id === view.current);
      const next = view.list[Math.min(view.list.length - 1, Math.max(0, at + by))];
      if (next && next.id !== view.current) open(next.id);
    },
    [view, open],
  );

  const setNotify = useCallback(
    (id: string, level: NotifyLevel) => {
      chat.setNotify(id, level).then(setView, () => undefined);
    },
    [chat],
  );

  useMarkRead(view);
  useSwitchKeys(step);

  // As the tray counts (DeskTotals): a muted conversation's messages do not ask for attention.
  const totalUnread = view?.list.reduce((n, c) => n + (c.notify === 'muted' ? 0 : c.unread), 0) ?? 0;
  return { view, open, step, setNotify, adopt: setView, totalUnread };
}

/** The shown conversation is read while the window is visible and focused (and again when it gets focus back). */
function useMarkRead(view: ConversationsView | null): void {
  const chat = useChat();
  const current = view?.list.find((c) => c.id === view.current);
  const waiting = current !== undefined && current.unread > 0;
  const id = current?.id;
  useEffect(() => {
    if (!waiting || id === undefined) return;
    const mark = () => {
      if (document.visibilityState === 'visible' && document.hasFocus()) void chat.markRead(id).catch(() => undefined);
    };
    mark();
    window.addEventListener('focus', mark);
    return () => window.removeEventListener('focus', mark);
  }, [chat, id, waiting]);
}

/** Alt+↑ / Alt+↓ anywhere in the window: the conversation above or below in the list. */
function useSwitchKeys(step: (by: -1 | 1) => void): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
      e.preventDefault();
      step(e.key === 'ArrowUp' ? -1 : 1);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [step]);
}
