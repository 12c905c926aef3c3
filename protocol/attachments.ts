/**
 * Files and images (feature `files`; docs/PROTOCOL.md "Files (ext)"). The bytes go over HTTP(S)
 * on the chat server's own port, never over the WebSocket: an upload is created, sent in chunks
 * that each say where they start (so a cut upload continues from the last byte the server
 * confirmed), and becomes an *attachment* once every byte is there and its SHA-256 matches.
 * A message then names its attachments by id; the server fills in what they are.
 *
 * Pure, like codec.ts: shapes, names and parsing only.
 */

/** Where the HTTP side lives, beside the WebSocket path. */
export const FILES_PATH = '/files/';
export const UPLOADS_PATH = '/files/uploads';
/** The default largest file, announced as `max_file_bytes` in `connection_status`. */
export const DEFAULT_MAX_FILE_BYTES = 100 * 1024 * 1024;
/** At most this many attachments in one message. */
export const MAX_ATTACHMENTS = 10;
/**
 * Feature `thumbnails`: the sender makes an image's thumbnail (it has the decoded picture already) and
 * uploads it with `thumbnail_of`; the server only checks its header, so it never decodes anything.
 */
export const MAX_THUMBNAIL_BYTES = 256 * 1024;
export const MAX_THUMBNAIL_SIDE = 640;
/** The header that says where a chunk starts (and, in answers, how much the server has). */
export const UPLOAD_OFFSET_HEADER = 'upload-offset';

/** An attachment as a message carries it, server → client. */
export interface Attachment {
  id: string;
  /** The name as given, made safe (safeFileName): no path parts, no control characters. */
  name: string;
  size: number;
  /** From the content, not from the name (server/file-types.ts). */
  type: string;
  /** Images whose header the server read. */
  width?: number;
  height?: number;
  /** Feature `thumbnails`: the id of a small image of this one, fetched like any attachment of the conversation. */
  thumbnail?: string;
}

/** What `POST /files/uploads` takes (JSON). */
export interface UploadRequest {
  conv: string;
  name: string;
  size: number;
  /** Lower-case hex of the whole file's SHA-256: checked at the end, and the name of the stored bytes. */
  sha256: string;
  /** Feature `thumbnails`: this upload is the thumbnail of that image attachment (the sender's, in `conv`). */
  thumbnail_of?: string;
}

/** An upload in progress: send the bytes from `offset` on. */
export interface UploadState {
  upload: string;
  offset: number;
  size: number;
}

/** Answers of the upload endpoints: still uploading, or done. */
export type UploadAnswer = { upload: UploadState } | { attachment: Attachment };

/** Why the HTTP side refused, as `{"error":{"code","message"}}`. */
export const FILE_ERRORS = {
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  timeout: 408,
  offset_mismatch: 409,
  too_large: 413,
  bad_request: 400,
  checksum_mismatch: 422,
  quota_exceeded: 507,
  disk_full: 507,
  unsupported: 501,
} as const;
export type FileErrorCode = keyof typeof FILE_ERRORS;

