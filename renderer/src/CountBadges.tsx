/**
 * A conversation's badges as the eye sees them (screen readers get the words from the
 * option's name instead): @n for mentions, the unread count, and for a muted conversation
 * no count, only a dot where asked for.
 */
import type { ConversationView } from '../../electron/common/contract';

/** A count as a badge shows it: past 99 it says 99+. */
export const countText = (n: number): string => (n > 99 ? '99+' : String(n));

export function CountBadges({ c, mutedDot }: { c: ConversationView; mutedDot: boolean }) {
  const muted = c.notify === 'muted';
  return (
    <>
      {c.mentions > 0 && (
        <span className="badge badge-mention" aria-hidden="true">
          @{c.mentions}
        </span>
      )}
      {c.unread > 0 && muted && mutedDot && <span className="badge-dot" aria-hidden="true" data-testid="muted-dot" />}
      {c.unread > 0 && !muted && (
        <span className="badge badge-unread" aria-hidden="true">
          {countText(c.unread)}
        </span>
      )}
    </>
  );
}
