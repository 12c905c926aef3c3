/**
 * The conversation sidebar: rooms and DMs, newest activity first, each with its unread
 * badge and a distinct mention badge (@n). A listbox: ↑/↓, Home and End move through it
 * and open what they land on; the badges are part of each option's name for screen readers.
 * A muted conversation shows a dot instead of its count.
 */
import { useRef, type KeyboardEvent } from 'react';
import type { ConversationView, ConversationsView } from '../../electron/common/contract';
import { useI18n } from './AppContext';
import type { Strings } from './i18n';
import { CountBadges } from './CountBadges';
import { IconLock } from './Icons';

export interface SidebarProps {
  view: ConversationsView;
  onOpen: (id: string) => void;
  /** Narrow windows: the list is behind a button, and hidden until asked for. */
  collapsed: boolean;
  onNewMessage: () => void;
}

const optionId = (id: string) => `conv-${id.replace(/[^A-Za-z0-9_-]/g, (c) => `_${c.codePointAt(0)!.toString(16)}`)}`;

function kindLabel(t: Strings, kind: ConversationView['kind']): string {
  return kind === 'dm' ? t.kindDm : kind === 'private' ? t.kindPrivate : t.kindRoom;
}

export function Sidebar({ view, onOpen, collapsed, onNewMessage }: SidebarProps) {
  const { t } = useI18n();
  const list = useRef<HTMLUListElement>(null);
  const at = view.list.findIndex((c) => c.id === view.current);

  const onKeyDown = (e: KeyboardEvent<HTMLUListElement>) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const last = view.list.length - 1;
    const to = e.key === 'ArrowDown' ? at + 1 : e.key === 'ArrowUp' ? at - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? last : undefined;
    if (to === undefined) return;
    e.preventDefault();
    const next = view.list[Math.min(last, Math.max(0, to))];
    if (next && next.id !== view.current) onOpen(next.id);
  };

  return (
    <nav className={`sidebar${collapsed ? ' sidebar-collapsed' : ''}`} aria-label={t.conversationsLabel} id="conversation-sidebar">
      <div className="sidebar-head">
        <h2 className="sidebar-title">{t.conversationsLabel}</h2>
        <button type="button" className="button sidebar-new" data-testid="new-message-button" onClick={onNewMessage}>
          + {t.newMessage}
        </button>
      </div>
      {view.list.length === 0 ? (
        <p className="sidebar-empty">{t.noConversations}</p>
      ) : (
        <ul
          ref={list}
          className="conversation-list"
          role="listbox"
          aria-label={t.conversationsLabel}
          tabIndex={0}
          aria-activedescendant={at >= 0 ? optionId(view.current) : undefined}
          onKeyDown={onKeyDown}
        >
          {view.list.map((c) => (
            <ConversationOption key={c.id} c={c} selected={c.id === view.current} onOpen={onOpen} t={t} />
          ))}
        </ul>
      )}
    </nav>
  );
}

function ConversationOption({
  c,
  selected,
  onOpen,
  t,
}: {
  c: ConversationView;
  selected: boolean;
  onOpen: (id: string) => void;
  t: Strings;
}) {
  const unread = c.unread > 0 && !selected;
  // Muted: a dot says something is new, without a count that asks for attention (mentions still count).
  const muted = c.notify === 'muted';
  return (
    <li
      id={optionId(c.id)}
      role="option"
      aria-selected={selected}
      className={`conversation${selected ? ' conversation-current' : ''}${unread ? ' conversation-unread' : ''}`}
      data-conversation={c.id}
      onClick={() => onOpen(c.id)}
    >
      <span className={`conversation-kind conversation-kind-${c.kind}`} aria-hidden="true">
        {c.kind === 'dm' ? '@' : c.kind === 'private' ? <IconLock /> : '#'}
      </span>
      <span className="conversation-text">
        <span className="conversation-name">{c.name}</span>
        <span className="sr-only">
          {`, ${kindLabel(t, c.kind)}`}
          {c.unread > 0 ? `, ${muted ? t.mutedUnread : t.unreadCount(c.unread)}` : ''}
          {c.mentions > 0 ? `, ${t.mentionCount(c.mentions)}` : ''}
        </span>
        {c.last && (
          <span className="conversation-last" aria-hidden="true">
            {c.last.recalled ? t.recalledBy(c.last.user) : `${c.last.user}: ${c.last.text}`}
          </span>
        )}
      </span>
      <CountBadges c={c} mutedDot />
    </li>
  );
}
