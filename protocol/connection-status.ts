/**
 * The server's greeting, `connection_status` (docs/PROTOCOL.md): who we are, what the server
 * supports beyond the design notes, and the limits it announces. Pure, like codec.ts.
 */

export interface ConnectionStatus {
  type: 'connection_status';
  status: string;
  user_id?: string;
  /** What the server supports beyond the design notes (`Features`). Names we do not know are kept, for diagnostics, and ignored. */
  features: string[];
  /** Highest seq in the room at connect time (reference server). */
  seq?: number;
  /** True when the client asked to resume from a seq older than the history. */
  gap?: boolean;
  /** Our extension: the server's rate limit, so a client can pace itself instead of being closed with 4008. */
  rate_limit?: { messages: number; window_s: number };
  /** Our extension: the server's per-message limit in UTF-8 bytes. */
  max_message_bytes?: number;
  /** Feature `recall`: how long after sending its author may recall a message. */
  recall_window_s?: number;
  /** Feature `files`: the largest file the server takes, in bytes. */
  max_file_bytes?: number;
  timestamp?: string;
}

const isStr = (v: unknown): v is string => typeof v === 'string';
const isSeq = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isOptSeq = (v: unknown): boolean => v === undefined || isSeq(v);

/** A `connection_status` frame, or what is wrong with it. */
export function connectionStatusIn(o: Record<string, unknown>): ConnectionStatus | string {
  if (!isStr(o.status)) return 'connection_status without status';
  const features = Array.isArray(o.features) ? o.features.filter(isStr).slice(0, 32) : [];
  if (!isOptSeq(o.seq)) return 'connection_status with a bad seq';
  const frame: ConnectionStatus = { type: 'connection_status', status: o.status, features };
  if (isStr(o.user_id)) frame.user_id = o.user_id;
  else if (typeof o.user_id === 'number') frame.user_id = String(o.user_id);
  if (isSeq(o.seq)) frame.seq = o.seq;
  if (o.gap === true) frame.gap = true;
  const rl = o.rate_limit as Record<string, unknown> | undefined;
  if (rl && typeof rl === 'object' && isSeq(rl.messages) && rl.messages > 0 && typeof rl.window_s === 'number' && rl.window_s > 0) {
    frame.rate_limit = { messages: rl.messages, window_s: rl.window_s };
  }
  if (isSeq(o.max_message_bytes) && o.max_message_bytes > 0) frame.max_message_bytes = o.max_message_bytes;
  if (isSeq(o.recall_window_s)) frame.recall_window_s = o.recall_window_s;
  if (isSeq(o.max_file_bytes)) frame.max_file_bytes = o.max_file_bytes;
  return frame;
}
