/**
 * Showing a search result of another conversation: that conversation is opened first, and
 * the jump waits until the log holds its snapshot (the account push main sends on a switch,
 * then the snapshot taken after it). False when it could not be opened or did not arrive.
 */
import { useCallback } from 'react';
import type { SearchEntry } from '../../electron/common/contract';
import { useChat } from './AppContext';
import type { ChatFeed } from './useChatFeed';
import type { Conversations } from './useConversations';

/** Main switches at once and the snapshot is one IPC round trip: this long means something is wrong. */
const REACH_MS = 10_000;

export type ReachFn = (entry: SearchEntry) => Promise<boolean>;

export function useReachConversation(feed: ChatFeed, conversations: Conversations, forgetPlace: (id: string) => void): ReachFn {
  const chat = useChat();
  const current = conversations.view?.current;
  const { adopt } = conversations;
  return useCallback<ReachFn>(
    async (entry) => {
      const id = entry.conv?.id;
      if (id === undefined || id === current) return true;
      forgetPlace(id);
      try {
        adopt(await chat.openConversation(id));
      } catch {
        return false; // no longer one of the user's (left meanwhile)
      }
      return feed.whenShowing(id, REACH_MS);
    },
    [chat, feed, current, adopt, forgetPlace],
  );
}
