/**
 * The search panel under the header (Ctrl+F or the header's button): a combobox over a
 * listbox of results, newest first, each with its date and time, sender, and the text with
 * the match marked. ↑/↓ choose, Enter or a click shows the message in the log (older pages
 * load as needed), Escape closes. On a server with conversations every result names its
 * conversation, and showing one in another conversation opens that one first. Loaded on first use (SearchSlot's dynamic import), so
 * none of this is in the first paint's bundle. Text is rendered as text, never as HTML.
 */
import { useCallback, useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import type { SearchEntry } from '../../electron/common/contract';
import { useChat, useI18n } from './AppContext';
import type { Strings, TimeFormatters } from './i18n';
import { highlightPieces } from './searchText';
import { JUMP_MAX_PAGES, JUMP_PAGE, type JumpOutcome } from './store';
import { SEARCH_MAX_CHARS, useSearch, type AccountWatch, type SearchFn, type SearchState } from './useSearch';

export interface SearchPanelProps {
  /** Bumped when Ctrl+F or the button is used while the panel is open: focus the box again. */
  focusRequest: number;
  onJump: (entry: SearchEntry) => Promise<JumpOutcome>;
  onClose: () => void;
}

type JumpState = { key: string; outcome: JumpOutcome | 'loading'; when: string } | null;

/** useSearch over the chat API: its search, and its account changes (the same text is searched again). */
function useChatSearch() {
  const chat = useChat();
  const searchFn = useCallback<SearchFn>((text, limit) => chat.search(text, limit), [chat]);
  const watch = useCallback<AccountWatch>((onChange) => chat.onAccount(onChange), [chat]);
  return useSearch(searchFn, watch);
}

export default function SearchPanel({ focusRequest, onJump, onClose }: SearchPanelProps) {
  const ids = useId();
  const { t, fmt } = useI18n();
  const input = useRef<HTMLInputElement>(null);
  const { text, setText, state } = useChatSearch();
  const entries = state.phase === 'done' ? state.entries : [];
  const nav = useResultChoice(ids, state, entries, fmt, onJump, onClose);
  const active = Math.min(nav.active, Math.max(0, entries.length - 1));

  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, [focusRequest]);

  const listId = `${ids}-list`;
  return (
    <section className="search-panel" role="search" aria-label={t.searchLabel} data-testid="search-panel" onKeyDown={nav.onPanelKeyDown}>
      <div className="search-bar">
        <input
          ref={input}
          type="search"
          className="search-input"
          data-testid="search-input"
          role="combobox"
          aria-label={t.searchLabel}
          aria-expanded={entries.length > 0}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={entries.length > 0 ? `${ids}-r${active}` : undefined}
          aria-describedby={`${ids}-hint`}
          placeholder={t.searchPlaceholder}
          maxLength={SEARCH_MAX_CHARS}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={nav.onKeyDown}
        />
        <CloseButton label={t.searchClose} onClose={onClose} />
      </div>
      <p className="search-status" role="status" data-testid="search-status" data-phase={state.phase}>
        {statusText(state, nav.jump, t, fmt)}
      </p>
      <p className="search-hint" id={`${ids}-hint`}>
        {t.searchHint}
      </p>
      <ResultList
        id={listId}
        ids={ids}
        entries={entries}
        query={state.phase === 'done' ? state.query : ''}
        active={active}
        choose={nav.choose}
      />
    </section>
  );
}

function CloseButton({ label, onClose }: { label: string; onClose: () => void }) {
  return (
    <button type="button" className="icon-button" data-testid="search-close" aria-label={label} title={label} onClick={onClose}>
      <IconClose />
    </button>
  );
}

