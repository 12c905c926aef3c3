/**
 * Messages waiting for another account (another server, token or room): main keeps them with
 * their account and never sends them anywhere else. Fetched at start and again on every
 * `chat:account` push (the account in use changed, so "the others" did too).
 */
import { useChat } from './AppContext';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { LeftoverView } from '../../electron/common/contract';

export type Discarded = { ok: true; count: number; host: string } | { ok: false; host: string };

export interface Leftovers {
  /** The leftovers to show: not those put off with "Send there later" (until their count changes). */
  shown: LeftoverView[];
  /** Keeps them (they go out when that account is used again) and hides the banner for that account. */
  sendLater(l: LeftoverView): void;
  /** Deletes them in main; resolves with how many, or ok: false (the list is fetched again either way). */
  discard(l: LeftoverView): Promise<Discarded>;
}

export function useLeftovers(): Leftovers {
  const [list, setList] = useState<LeftoverView[]>([]);
  // key → the count when "Send there later" was chosen: a different count shows the banner again.
  const [later, setLater] = useState<ReadonlyMap<string, number>>(() => new Map());
  const refetch = useRef<() => void>(() => undefined);
  const chat = useChat();

  useEffect(() => {
    let live = true;
    let asked = 0;
    const fetchNow = () => {
      const n = ++asked;
      // Nothing shown is better than a broken window: a failed read keeps what was there.
      chat.getLeftovers().then(
        (l) => live && n === asked && setList(l),
        () => undefined,
      );
    };
    refetch.current = fetchNow;
    const off = chat.onAccount(fetchNow);
    fetchNow();
    return () => {
      live = false;
      off();
    };
  }, [chat]);

  const sendLater = useCallback((l: LeftoverView) => setLater((m) => new Map(m).set(l.key, l.count)), []);
  const discard = useCallback(
    async (l: LeftoverView): Promise<Discarded> => {
      try {
        const count = await chat.discardLeftovers(l.key);
        return { ok: true, count, host: l.host };
      } catch {
        return { ok: false, host: l.host };
      } finally {
        refetch.current();
      }
    },
    [chat],
  );

  return { shown: list.filter((l) => later.get(l.key) !== l.count), sendLater, discard };
}
