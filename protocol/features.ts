/**
 * The feature names a server announces in `connection_status.features` and a client asks for with
 * `?features=` (docs/PROTOCOL.md). Each one is an extension of the design notes' protocol with a
 * fallback: a server that does not announce it (the Django service) is spoken to without it.
 */
export const Features = {
  /** The server acks each message that carries an `id`. */
  ack: 'ack',
  /** Stored messages carry a room-wide `seq`. */
  seq: 'seq',
  /** `?since=SEQ` replays what was missed. */
  resume: 'resume',
  /** A resent `id` is acked again, not stored twice. */
  dedup: 'dedup',
  /** `history` frames page through older messages. */
  history: 'history',
  /** Frames queued in one turn may arrive as one `batch` frame. */
  batch: 'batch',
  /** zlib frames may use our preset dictionary. */
  zdict1: 'zdict1',
  /** One connection carries all of a user's rooms and DMs (protocol/conversations.ts); asked for in `?features=`. */
  conversations: 'conversations',
  /** A message may name the message it answers (protocol/message-actions.ts). */
  replyTo: 'reply_to',
  /** The author may edit a message; the edit gets its own seq. */
  edit: 'edit',
  /** The author may recall a message within the server's window; the recall gets its own seq. */
  recall: 'recall',
  /** Read status: members' read markers (protocol/receipts.ts); asked for in `?features=` by a user who shares theirs. */
  receipts: 'receipts',
  /** Files and images over HTTP(S) on the same port, named by messages (protocol/attachments.ts). */
  files: 'files',
  /** An image attachment may name a thumbnail its sender made (protocol/attachments.ts `thumbnail_of`). */
  thumbnails: 'thumbnails',
} as const;

export type Feature = (typeof Features)[keyof typeof Features];

/**
 * What a client may ask a server to announce (`?features=`): the ones that change what the server sends
 * (`edit` and `recall`: the actions themselves; a client that asks for neither gets the rewritten messages only).
 */
export const REQUESTED_FEATURES: readonly Feature[] = [Features.batch, Features.zdict1, Features.edit, Features.recall];

/** How frames are compressed: permessage-deflate, the design notes' zlib binary frames, or not at all. */
export const COMPRESSIONS = ['deflate', 'zlib', 'off'] as const;
export type Compression = (typeof COMPRESSIONS)[number];
