/**
 * Above the log of a conversation: its name, what it is and how many members it has; in a
 * narrow window, the button that shows the conversation list.
 */
import type { ConversationsView } from '../../electron/common/contract';
import { useI18n } from './AppContext';

export interface ConversationHeaderProps {
  view: ConversationsView;
  sidebarOpen: boolean;
  onToggleSidebar: () => void;
}

export function ConversationHeader({ view, sidebarOpen, onToggleSidebar }: ConversationHeaderProps) {
  const { t } = useI18n();
  const c = view.list.find((x) => x.id === view.current);
  const waiting = view.list.reduce((n, x) => n + (x.id === view.current ? 0 : x.unread), 0);
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
        ☰{waiting > 0 && <span className="badge badge-unread">{waiting > 99 ? '99+' : waiting}</span>}
        <span className="sr-only">{sidebarOpen ? t.hideConversations : t.showConversations}</span>
      </button>
      <h2 className="conversation-title">{c?.name ?? view.current}</h2>
      {c && <span className="conversation-members">{t.membersCount(c.members)}</span>}
    </div>
  );
}
