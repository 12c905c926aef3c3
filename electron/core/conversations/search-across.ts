/**
 * Search across every conversation of the user's: each conversation's own local store is
 * searched (works offline, as the one-room search does), and the results are merged newest
 * first, each naming its conversation. A conversation not in the user's list is never searched.
 */
import type { ConversationsView, SearchEntry } from '../../common/ipc-types';
import type { ChatClient } from '../connection/client';

export interface SearchableDesk {
  view(): ConversationsView;
  clientOf(id: string): ChatClient | undefined;
}

export function searchAcross(desk: SearchableDesk, text: string, limit: number): SearchEntry[] {
  const hits: SearchEntry[] = [];
  for (const c of desk.view().list) {
    const client = desk.clientOf(c.id);
    if (!client) continue;
    // Each store's newest `limit` are enough: the merged newest `limit` are among them.
    for (const entry of client.search(text, limit)) hits.push({ ...entry, conv: { id: c.id, name: c.name } });
  }
  // By time, not by text: a server's stamps may carry any offset. Ties keep each store's order (a stable sort).
  const at = new Map(hits.map((h) => [h, Date.parse(h.timestamp) || 0]));
  hits.sort((a, b) => at.get(b)! - at.get(a)!);
  return hits.slice(0, limit);
}
