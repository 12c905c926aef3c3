/**
 * Where the log goes: with conversations (feature `conversations`), beside the sidebar and
 * under the conversation's header; on a one-room server, alone, as it always was.
 */
import { useState, type ReactNode } from 'react';
import { ConversationHeader } from './ConversationHeader';
import { Sidebar } from './Sidebar';
import type { Conversations } from './useConversations';

export function Workspace({ conversations, children }: { conversations: Conversations; children: ReactNode }) {
  // Narrow windows only: the list is hidden until the header's button asks for it.
  const [sidebarOpen, setSidebarOpen] = useState(false);
  const view = conversations.view;
  if (!view?.multi) return <>{children}</>;
  return (
    <div className="workspace">
      <Sidebar
        view={view}
        collapsed={!sidebarOpen}
        onOpen={(id) => {
          setSidebarOpen(false);
          conversations.open(id);
        }}
      />
      <div className="conversation-pane">
        <ConversationHeader view={view} sidebarOpen={sidebarOpen} onToggleSidebar={() => setSidebarOpen((o) => !o)} />
        {children}
      </div>
    </div>
  );
}
