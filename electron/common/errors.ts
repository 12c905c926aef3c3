/**
 * Stable reason codes. Every problem the person can see carries one of these;
 * the words for it (zh-CN / en) live in `words.ts`, so the core never builds
 * user-facing sentences and the CLI, renderer and logs all agree.
 */
import { CloseCodes } from '../../protocol/close-codes';
import type { RefusalReason } from '../../protocol/wire-errors';

export const ReasonCodes = [
  'AUTH_FAILED', // close 4001, or HTTP 401/403 on upgrade
  'RATE_LIMITED', // close 4008
  'SERVER_ERROR', // close 4000, or 1011
  'UNREACHABLE', // ECONNREFUSED, EHOSTUNREACH, DNS failure
  'CONNECTION_LOST', // the socket closed without a reason we know
  'HEARTBEAT_TIMEOUT', // no pong in time: the link is dead
  'CLOCK_JUMP', // wall clock jumped (suspend) — the socket is stale
  'TOO_LARGE', // a message above the size limit
  'REJECTED', // the server refused a message (error frame)
  'FORBIDDEN', // not a member of that conversation (or no such conversation): close 4003 or error `forbidden`
  'BAD_FRAME', // the server sent something we cannot read
  'FRAME_TOO_LARGE', // inbound frame over the cap (close 1009)
  'TLS_UNKNOWN_CA',
  'TLS_SELF_SIGNED',
  'TLS_EXPIRED',
  'TLS_HOSTNAME',
  'TLS_OTHER',
  'NETWORK_DOWN', // the machine says it has no network
  'SUSPENDED', // the machine is going to sleep
  'STOPPED', // the person (or the app) stopped the connection
  'TIMEOUT',
  'BAD_CONFIG',
  'EMPTY_MESSAGE', // nothing but whitespace
  'OUTBOX_FULL', // the queue is at its bound: the new message is refused, nothing old is dropped
  'OUTBOX_CORRUPT', // part of the saved outbox could not be read (set aside, not deleted)
  'OUTBOX_WRITE_FAILED', // the queue could not be saved to disk
  'HISTORY_CORRUPT', // the local history file was damaged: set aside, the readable part kept
  'HISTORY_WRITE_FAILED', // the local history could not be written (the chat goes on; the entry is not kept)
  'PROXY_UNREACHABLE', // the proxy did not accept a connection (or did not answer CONNECT in time)
  'PROXY_AUTH_REQUIRED', // the proxy answered CONNECT with 407 (no, or wrong, user name and password)
  'PROXY_REFUSED', // the proxy refused the destination: 403 or another CONNECT failure, a SOCKS rejection
  'PROXY_DNS_FAILED', // the proxy could not resolve the chat server's name
  'NO_SUCH_MESSAGE', // a reply, edit or recall named a message the conversation no longer has (error `no_such_message`)
  'NOT_AUTHOR', // an edit or recall of somebody else's message (error `not_author`)
  'TOO_LATE', // a recall after the server's window (error `too_late`)
  'ACTION_UNSUPPORTED', // a reply, edit or recall for a server that does not announce it (never sent there)
  'FILES_UNSUPPORTED', // a file for a server that does not announce `files` (never sent there)
  'FILE_UNREADABLE', // the file to send is missing or cannot be read
  'FILE_REFUSED', // the server refused the upload or download (too large, quota, disk full, not a member): its words in the detail
  'NO_SUCH_FILE', // a message or download named a file the server does not have for this user (error `no_such_file`)
  'CANCELLED', // the person cancelled an upload or download
  'FILE_TOO_LARGE', // a file over the server's limit (HTTP 413 too_large, or the announced max_file_bytes)
  'QUOTA_EXCEEDED', // the user's share of the server's storage is used up (507 quota_exceeded)
  'SERVER_DISK_FULL', // the server's disk is full (507 disk_full): nothing of the user's is wrong
] as const;

export type ReasonCode = (typeof ReasonCodes)[number];

/** protocol/ names why a message was refused as plain strings; this fails to compile unless each is a ReasonCode. */
type IsReason<T extends ReasonCode> = T;
export type RefusalCode = IsReason<RefusalReason>;

export interface Reason {
  code: ReasonCode;
  /** Extra detail for logs and diagnostics (never contains the token). */
  detail?: string;
}

export function reason(code: ReasonCode, detail?: string): Reason {
  return detail === undefined ? { code } : { code, detail };
}

export function reasonForClose(code: number, text: string): Reason {
  const detail = text ? `close ${code}: ${text}` : `close ${code}`;
  switch (code) {
    case CloseCodes.unauthenticated:
      return reason('AUTH_FAILED', detail);
    case CloseCodes.forbidden:
      return reason('FORBIDDEN', detail);
    case CloseCodes.rateLimited:
      return reason('RATE_LIMITED', detail);
    case CloseCodes.serverError:
    case CloseCodes.internalError:
      return reason('SERVER_ERROR', detail);
    case CloseCodes.tooBig:
      return reason('FRAME_TOO_LARGE', detail);
    default:
      return reason('CONNECTION_LOST', detail);
  }
}
