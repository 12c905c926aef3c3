/**
 * The HTTP side of feature `files`, on the chat server's own port (docs/PROTOCOL.md "Files"):
 *
 * - `POST /files/uploads` {conv, name, size, sha256} → 201 {upload} or, already stored or empty, {attachment}
 * - `HEAD|GET /files/uploads/ID` → the offset to go on from (`Upload-Offset`)
 * - `PATCH /files/uploads/ID` with `Upload-Offset` and `Content-Length` → the new offset, or {attachment}
 * - `DELETE /files/uploads/ID` → cancelled
 * - `GET /files/ID`, `GET /files/sha256/HEX` → the bytes, as an attachment (single `Range` too)
 *
 * The token comes in `Authorization: Bearer …` only (a token in a URL would be in every log).
 * Every refusal is JSON `{"error":{"code","message"}}` in words.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  contentDisposition,
  FILE_ERRORS,
  FILES_PATH,
  UPLOAD_OFFSET_HEADER,
  UPLOADS_PATH,
  uploadRequestOf,
  type UploadAnswer,
} from '../protocol/attachments';
import type { ServerOptions } from './options';
import type { Download, FileService } from './files';
import { fileError, type FileError } from './uploads';

const MAX_JSON_BODY = 4096;
/** A refused request body up to this size is read and dropped rather than cutting the connection. */
const DRAINED_BODY = 1024 * 1024;
const ID = '([A-Za-z0-9_-]{1,64})';
const UPLOAD_ROUTE = new RegExp(`^${UPLOADS_PATH}/${ID}$`);
const HASH_ROUTE = /^\/files\/sha256\/([0-9a-f]{64})$/;
const FILE_ROUTE = new RegExp(`^${FILES_PATH}${ID}$`);

/** Answers a request under /files/; false for any other path (the caller answers those). */
export function handleFilesRequest(files: FileService, o: ServerOptions, req: IncomingMessage, res: ServerResponse): boolean {
  const pathname = new URL(req.url ?? '/', 'http://x').pathname;
  if (!pathname.startsWith(FILES_PATH) && pathname !== UPLOADS_PATH) return false;
  void route(files, o, req, res, pathname).catch((err: Error) => {
    o.log(`files: ${req.method} ${pathname}: ${err.message}`);
    if (!res.headersSent) send(res, 500, { error: { code: 'server_error', message: 'The server could not handle the file request.' } });
    else res.destroy();
  });
  return true;
}

async function route(files: FileService, o: ServerOptions, req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
  const origin = req.headers.origin;
  if (origin !== undefined && o.allowedOrigins && !o.allowedOrigins.includes(origin))
    return refuse(res, fileError('forbidden', 'This origin may not use the server.'));
  const user = userOf(o, req);
  if (!user) {
    res.setHeader('www-authenticate', 'Bearer');
    return refuse(res, fileError('unauthorized', 'Sign in: send the token as "Authorization: Bearer <token>".'));
  }
  const method = req.method ?? 'GET';
  if (pathname === UPLOADS_PATH && method === 'POST') return createUpload(files, user, req, res);
  const upload = UPLOAD_ROUTE.exec(pathname)?.[1];
  if (upload) return uploadRequest(files, user, upload, req, res);
  const hash = HASH_ROUTE.exec(pathname)?.[1];
  const id = FILE_ROUTE.exec(pathname)?.[1];
  if ((hash || id) && (method === 'GET' || method === 'HEAD'))
    return serve(req, res, await (hash ? files.byHash(user, hash) : files.byId(user, id!)));
  req.resume();
  return refuse(res, fileError('not_found', `No such file endpoint: ${method} ${pathname}`));
}

function userOf(o: ServerOptions, req: IncomingMessage): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return m ? o.tokens.get(m[1]!) : undefined;
}

async function createUpload(files: FileService, user: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await jsonBody(req);
  if (typeof body === 'string') return refuse(res, fileError('bad_request', body));
  const request = uploadRequestOf(body);
  if (typeof request === 'string') return refuse(res, fileError('bad_request', request));
  if (!(await files.isMember(user, request.conv)))
    return refuse(res, fileError('forbidden', 'forbidden: not a member of this conversation, or no such conversation'));
  answer(res, await files.uploads.create(user, request), 201);
}