/** A size in words, for refusals and the window: 900 bytes, 12.5 KB, 3.2 MB, 1.5 GB. */
export function formatBytes(n: number): string {
  const units = ['KB', 'MB', 'GB', 'TB'];
  if (n < 1024) return `${n} bytes`;
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v >= 100 ? Math.round(v) : Math.round(v * 10) / 10} ${units[u]}`;
}

/** `n` in words, in bytes when the rounded words would not tell it from `other` ("100 MB, at most 100 MB"). */
export function formatBytesApart(n: number, other: number): string {
  return formatBytes(n) === formatBytes(other) ? `${n.toLocaleString('en')} bytes` : formatBytes(n);
}

const isId = (v: unknown): v is string => typeof v === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(v);
const isSize = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const SHA256 = /^[0-9a-f]{64}$/;

export const isSha256 = (v: unknown): v is string => typeof v === 'string' && SHA256.test(v);

/** The attachments on a message the server sent; ones of the wrong shape are dropped. */
export function serverAttachmentsOf(o: Record<string, unknown>): { attachments?: Attachment[] } {
  if (!Array.isArray(o.attachments)) return {};
  const out: Attachment[] = [];
  for (const a of o.attachments.slice(0, MAX_ATTACHMENTS) as Record<string, unknown>[]) {
    if (!a || typeof a !== 'object' || !isId(a.id) || typeof a.name !== 'string' || !isSize(a.size) || typeof a.type !== 'string') continue;
    const one: Attachment = { id: a.id, name: safeFileName(a.name), size: a.size, type: a.type.slice(0, 128) };
    if (isSize(a.width) && isSize(a.height)) Object.assign(one, { width: a.width, height: a.height });
    if (isId(a.thumbnail)) one.thumbnail = a.thumbnail;
    out.push(one);
  }
  return out.length > 0 ? { attachments: out } : {};
}

/** The attachment ids a client's message names, or what is wrong with them. */
export function clientAttachmentsOf(o: Record<string, unknown>): { attachments?: string[] } | string {
  if (o.attachments === undefined) return {};
  if (!Array.isArray(o.attachments) || o.attachments.length === 0 || o.attachments.length > MAX_ATTACHMENTS)
    return `chat_message "attachments" must list 1..${MAX_ATTACHMENTS} attachment ids`;
  if (!o.attachments.every(isId)) return 'chat_message "attachments" must be attachment ids';
  return { attachments: [...new Set(o.attachments as string[])] };
}

/** `POST /files/uploads`'s body, or what is wrong with it. */
export function uploadRequestOf(o: unknown): UploadRequest | string {
  if (!o || typeof o !== 'object') return 'the body must be a JSON object';
  const r = o as Record<string, unknown>;
  if (typeof r.conv !== 'string' || r.conv.length === 0 || r.conv.length > 128) return '"conv" must be a conversation id';
  if (typeof r.name !== 'string' || r.name.length > 1024) return '"name" must be a file name';
  if (!isSize(r.size)) return '"size" must be the file size in bytes';
  if (!isSha256(r.sha256)) return '"sha256" must be the SHA-256 of the file, in lower-case hex';
  if (r.thumbnail_of !== undefined && !isId(r.thumbnail_of)) return '"thumbnail_of" must be an attachment id';
  const req: UploadRequest = { conv: r.conv, name: r.name, size: r.size, sha256: r.sha256 };
  return r.thumbnail_of !== undefined ? { ...req, thumbnail_of: r.thumbnail_of } : req;
}

// Control characters (C0, DEL, C1), and the bidirectional controls that can make "gpj.exe" read as "exe.jpg".
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const MAX_NAME_BYTES = 255;

/**
 * A name that is safe to show and to save under: the last path part only (either slash), no
 * control or bidi characters, no leading dots (no hidden files, no `..`), at most 255 UTF-8
 * bytes with its extension kept. Chinese and other letters stay as they are. Never empty.
 */
export function safeFileName(name: string): string {
  const last = name.split(/[/\\]/).pop() ?? '';
  let out = last.replace(UNSAFE, '').trim().replace(/^\.+/, '').trim();
  if (byteLength(out) > MAX_NAME_BYTES) {
    const dot = out.lastIndexOf('.');
    const ext = dot > 0 && out.length - dot <= 16 ? out.slice(dot) : '';
    const stem = [...out.slice(0, out.length - ext.length)];
    while (stem.length > 0 && byteLength(stem.join('') + ext) > MAX_NAME_BYTES) stem.pop();
    out = stem.join('') + ext;
  }
  return out || 'file';
}

const byteLength = (s: string) => new TextEncoder().encode(s).length;

/**
 * `Content-Disposition: attachment` for a name (RFC 6266): an ASCII fallback in `filename`, and
 * the real name in `filename*` (RFC 5987, UTF-8), so a Chinese name reaches the browser intact.
 */
export function contentDisposition(name: string): string {
  const safe = safeFileName(name);
  const ascii = safe.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(safe).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
