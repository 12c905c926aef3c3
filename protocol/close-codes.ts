/** Close codes from the Django Channels service in the design notes, which the reference server uses too. */
export const CloseCodes = {
  normal: 1000,
  goingAway: 1001,
  tooBig: 1009,
  internalError: 1011,
  serverError: 4000,
  unauthenticated: 4001,
  /** Ext: the room in the URL is a private room or DM this user is not in (or does not exist): no retry helps. */
  forbidden: 4003,
  rateLimited: 4008,
} as const;

export type CloseCode = (typeof CloseCodes)[keyof typeof CloseCodes];
