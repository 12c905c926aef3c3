/**
 * Replies, edits and recalls on the client (protocol/message-actions.ts): what an action does
 * to the entry it names, and own actions waiting in the outbox. Pure: the timeline finds the
 * entries and stores the results.
 *
 * The rules make every order of arrival end the same (live, a `since` replay, pages read
 * backwards, another device): an edit applies only if its seq is above the entry's `edited`,
 * a superseded edit applies never, and a recall is final.
 */
import type { MessageEntry } from '../../common/contract';
import type { Reason } from '../../common/errors';
import type { ClientActionFields } from '../../../protocol/message-actions';

/** What an action frame (or an own action, once acked) says. */
export interface ActionFacts {
  seq: number;
  edit_of?: number;
  recall_of?: number;
  message: string;
  superseded?: true;
}

/** The entry after the action, or undefined when it changes nothing. */
export function appliedAction(target: MessageEntry | undefined, action: ActionFacts): MessageEntry | undefined {
  if (!target || target.recalled || action.superseded) return undefined;
  const { pendingAction: _pending, actionFailure: _failure, failedAction: _which, ...rest } = target;
  if (action.recall_of !== undefined) {
    const { attachments: _taken, ...kept } = rest; // the sender took its files back with its text
    return { ...kept, text: '', recalled: true };
  }
  if (action.edit_of === undefined || (target.edited ?? 0) >= action.seq) return undefined;
  return { ...rest, text: action.message, edited: action.seq };
}

/** The seq an own action names (edit or recall; a reply is a message of its own). */
export function actionTarget(action: ClientActionFields | undefined): number | undefined {
  return action?.edit_of ?? action?.recall_of;
}

/** Why an own edit or recall of `target` cannot be queued (undefined: it can). */
export function actionRefusal(target: MessageEntry | undefined, action: ClientActionFields): Reason | undefined {
  // One not stored here (a device that never saw it): the server knows, and decides.
  if (actionTarget(action) === undefined || !target) return undefined;
  if (target.recalled) return { code: 'NO_SUCH_MESSAGE', detail: `message ${actionTarget(action)} was recalled` };
  if (!target.own) return { code: 'NOT_AUTHOR' };
  return undefined;
}

/** The entry while its own edit or recall waits for the server. */
export function withPendingAction(target: MessageEntry, action: ClientActionFields): MessageEntry {
  const { actionFailure: _failure, failedAction: _which, ...rest } = target;
  return { ...rest, pendingAction: action.recall_of !== undefined ? 'recall' : 'edit' };
}

/** The entry after the server refused its own edit or recall: as it was, with the reason. */
export function withFailedAction(target: MessageEntry, why: Reason, action: ClientActionFields | ActionFacts | undefined): MessageEntry {
  const { pendingAction: _pending, ...rest } = target;
  return { ...rest, actionFailure: why, failedAction: action?.recall_of !== undefined ? 'recall' : 'edit' };
}

/** An own action as the outbox holds it (pending-message.ts PendingMessage). */
export interface OwnAction {
  id: string;
  text: string;
  action?: ClientActionFields;
}

/** What ActionBook needs of the timeline. */
export interface ActionPort {
  /** The newest message with this seq, in memory or the store. */
  bySeq(seq: number): MessageEntry | undefined;
  /** Stores and reports the changed entry; `rewritten`: its text changed, so the store is scrubbed. */
  show(entry: MessageEntry, rewritten: boolean): void;
  /** A recall took these files (and their thumbnails) back: copies kept of them go too. */
  filesRecalled(ids: string[]): void;
}

/** Actions as the timeline meets them: own ones waiting for their ack, and the room's. */
export class ActionBook {
  /** Own edits and recalls waiting for the server, by id: applied when acked. */
  private readonly own = new Map<string, OwnAction>();

  constructor(private readonly port: ActionPort) {}

  /** An own edit or recall is queued (or restored from the outbox): the message it names shows it waits. */
  queued(item: OwnAction): MessageEntry | undefined {
    this.own.set(item.id, item);
    const named = this.port.bySeq(actionTarget(item.action)!);
    return named && withPendingAction(named, item.action!);
  }

  /** The server stored an own action under `seq`; false when `id` is no own action. */
  acked(id: string, seq: number | undefined): boolean {
    const item = this.own.get(id);
    if (!item) return false;
    this.own.delete(id);
    // Servers without acks never get an action (delivery.ts): a seq is always there.
    this.apply({ ...item.action, seq: seq ?? Number.MAX_SAFE_INTEGER, message: item.text });
    return true;
  }

  /** The server refused an own action; false when `id` is no own action. */
  refused(id: string, why: Reason): boolean {
    const item = this.own.get(id);
    if (!item) return false;
    this.own.delete(id);
    const named = this.port.bySeq(actionTarget(item.action)!);
    if (named) this.port.show(withFailedAction(named, why, item.action), false);
    return true;
  }

  /** An action from the room: the id of one of ours coming back (left for delivery, then acked), else applied now. */
  fromRoom(action: Partial<ActionFacts> & { id?: string; message: string }): string | undefined {
    if (action.id !== undefined && this.own.has(action.id)) return action.id;
    if (action.seq !== undefined) this.apply({ ...action, seq: action.seq });
    return undefined;
  }

  /** The message the action names, changed (if it is here and the action still changes it). */
  private apply(action: ActionFacts): void {
    const named = this.port.bySeq((action.edit_of ?? action.recall_of)!);
    const next = appliedAction(named, action);
    // Ours, and changing nothing now (a later edit won, or it was recalled): it no longer waits.
    if (!next && named?.pendingAction) this.port.show(withFailedAction(named, { code: 'NO_SUCH_MESSAGE' }, action), false);
    else if (next) this.port.show(next, true);
    if (next?.recalled && named?.attachments?.length)
      this.port.filesRecalled(named.attachments.flatMap((a) => [a.id, ...(a.thumbnail ? [a.thumbnail] : [])]));
  }
}
