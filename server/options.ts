/** The reference server's settings and their defaults (server/main.ts maps its flags onto these). */
import { MAX_MESSAGE_BYTES } from '../protocol/codec';
import type { Compression } from '../protocol/features';
import { DEFAULT_MAX_FILE_BYTES } from '../protocol/attachments';
import { DEFAULT_RECALL_WINDOW_S } from '../protocol/message-actions';
import type { S3Target } from './s3-blob-store';
import type { FileLimits } from './uploads';
import type { TokenTable } from './tokens';
import type { UserDirectory } from './users';

export { directoryFromTokens } from './users';

export interface ServerOptions {
  host: string;
  port: number;
  tokens: TokenTable;
  /**
   * The user directory: who exists, with display names (for DMs, invites, @mentions); main.ts
   * loads it with the tokens (users.ts loadUsers). When absent the server derives one from the
   * user names the tokens map to (directoryFromTokens), without display names.
   */
  users?: UserDirectory;
  /** Messages per window per connection; the next one gets 4008. */
  rateLimit: { messages: number; windowMs: number };
  maxMessageBytes: number;
  /** Inbound frames above this are closed with 1009 by ws itself. */
  maxFrameBytes: number;
  historyLimit: number;
  dedupLimit: number;
  /** How long after sending its author may recall a message (feature `recall`). */
  recallWindowMs: number;
  /** Read status changes are pushed at most once per this interval per conversation (feature `receipts`). */
  receiptsIntervalMs: number;
  /** Feature `files` (server/files.ts): the largest file, each user's share, and the limits on one chunk. */
  files: FileLimits;
  /** Keep complete files in this S3-compatible object store (`--s3`) instead of under the data dir. */
  s3?: S3Target;
  /** Persist rooms here so a restart keeps seq, history and dedup. */
  dataDir?: string;
  /**
   * Keep rooms (and the per-token connection counts) in Redis instead, shared by every
   * server process given the same URL (redis:// or rediss://). dataDir is then unused.
   */
  redisUrl?: string;
  /** Answer every chat_message with a chat_response echo (design-notes compatible; used by benchmarks). */
  echo: boolean;
  /** WebSocket-level ping interval towards clients; 0 disables. */
  pingIntervalMs: number;
  /**
   * `deflate`: offer permessage-deflate (default). `zlib`: send the design notes'
   * zlib binary frames to every client. `off`: neither. In every mode, zlib frames
   * from clients are accepted, and clients asking with `?compression=zlib` get them.
   */
  compression: Compression;
  /** Serve wss:// with this certificate and key (PEM). */
  tls?: { cert: string; key: string };
  maxConnectionsPerToken: number;
  /** When set, browsers' Origin headers must be in this list (non-browser clients send none). */
  allowedOrigins?: string[];
  log: (line: string) => void;
}

export const defaultServerOptions: ServerOptions = {
  host: '127.0.0.1',
  port: 8765,
  tokens: new Map(),
  rateLimit: { messages: 100, windowMs: 60_000 },
  maxMessageBytes: MAX_MESSAGE_BYTES,
  maxFrameBytes: 64 * 1024,
  historyLimit: 1000,
  dedupLimit: 100_000,
  recallWindowMs: DEFAULT_RECALL_WINDOW_S * 1000,
  receiptsIntervalMs: 2_000,
  files: {
    maxFileBytes: DEFAULT_MAX_FILE_BYTES,
    quotaBytes: 2 * 1024 ** 3,
    maxChunkBytes: 8 * 1024 ** 2,
    chunkTimeoutMs: 60_000,
    minFreeBytes: 256 * 1024 ** 2,
    staleUploadMs: 24 * 60 * 60 * 1000,
  },
  echo: false,
  pingIntervalMs: 30_000,
  compression: 'deflate',
  maxConnectionsPerToken: 20,
  log: (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`),
};
