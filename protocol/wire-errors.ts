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
} as const;

export type WireErrorCode = (typeof WireErrorCodes)[keyof typeof WireErrorCodes];

export type RefusalReason = 'TOO_LARGE' | 'RATE_LIMITED' | 'REJECTED' | 'FORBIDDEN';

/**
 * Why the server refused a message. Without a code (an old server), only the words can tell a
 * message that was too large.
 */
export function refusalReason(code: string | undefined, message: string): RefusalReason {
  if (code === WireErrorCodes.tooLarge) return 'TOO_LARGE';
  if (code === WireErrorCodes.rateLimited) return 'RATE_LIMITED';
  if (code === WireErrorCodes.forbidden) return 'FORBIDDEN';
  if (code === undefined && /too large/i.test(message)) return 'TOO_LARGE';
  return 'REJECTED';
}
