/**
 * The `code` of an `error` frame (our extension; the design notes' service sends only `message`), and
 * what each means for the person. The names on the right are reason codes (electron/common/errors.ts,
 * which checks at compile time that they are); protocol/ names them as plain strings so that it
 * imports nothing from either end.
 */
export const WireErrorCodes = {
  unauthenticated: 'unauthenticated',
  rateLimited: 'rate_limited',
  tooLarge: 'too_large',
  badFrame: 'bad_frame',
  unsupported: 'unsupported',
  serverError: 'server_error',
  /** Not a member of that conversation, or no such conversation: the same words for both, so nothing leaks. */
  forbidden: 'forbidden',
  /** A `create`, `invite` or `open_dm` named a user the server does not know. */
  unknownUser: 'unknown_user',
  /** A reply, edit or recall named a seq that is not a message the conversation keeps (or one already recalled). */
  noSuchMessage: 'no_such_message',
  /** An edit or recall of somebody else's message. */
  notAuthor: 'not_author',
  /** A recall after the server's window (`recall_window_s`). */
  tooLate: 'too_late',
  /** Feature `files`: a message named an attachment that is not one its sender uploaded into that conversation. */
  noSuchFile: 'no_such_file',
} as const;

export type WireErrorCode = (typeof WireErrorCodes)[keyof typeof WireErrorCodes];

export type RefusalReason =
  'TOO_LARGE' | 'RATE_LIMITED' | 'REJECTED' | 'FORBIDDEN' | 'NO_SUCH_MESSAGE' | 'NOT_AUTHOR' | 'TOO_LATE' | 'NO_SUCH_FILE';

/**
 * Why the server refused a message. Without a code (an old server), only the words can tell a
 * message that was too large.
 */
export function refusalReason(code: string | undefined, message: string): RefusalReason {
  if (code === WireErrorCodes.tooLarge) return 'TOO_LARGE';
  if (code === WireErrorCodes.rateLimited) return 'RATE_LIMITED';
  if (code === WireErrorCodes.forbidden) return 'FORBIDDEN';
  if (code === WireErrorCodes.noSuchMessage) return 'NO_SUCH_MESSAGE';
  if (code === WireErrorCodes.notAuthor) return 'NOT_AUTHOR';
  if (code === WireErrorCodes.tooLate) return 'TOO_LATE';
  if (code === WireErrorCodes.noSuchFile) return 'NO_SUCH_FILE';
  if (code === undefined && /too large/i.test(message)) return 'TOO_LARGE';
  return 'REJECTED';
}
