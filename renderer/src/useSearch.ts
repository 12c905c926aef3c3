/**
 * The search box's state: what is typed, and the answer for it. Typing waits a moment
 * before asking (a burst of keys is one search), and only the answer to the latest query
 * is ever shown: an older one that comes back late is dropped, so results for "会议" can
 * never replace those for "会议改" typed after it. When the account changes or its history
 * is cleared (`onAccount`), the query is asked again: results never outlive their store. That
 * refresh is quiet: the results shown stay until the new ones replace them (a search across
 * conversations is refreshed when its result opens another conversation, and must not blink).
 */
import { useEffect, useRef, useState } from 'react';
import type { SearchEntry, SearchResult } from '../../electron/common/contract';

/** Results asked for per search (the panel says when there may be more). */
export const SEARCH_LIMIT = 100;
/** MAX_SEARCH_CHARS in the contract: the box takes no more. */
export const SEARCH_MAX_CHARS = 200;
/** Quiet time after the last key before asking. */
const DEBOUNCE_MS = 180;

export type SearchState =
  | { phase: 'idle' }
  | { phase: 'searching'; query: string }
  | { phase: 'done'; query: string; entries: SearchEntry[]; more: boolean }
  | { phase: 'failed'; query: string };

export type SearchFn = (text: string, limit: number) => Promise<SearchResult>;
/** Calls back when the account whose store is searched changes; returns the way to stop. */
export type AccountWatch = (onChange: () => void) => () => void;

export function useSearch(
  search: SearchFn,
  onAccount?: AccountWatch,
): { text: string; setText: (text: string) => void; state: SearchState } {
  const [text, setText] = useState('');
  const [state, setState] = useState<SearchState>({ phase: 'idle' });
  /** Bumped by an account change: the same text is searched again. */
  const [generation, setGeneration] = useState(0);
  /** Bumped per query: an answer is shown only if its number is still the latest. */
  const latest = useRef(0);
  /** The query last asked: asked again (an account change), it keeps its results meanwhile. */
  const asked = useRef('');

  useEffect(() => {
    const query = text.trim();
    const n = ++latest.current;
    const again = query === asked.current;
    asked.current = query;
    if (query === '') {
      setState({ phase: 'idle' });
      return;
    }
    if (!again) setState({ phase: 'searching', query });
    const timer = setTimeout(() => {
      search(query, SEARCH_LIMIT).then(
        (r) => {
          if (n === latest.current) setState({ phase: 'done', query, entries: r.entries, more: r.entries.length >= SEARCH_LIMIT });
        },
        () => {
          if (n === latest.current) setState({ phase: 'failed', query });
        },
      );
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, search, generation]);

  useEffect(() => onAccount?.(() => setGeneration((g) => g + 1)), [onAccount]);

  // Closing the panel: an answer still on its way is not shown anywhere.
  useEffect(
    () => () => {
      latest.current += 1;
    },
    [],
  );

  return { text, setText, state };
}
