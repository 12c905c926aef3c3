import type { MessageEntry } from '../../common/contract';
import type { ClientActionFields } from '../../../protocol/message-actions';

/** An own message as the timeline shows it while it waits for the server (an outbox item). */
export interface PendingMessage {
  id: string;
  text: string;
  createdAt: string;
  /** A reply, edit or recall (an outbox item's `action`). */
  action?: ClientActionFields;
  files?: MessageEntry['attachments'];
}
