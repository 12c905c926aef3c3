/** The HTTP side of feature `files`, spoken plainly (node:http on loopback), for the server's tests. */
import { createHash } from 'node:crypto';
import { request } from 'node:http';

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The files endpoint of a chat server's ws:// URL. */
export const filesBase = (wsUrl: string) => wsUrl.replace(/^ws/, 'http').replace(/\/ws\/chat\/?$/, '');

export interface Answer {
  status: number;
  body: any;
  headers: Record<string, string | string[] | undefined>;
  bytes: Buffer;
}

/**
 * One request on a connection of its own (no keep-alive pool: a test that restarts the server
 * must not meet a pooled socket the old one closed). Bounded by a timeout.
 */
export function call(url: string, init: { method: string; headers?: Record<string, string>; body?: Buffer | string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method, headers: init.headers ?? {}, agent: false, timeout: 20_000 }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const bytes = Buffer.concat(parts);
        let body: unknown = bytes.toString('utf8');
        try {
          body = JSON.parse(body as string);
        } catch {
          // not JSON: the text itself
        }
        resolve({ status: res.statusCode ?? 0, body, headers: res.headers, bytes });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${init.method} ${url}: no answer in 20 s`)));
    req.on('error', reject);
    req.end(init.body);
  });
}

const auth = (token: string | undefined): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});

export function createUpload(base: string, token: string | undefined, body: unknown): Promise<Answer> {
  return call(`${base}/files/uploads`, {
    method: 'POST',
    headers: { ...auth(token), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

export function sendChunk(base: string, token: string, upload: string, offset: number, bytes: Buffer): Promise<Answer> {
  return call(`${base}/files/uploads/${upload}`, {
    method: 'PATCH',
    headers: { ...auth(token), 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' },
    body: bytes,
  });
}

export function uploadState(base: string, token: string, upload: string): Promise<Answer> {
  return call(`${base}/files/uploads/${upload}`, { method: 'GET', headers: auth(token) });
}

/** A download: its status, headers and raw bytes. */
export function download(base: string, token: string | undefined, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return call(`${base}${path}`, { method: 'GET', headers: { ...auth(token), ...headers } });
}

/** Uploads `bytes` whole, in chunks of `chunk` bytes; resolves with the attachment. */
export async function uploadFile(
  base: string,
  token: string,
  conv: string,
  name: string,
  bytes: Buffer,
  chunk = 4 * 1024 * 1024,
  /** More of the request (`thumbnail_of`). */
  extra: Record<string, unknown> = {},
) {
  const created = await createUpload(base, token, { conv, name, size: bytes.length, sha256: sha256(bytes), ...extra });
  if (created.body.attachment) return created.body.attachment;
  if (created.status !== 201) throw new Error(`create: ${created.status} ${JSON.stringify(created.body)}`);
  const id = created.body.upload.upload as string;
  for (let at = 0, i = 0; at < bytes.length && i < 10_000; i++) {
    const part = bytes.subarray(at, Math.min(bytes.length, at + chunk));
    const sent = await sendChunk(base, token, id, at, part);
    if (sent.body.attachment) return sent.body.attachment;
    if (sent.status !== 200) throw new Error(`chunk at ${at}: ${sent.status} ${JSON.stringify(sent.body)}`);
    at = sent.body.upload.offset;
  }
  throw new Error('the upload did not complete');
}
