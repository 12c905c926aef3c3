/**
 * What a message can do after it is sent (features `reply_to`, `edit`, `recall`; docs/PROTOCOL.md):
 * fields of `chat_message`, both ways. An edit or a recall is itself a message with an id and a
 * seq (an *action*), naming the message it changes by seq, so resume, dedup, pages and the
 * stores carry it like any other. The server rewrites the message it changes in its history
 * (the latest text, or no text at all), and says so on the message itself:
 *
 * - `reply_to`: the seq of the message this one answers, in the same conversation;
 * - `edit_of`: this action replaces the text of that message with its own;
 * - `recall_of`: this action removes that message (its text is empty);
 * - `edited` (server → client, on a message): the seq of the edit that gave it its text;
 * - `recalled` (server → client, on a message): recalled, its text gone;
 * - `superseded` (server → client, on an edit): a later edit or a recall replaced it, so its
 *   text is gone and it changes nothing.
 *
 * Pure, like codec.ts: parsing only.
 */

export interface ActionFields {
  reply_to?: number;
  edit_of?: number;
  recall_of?: number;
  edited?: number;
  recalled?: true;
  superseded?: true;
}

/** The fields a client may send: at most one of them. */
export type ClientActionFields = Pick<ActionFields, 'reply_to' | 'edit_of' | 'recall_of'>;

/** Default window for a recall, in seconds (the server may announce another as `recall_window_s`). */
export const DEFAULT_RECALL_WINDOW_S = 120;

const isSeqRef = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1;

/** The action fields of a message the server sent; fields of the wrong shape are dropped. */
export function serverActionFieldsOf(o: Record<string, unknown>): ActionFields {
  const out: ActionFields = {};
  if (isSeqRef(o.reply_to)) out.reply_to = o.reply_to;
  if (isSeqRef(o.edit_of)) out.edit_of = o.edit_of;
  else if (isSeqRef(o.recall_of)) out.recall_of = o.recall_of;
  if (isSeqRef(o.edited)) out.edited = o.edited;
  if (o.recalled === true) out.recalled = true;
  if (o.superseded === true) out.superseded = true;
  return out;
}

/** The action fields of a message a client sent, or what is wrong with them. */
export function clientActionFieldsOf(o: Record<string, unknown>): ClientActionFields | string {
  const named = (['reply_to', 'edit_of', 'recall_of'] as const).filter((k) => o[k] !== undefined);
  if (named.length === 0) return {};
  if (named.length > 1) return `chat_message may carry only one of reply_to, edit_of and recall_of`;
  const key = named[0]!;
  const value = o[key];
  if (!isSeqRef(value)) return `chat_message "${key}" must be the seq of a message`;
  if (key === 'recall_of' && o.message !== '') return 'a recall carries no text: "message" must be ""';
  return { [key]: value };
}

/** True for an edit or a recall: a message that changes another and is not shown itself. */
export function isAction(m: ActionFields): boolean {
  return m.edit_of !== undefined || m.recall_of !== undefined;
}
