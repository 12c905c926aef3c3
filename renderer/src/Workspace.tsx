/**
 * Where the log goes: with conversations (feature `conversations`), beside the sidebar and
 * under the conversation's header, with the quick switcher on Ctrl+K; on a one-room server,
 * alone, as it always was.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { ConversationHeader } from './ConversationHeader';
import { NewMessageDialog } from './NewMessageDialog';
import { QuickSwitcher } from './QuickSwitcher';
import { Sidebar } from './Sidebar';
import type { Conversations } from './useConversations';

export function Workspace({ conversations, children }: { conversations: Conversations; children: ReactNode }) {
  // Narrow windows only: the list is hidden until the header's button asks for it.
  const [sidebarOpen, setSidebarOpen] = useState(false);
  const [switcherOpen, setSwitcherOpen] = useState(false);
  const [newOpen, setNewOpen] = useState(false);
  const view = conversations.view;
  const multi = view?.multi === true;
  useSwitcherKey(multi, () => setSwitcherOpen(true));
  if (!view?.multi) return <>{children}</>;
  return (
    <div className="workspace">
      <Sidebar
        view={view}
        collapsed={!sidebarOpen}
        onNewMessage={() => setNewOpen(true)}
        onOpen={(id) => {
          setSidebarOpen(false);
          conversations.open(id);
        }}
      />
      <div className="conversation-pane">
        <ConversationHeader
          view={view}
          sidebarOpen={sidebarOpen}
          onToggleSidebar={() => setSidebarOpen((o) => !o)}
          onSetNotify={conversations.setNotify}
        />
        {children}
      </div>
      {newOpen && (
        <NewMessageDialog
          onClose={() => setNewOpen(false)}
          onOpened={(v) => {
            setNewOpen(false);
            setSidebarOpen(false);
            conversations.adopt(v);
          }}
        />
      )}
      {switcherOpen && <QuickSwitcher view={view} onOpen={conversations.open} onClose={() => setSwitcherOpen(false)} />}
    </div>
  );
}

/** Ctrl+K anywhere in the window (the composer too) opens the quick switcher. */
function useSwitcherKey(enabled: boolean, open: () => void): void {
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (!e.ctrlKey || e.altKey || e.metaKey || e.shiftKey || e.key.toLowerCase() !== 'k' || e.isComposing) return;
      e.preventDefault();
      open();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled, open]);
}
