/**
 * The quick switcher's matching: every word of the query appears in the conversation's name
 * or id, ignoring case and width (NFKC: full-width Ｌａｔｉｎ types as Latin). Names that start
 * with the query come first; otherwise the list's order (newest activity first) stays.
 */
import type { ConversationView } from '../../electron/common/contract';

/** Text as the filters compare it: NFKC (width), lower case. */
export const fold = (s: string) => s.normalize('NFKC').toLocaleLowerCase();

export function matchConversations(list: readonly ConversationView[], query: string): ConversationView[] {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...list];
  const hits = list.filter((c) => {
    const hay = `${fold(c.name)} ${fold(c.id)}`;
    return words.every((w) => hay.includes(w));
  });
  const first = words[0]!;
  const starts = (c: ConversationView) => (fold(c.name).startsWith(first) ? 0 : 1);
  // Array.prototype.sort is stable: within each group the list's order stays.
  return hits.sort((a, b) => starts(a) - starts(b));
}
