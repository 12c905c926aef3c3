/**
 * Ctrl+K: a modal dialog to go to any conversation by typing part of its name. A combobox
 * over a listbox (↑/↓ choose, Enter opens, Escape closes); each option says its unread and
 * mention counts as the sidebar does.
 */
import { useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { ConversationView, ConversationsView } from '../../electron/common/contract';
import { useI18n } from './AppContext';
import { CountBadges } from './CountBadges';
import { matchConversations } from './switcherMatch';
import { useModalDialog } from './useModalDialog';

export interface QuickSwitcherProps {
  view: ConversationsView;
  onOpen: (id: string) => void;
  onClose: () => void;
}

export function QuickSwitcher({ view, onOpen, onClose }: QuickSwitcherProps) {
  const { t } = useI18n();
  const ids = useId();
  const input = useRef<HTMLInputElement>(null);
  const modal = useModalDialog(onClose, input);
  const go = (id: string) => {
    onClose();
    if (id !== view.current) onOpen(id);
  };
  const { query, setQuery, matches, index, chosen, onKeyDown } = useSwitcherChoice(view, go);
  const optionId = (i: number) => `${ids}-option-${i}`;

  return (
    <dialog {...modal} className="switcher" aria-labelledby={`${ids}-title`} data-testid="quick-switcher">
      <h2 id={`${ids}-title`} className="switcher-title">
        {t.switcherTitle}
      </h2>
      <input
        ref={input}
        className="switcher-input"
        role="combobox"
        aria-expanded="true"
        aria-controls={`${ids}-list`}
        aria-autocomplete="list"
        aria-activedescendant={chosen ? optionId(index) : undefined}
        aria-describedby={`${ids}-hint`}
        aria-label={t.switcherTitle}
        placeholder={t.switcherPlaceholder}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <ul id={`${ids}-list`} className="switcher-list" role="listbox" aria-label={t.conversationsLabel}>
        {matches.map((c, i) => (
          <SwitcherOption key={c.id} c={c} id={optionId(i)} chosen={i === index} onOpen={go} />
        ))}
      </ul>
      {matches.length === 0 && (
        <p className="switcher-none" role="status">
          {t.switcherNone}
        </p>
      )}
      <p id={`${ids}-hint`} className="switcher-hint">
        {t.switcherHint}
      </p>
    </dialog>
  );
}

function SwitcherOption({ c, id, chosen, onOpen }: { c: ConversationView; id: string; chosen: boolean; onOpen: (id: string) => void }) {
  const { t } = useI18n();
  return (
    <li
      id={id}
      role="option"
      aria-selected={chosen}
      className={`switcher-option${chosen ? ' switcher-option-chosen' : ''}`}
      data-conversation={c.id}
      // The box keeps the focus: a click opens the option without blurring the combobox first.
      onMouseDown={(e) => e.preventDefault()}
      onClick={() => onOpen(c.id)}
    >
      <span className="switcher-name">{c.name}</span>
      <span className="sr-only">
        {c.unread > 0 ? `, ${t.unreadCount(c.unread)}` : ''}
        {c.mentions > 0 ? `, ${t.mentionCount(c.mentions)}` : ''}
      </span>
      <CountBadges c={c} mutedDot={false} />
    </li>
  );
}

/** What is typed, what matches it, which match is chosen (↑/↓), and Enter opening it. */
function useSwitcherChoice(view: ConversationsView, go: (id: string) => void) {
  const [query, setTyped] = useState('');
  const [at, setAt] = useState(0);
  const matches = useMemo(() => matchConversations(view.list, query), [view.list, query]);
  const index = Math.min(at, matches.length - 1);
  const chosen = matches[index];
  const setQuery = (q: string) => {
    setTyped(q);
    setAt(0);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      setAt(Math.min(matches.length - 1, Math.max(0, index + (e.key === 'ArrowDown' ? 1 : -1))));
    } else if (e.key === 'Enter' && !e.nativeEvent.isComposing) {
      e.preventDefault();
      if (chosen) go(chosen.id);
    }
  };
  return { query, setQuery, matches, index, chosen, onKeyDown };
}
