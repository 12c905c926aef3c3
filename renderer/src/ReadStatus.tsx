/**
 * Read status under an own message (feature `receipts`): in a DM "Read" / "已读" once the other
 * has read up to it; in a room "3 unread" / "3 人未读", which opens the lists of who has read it
 * and who has not. Nothing when the server keeps none, or the user turned it off.
 */
import { memo } from 'react';
import type { MessageEntry, ReceiptsView } from '../../electron/common/contract';
import { useI18n } from './AppContext';

/** Who of the other members has read `entry` (at or past its seq), and who has not. */
export function readersOf(entry: MessageEntry, receipts: ReceiptsView): { read: string[]; unread: string[] } {
  const others = receipts.members.filter((m) => m !== entry.user);
  const read = others.filter((m) => (receipts.read[m] ?? 0) >= (entry.seq ?? Infinity));
  return { read, unread: others.filter((m) => !read.includes(m)) };
}

export const ReadStatus = memo(function ReadStatus({ entry, receipts }: { entry: MessageEntry; receipts: ReceiptsView | undefined }) {
  const { t } = useI18n();
  if (!receipts || receipts.off || !entry.own || entry.seq === undefined || entry.recalled || entry.delivery !== 'sent') return null;
  const { read, unread } = readersOf(entry, receipts);
  if (read.length + unread.length === 0) return null;
  if (read.length + unread.length === 1) {
    return (
      <span className={`read-status${read.length ? ' read-status-read' : ''}`} data-testid="read-status" data-read={read.length}>
        {read.length ? t.readDm : t.unreadDm}
      </span>
    );
  }
  return (
    <details className="read-status" data-testid="read-status" data-read={read.length} data-unread={unread.length}>
      <summary>{unread.length === 0 ? t.allRead : t.unreadBy(unread.length)}</summary>
      <div className="read-lists" data-testid="read-lists">
        {read.length > 0 && <p data-testid="read-by">{t.readBy(read.join(', '))}</p>}
        {unread.length > 0 && <p data-testid="not-read-by">{t.notReadBy(unread.join(', '))}</p>}
      </div>
    </details>
  );
});
