/**
 * Read status (feature `receipts`, docs/PROTOCOL.md), built on the read markers of the
 * conversations extension: a member has read a message when their marker is at or past its seq.
 * So the receipts of a whole conversation are one number per member, sent as a map
 * `{user: seq}`: a compact range (everything up to seq) per reader, never a frame per reader
 * per message. Pushed changes are coalesced by the server (at most one frame per conversation
 * per interval). Kept for conversations of up to MAX_RECEIPT_MEMBERS members.
 *
 * A user may turn sending their read status off (`receipts_setting`); then nobody sees their
 * marker, and they see nobody's (as WeCom does).
 *
 * Pure, like codec.ts.
 */

/** Read status is kept for conversations of at most this many members. */
export const MAX_RECEIPT_MEMBERS = 100;

export type ReceiptsRequest = { type: 'receipts'; conv: string; ref?: string } | { type: 'receipts_setting'; share: boolean; ref?: string };

/**
 * `receipts`: the members' markers (those who share them): the answer to a request (with its
 * `ref`), or pushed as they change (only the changed ones). `off`: the user does not share, so
 * sees none.
 */
export type ReceiptsEvent =
  | { type: 'receipts'; conv: string; read: Record<string, number>; off?: true; ref?: string; timestamp?: string }
  | { type: 'receipts_setting'; share: boolean; ref?: string; timestamp?: string };

type Decoded<T> = { ok: true; frame: T } | { ok: false; detail: string };

const MAX_ID = 64;
// eslint-disable-next-line no-control-regex -- control characters are exactly what an id must not hold
const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_ID && !/[\u0000-\u001f\u007f]/.test(v);
const isSeq = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const refOf = (o: Record<string, unknown>) => (typeof o.ref === 'string' && o.ref.length <= MAX_ID ? { ref: o.ref } : {});

export const RECEIPT_TYPES = ['receipts', 'receipts_setting'] as const;

export function receiptsRequestOf(o: Record<string, unknown>): Decoded<ReceiptsRequest> {
  if (o.type === 'receipts') {
    return isId(o.conv)
      ? { ok: true, frame: { type: 'receipts', conv: o.conv, ...refOf(o) } }
      : { ok: false, detail: 'receipts needs a "conv"' };
  }
  return typeof o.share === 'boolean'
    ? { ok: true, frame: { type: 'receipts_setting', share: o.share, ...refOf(o) } }
    : { ok: false, detail: 'receipts_setting needs "share": true or false' };
}

export function receiptsEventOf(o: Record<string, unknown>): Decoded<ReceiptsEvent> {
  if (o.type === 'receipts_setting') {
    return typeof o.share === 'boolean'
      ? { ok: true, frame: { type: 'receipts_setting', share: o.share, ...refOf(o) } }
      : { ok: false, detail: 'receipts_setting needs "share"' };
  }
  if (!isId(o.conv) || typeof o.read !== 'object' || o.read === null || Array.isArray(o.read)) {
    return { ok: false, detail: 'receipts needs "conv" and a "read" map' };
  }
  const kept: Array<[string, number]> = [];
  for (const [user, seq] of Object.entries(o.read as Record<string, unknown>).slice(0, 4 * MAX_RECEIPT_MEMBERS)) {
    if (isId(user) && isSeq(seq)) kept.push([user, seq]);
  }
  // fromEntries makes own properties: a user named "__proto__" is a key like any other.
  const read = Object.fromEntries(kept);
  return { ok: true, frame: { type: 'receipts', conv: o.conv, read, ...(o.off === true ? { off: true } : {}), ...refOf(o) } };
}