async function uploadRequest(files: FileService, user: string, id: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? 'GET';
  if (method === 'HEAD' || method === 'GET') {
    const state = await files.uploads.state(user, id);
    if ('error' in state) return refuse(res, state);
    res.setHeader(UPLOAD_OFFSET_HEADER, String(state.offset));
    return send(res, 200, { upload: state }, method === 'HEAD');
  }
  if (method === 'DELETE') {
    req.resume();
    return (await files.uploads.cancel(user, id))
      ? send(res, 200, { cancelled: id })
      : refuse(res, fileError('not_found', 'No such upload.'));
  }
  if (method !== 'PATCH') return refuse(res, fileError('not_found', `No such file endpoint: ${method}`), req);
  const offset = Number(req.headers[UPLOAD_OFFSET_HEADER]);
  const length = Number(req.headers['content-length']);
  if (!Number.isSafeInteger(offset) || offset < 0)
    return refuse(res, fileError('bad_request', 'Say where the chunk starts: Upload-Offset.'), req);
  if (!Number.isSafeInteger(length) || length < 1) return refuse(res, fileError('bad_request', 'A chunk needs its Content-Length.'), req);
  // The size is checked before the body is read: a huge claimed Content-Length is refused unread.
  answer(res, await files.uploads.append(user, id, offset, length, req), 200, req);
}

function answer(res: ServerResponse, a: UploadAnswer | FileError, status: number, req?: IncomingMessage): void {
  if ('error' in a) return refuse(res, a, req);
  if ('upload' in a) res.setHeader(UPLOAD_OFFSET_HEADER, String(a.upload.offset));
  send(res, 'attachment' in a ? 201 : status, a);
}

/** The bytes with headers that keep a browser from running them: attachment, nosniff, the sniffed type, a sandbox. */
function serve(req: IncomingMessage, res: ServerResponse, d: Download | FileError): void {
  req.resume();
  if ('error' in d) return refuse(res, d);
  const range = rangeOf(req.headers.range, d.size);
  if (range === 'bad') {
    res.setHeader('content-range', `bytes */${d.size}`);
    return refuse(res, { error: 'bad_request', message: 'The range is outside the file.' }, undefined, 416);
  }
  res.writeHead(range ? 206 : 200, {
    'content-type': d.record.type,
    'content-length': String(range ? range.end - range.start + 1 : d.size),
    'content-disposition': contentDisposition(d.record.name),
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
    'cache-control': 'private, no-store',
    'accept-ranges': 'bytes',
    ...(range ? { 'content-range': `bytes ${range.start}-${range.end}/${d.size}` } : {}),
  });
  if (req.method === 'HEAD' || d.size === 0) return void res.end();
  void d.open(range).then(
    (stream) => stream.on('error', () => res.destroy()).pipe(res),
    () => res.destroy(),
  );
}

/** One `bytes=a-b` range (what a resumed download asks); anything else is the whole file. */
function rangeOf(header: string | undefined, size: number): { start: number; end: number } | 'bad' | undefined {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  const start = m[1] === '' ? Math.max(0, size - Number(m[2])) : Number(m[1]);
  const end = m[1] === '' || m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  return start > end || start >= size ? 'bad' : { start, end };
}

async function jsonBody(req: IncomingMessage): Promise<unknown> {
  if (Number(req.headers['content-length'] ?? 0) > MAX_JSON_BODY) {
    req.resume();
    return `The request body is over ${MAX_JSON_BODY} bytes.`;
  }
  const parts: Buffer[] = [];
  let n = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    n += chunk.length;
    if (n > MAX_JSON_BODY) return `The request body is over ${MAX_JSON_BODY} bytes.`;
    parts.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(parts).toString('utf8')) as unknown;
  } catch {
    return 'The request body must be JSON.';
  }
}

/**
 * A refusal. The body of a request refused unread is read and dropped when it is small (the
 * client can read the answer and go on on the same connection); a larger one gets
 * `Connection: close`, since reading a huge body only to drop it would be the attack.
 */
function refuse(res: ServerResponse, e: FileError, unread?: IncomingMessage, status: number = FILE_ERRORS[e.error]): void {
  if (e.offset !== undefined) res.setHeader(UPLOAD_OFFSET_HEADER, String(e.offset));
  if (unread && !unread.readableEnded) {
    if (Number(unread.headers['content-length']) <= DRAINED_BODY) unread.resume();
    else res.setHeader('connection', 'close');
  }
  send(res, status, { error: { code: e.error, message: e.message, ...(e.offset !== undefined ? { offset: e.offset } : {}) } });
}

function send(res: ServerResponse, status: number, body: unknown, headOnly = false): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
  });
  res.end(headOnly ? undefined : text);
}
