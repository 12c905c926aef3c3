/**
 * The rules of replies, edits and recalls (protocol/message-actions.ts), for every room store
 * alike: which action may be stored, and what it does to the history. Pure: the stores fetch
 * the message an action names, ask `refusalOf`, and store the action and `rewritesFor` in one
 * step of their own (memory: synchronously; Redis: one script that checks nothing changed).
 *
 * An action rewrites the message it names in place, so that the history holds only the latest
 * text (an edit) or none at all (a recall), and blanks the edit it replaces, whose text would
 * otherwise stay behind.
 */
import { isAction, type ActionFields } from '../protocol/message-actions';
import { WireErrorCodes, type WireErrorCode } from '../protocol/wire-errors';
import type { NewMessage, StoredMessage } from './room-store';

export interface Refusal {
  code: WireErrorCode;
  message: string;
}

/** The seq this message names (answers, edits or recalls), if any. */
export function targetOf(m: ActionFields): number | undefined {
  return m.reply_to ?? m.edit_of ?? m.recall_of;
}

/**
 * Why `message` may not be stored, given the message its action names as the room keeps it now
 * (undefined: not kept). Undefined when it may. Checked by the store, after dedup: a resent
 * recall is a duplicate, not a refusal.
 */
export function refusalOf(message: NewMessage, target: StoredMessage | undefined, recallWindowMs: number): Refusal | undefined {
  const ref = targetOf(message);
  if (ref === undefined) return undefined;
  if (!target || isAction(target) || target.recalled) {
    return { code: WireErrorCodes.noSuchMessage, message: `no message ${ref} in this conversation (recalled, or no longer kept)` };
  }
  if (message.reply_to !== undefined) return undefined;
  if (target.user !== message.user) {
    return { code: WireErrorCodes.notAuthor, message: 'only its sender can edit or recall a message' };
  }
  if (message.edit_of !== undefined && message.message.trim() === '') {
    return { code: WireErrorCodes.badFrame, message: 'an edit needs text (a recall removes a message)' };
  }
  const age = Date.parse(message.timestamp) - Date.parse(target.timestamp);
  if (message.recall_of !== undefined && !(age <= recallWindowMs)) {
    return {
      code: WireErrorCodes.tooLate,
      message: `a message can be recalled for ${Math.round(recallWindowMs / 1000)} s after it is sent`,
    };
  }
  return undefined;
}

/**
 * What storing `action` (with its seq) changes in the history: the message it names as it is now,
 * and the edit it replaces (`previousEdit`, the one the target's `edited` names) blanked. Empty when
 * the action changes nothing any more (replayed from a journal after a later one).
 */
export function rewritesFor(
  action: StoredMessage,
  target: StoredMessage | undefined,
  previousEdit: StoredMessage | undefined,
): StoredMessage[] {
  if (!target || target.recalled || isAction(target)) return [];
  if (action.edit_of !== undefined && (target.edited ?? 0) >= action.seq) return [];
  const out: StoredMessage[] = [];
  // `edited` goes last, so that a store can fill in the seq of an action not yet numbered (redis-revisions.ts).
  const { edited: _previous, ...rest } = target;
  if (action.edit_of !== undefined) out.push({ ...rest, message: action.message, edited: action.seq });
  else out.push(recalledForm(target));
  if (previousEdit && previousEdit.edit_of === target.seq && !previousEdit.superseded) out.push(supersededForm(previousEdit));
  return out;
}

/** A recalled message: who sent it and when, nothing of what it said. */
function recalledForm(m: StoredMessage): StoredMessage {
  return {
    type: 'chat_message',
    ...(m.id !== undefined ? { id: m.id } : {}),
    user: m.user,
    message: '',
    seq: m.seq,
    timestamp: m.timestamp,
    ...(m.conv !== undefined ? { conv: m.conv } : {}),
    ...(m.reply_to !== undefined ? { reply_to: m.reply_to } : {}),
    recalled: true,
  };
}

/** An edit that a later edit or a recall replaced: it changes nothing, and keeps no text. */
function supersededForm(m: StoredMessage): StoredMessage {
  const { mentions: _mentions, ...rest } = m;
  return { ...rest, message: '', superseded: true };
}

/**
 * Whether a client sees this message: one that did not ask for `edit`/`recall` (an old client)
 * gets the rewritten messages but neither the actions nor what was recalled, so it never shows an
 * action as a message of its own.
 */
export function visibleTo(actions: boolean, m: StoredMessage): boolean {
  return actions || !(isAction(m) || m.recalled === true);
}
