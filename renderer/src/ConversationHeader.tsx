/**
 * Above the log of a conversation: its name, what it is and how many members it has, and how
 * much of it notifies (all, only @mentions, muted); in a narrow window, the button that shows
 * the conversation list.
 */
import { useId } from 'react';
import type { ConversationsView, NotifyLevel } from '../../electron/common/contract';
import { useI18n } from './AppContext';
import { countText } from './CountBadges';
import { MemberList } from './MemberList';

export interface ConversationHeaderProps {
  view: ConversationsView;
  sidebarOpen: boolean;
  onToggleSidebar: () => void;
  onSetNotify: (id: string, level: NotifyLevel) => void;
}

const LEVELS: readonly NotifyLevel[] = ['all', 'mentions', 'muted'];

export function ConversationHeader({ view, sidebarOpen, onToggleSidebar, onSetNotify }: ConversationHeaderProps) {
  const { t } = useI18n();
  const notifyId = useId();
  const c = view.list.find((x) => x.id === view.current);
  const waiting = view.list.reduce((n, x) => n + (x.id === view.current ? 0 : x.unread), 0);
  const levelText: Record<NotifyLevel, string> = { all: t.notifyAll, mentions: t.notifyMentions, muted: t.notifyMuted };
  return (
    <div className="conversation-header">
      <button
        type="button"
        className="button sidebar-toggle"
        aria-expanded={sidebarOpen}
        aria-controls="conversation-sidebar"
        onClick={onToggleSidebar}
        title={sidebarOpen ? t.hideConversations : t.showConversations}
      >
        ☰{waiting > 0 && <span className="badge badge-unread">{countText(waiting)}</span>}
        <span className="sr-only">{sidebarOpen ? t.hideConversations : t.showConversations}</span>
      </button>
      <h2 className="conversation-title">{c?.name ?? view.current}</h2>
      {/* Keyed: another conversation starts with its list closed. */}
      {c && <MemberList key={c.id} conv={c.id} count={c.members} canInvite={c.kind !== 'dm'} />}
      {c && (
        <>
          <label className="sr-only" htmlFor={notifyId}>
            {t.notifyLabel}
          </label>
          <select
            id={notifyId}
            className="conversation-notify"
            data-testid="notify-level"
            title={t.notifyLabel}
            value={c.notify}
            onChange={(e) => onSetNotify(c.id, e.target.value as NotifyLevel)}
          >
            {LEVELS.map((level) => (
              <option key={level} value={level}>
                {levelText[level]}
              </option>
            ))}
          </select>
        </>
      )}
    </div>
  );
}