/** Which result is chosen (↑/↓), and showing it (Enter, a click) with what became of that. */
function useResultChoice(
  ids: string,
  state: SearchState,
  entries: SearchEntry[],
  fmt: TimeFormatters,
  onJump: SearchPanelProps['onJump'],
  onClose: () => void,
) {
  const [active, setActive] = useState(0);
  const [jump, setJump] = useState<JumpState>(null);
  // A new query: the first result is the one chosen, and no jump is being reported. (The same
  // query answered again after a switch keeps both: the jump that switched is still reported.)
  const query = state.phase === 'idle' ? '' : state.query;
  useEffect(() => {
    setActive(0);
    setJump(null);
  }, [query]);
  // The chosen result stays in view while the arrows move through a long list.
  useEffect(() => {
    document.getElementById(`${ids}-r${active}`)?.scrollIntoView({ block: 'nearest' });
  }, [active, ids]);

  const go = (entry: SearchEntry | undefined) => {
    if (!entry) return;
    const when = fmt.stamp(entry.timestamp);
    const key = resultKey(entry);
    setJump({ key, outcome: 'loading', when });
    void onJump(entry).then((outcome) => {
      if (outcome !== 'superseded') setJump((j) => (j?.key === key ? { key, outcome, when } : j));
    });
  };

  // Refreshed answers may be fewer: the arrows and Enter work from the last one still there.
  const at = (i: number) => Math.min(i, Math.max(0, entries.length - 1));
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (entries.length > 0) setActive((i) => (at(i) + (e.key === 'ArrowDown' ? 1 : entries.length - 1)) % entries.length);
    } else if (e.key === 'Enter' && !e.nativeEvent.isComposing) {
      e.preventDefault();
      go(entries[at(active)]);
    }
  };
  // Anywhere in the panel (the box or its close button); not while an input method is composing.
  const onPanelKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    if (e.key === 'Escape' && !e.nativeEvent.isComposing) {
      e.preventDefault();
      onClose();
    }
  };

  const choose = (i: number) => {
    setActive(i);
    go(entries[i]);
  };

  return { active, jump, onKeyDown, onPanelKeyDown, choose };
}

function ResultList(props: {
  id: string;
  ids: string;
  entries: SearchEntry[];
  query: string;
  active: number;
  choose: (i: number) => void;
}) {
  const { id, ids, entries, query, active, choose } = props;
  const { t } = useI18n();
  return (
    <ul
      className="search-results"
      id={id}
      role="listbox"
      aria-label={t.searchResults}
      data-testid="search-results"
      hidden={entries.length === 0}
    >
      {entries.map((entry, i) => (
        <li
          key={resultKey(entry)}
          id={`${ids}-r${i}`}
          role="option"
          aria-selected={i === active}
          className={i === active ? 'search-result search-result-active' : 'search-result'}
          data-testid="search-result"
          data-key={entry.key}
          // Keep focus in the box: the arrows and Enter go on working after a click.
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => choose(i)}
        >
          <ResultRow entry={entry} query={query} />
        </li>
      ))}
    </ul>
  );
}

/** Keys are a conversation's own (`seq:N` recurs in each): across conversations they are named by both. */
function resultKey(entry: SearchEntry): string {
  return entry.conv ? `${entry.conv.id}\u0000${entry.key}` : entry.key;
}

function ResultRow({ entry, query }: { entry: SearchEntry; query: string }) {
  const { t, fmt } = useI18n();
  return (
    <>
      <span className="search-result-meta">
        {entry.conv && (
          <span className="search-result-conv" data-testid="search-result-conv" data-conv={entry.conv.id}>
            {t.searchResultIn(entry.conv.name)}
          </span>
        )}
        <span className="search-result-sender" data-testid="search-result-sender">
          {entry.fromServer ? t.server : entry.user}
        </span>
        <time className="search-result-time" data-testid="search-result-time" dateTime={entry.timestamp}>
          {fmt.stamp(entry.timestamp)}
        </time>
      </span>
      <span className="search-result-text" data-testid="search-result-text">
        {highlightPieces(entry.text, query).map((p, i) => (p.match ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}
      </span>
    </>
  );
}

/** One line for everything there is to say: the search's phase, or what became of a jump. */
function statusText(state: SearchState, jump: JumpState, t: Strings, fmt: TimeFormatters): string {
  if (jump) {
    switch (jump.outcome) {
      case 'loading':
        return t.jumpLoading;
      case 'shown':
        return t.jumpShown(jump.when);
      case 'gone':
        return t.jumpGone;
      case 'too-far':
        return t.jumpTooFar(fmt.number(JUMP_PAGE * JUMP_MAX_PAGES));
      default:
        return t.jumpFailed;
    }
  }
  switch (state.phase) {
    case 'idle':
      return '';
    case 'searching':
      return t.searching;
    case 'failed':
      return t.searchFailed;
    case 'done':
      return state.entries.length === 0 ? t.searchNone(state.query) : t.searchFound(state.entries.length, state.more);
  }
}

function IconClose() {
  return (
    <svg
      className="icon"
      viewBox="0 0 16 16"
      width="16"
      height="16"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.6}
      strokeLinecap="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d="M4 4l8 8M12 4l-8 8" />
    </svg>
  );
}
