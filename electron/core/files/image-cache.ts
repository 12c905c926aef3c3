/**
 * Images for the window, served by main (a custom protocol in the app, a route of the test host's
 * server in Chromium): the window's CSP allows no remote image, so every picture comes through
 * here. An image is fetched once with the conversation's settings (proxy, CAs, token) into
 * `cache/images/`, then answered from disk. Only PNG, JPEG, GIF and WebP, told by their first bytes,
 * never by a name or a server's type: SVG, HTML and the rest are refused, so nothing in a chat can
 * run as a page. Larger than MAX_IMAGE_BYTES is refused unread: the window shows a file card.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { FilesConfig } from './file-http';
import { FileTransfer, TransferError, type TransferOptions } from './file-transfer';

export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;

/** The image types the window shows, by their signatures. */
export function imageTypeOf(head: Uint8Array): string | undefined {
  const at = (i: number, ...bytes: number[]) => bytes.every((b, j) => head[i + j] === b);
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (at(0, 0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (at(0, 0x47, 0x49, 0x46, 0x38)) return 'image/gif';
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return 'image/webp';
  return undefined;
}

/** The image type of a file on disk, by its first bytes (undefined: not one the window shows). */
export async function imageTypeOfFile(file: string): Promise<string | undefined> {
  const fh = await open(file, 'r');
  const head = Buffer.alloc(16);
  try {
    await fh.read(head, 0, head.length, 0);
  } finally {
    await fh.close();
  }
  return imageTypeOf(head);
}

export interface ImageCacheDeps {
  dir: string;
  /** The conversation's settings; undefined: not one of the user's conversations. */
  configOf: (conv: string) => FilesConfig | undefined;
  transfer?: Partial<TransferOptions>;
}

export class ImageCache {
  private readonly fetching = new Map<string, Promise<string>>();

  constructor(private readonly d: ImageCacheDeps) {}

  /** The answer for attachment `id` of conversation `conv`: the image, or a status with why in words. */
  async respond(conv: string, id: string): Promise<Response> {
    const config = this.d.configOf(conv);
    if (!config || !/^[A-Za-z0-9_-]{1,64}$/.test(id)) return refuse(404, 'not an attachment of your conversations');
    let file: string;
    try {
      file = await this.cached(conv, id, config);
    } catch (err) {
      if (err instanceof NotShown) return refuse(err.status, err.message);
      const detail = err instanceof TransferError ? (err.reason.detail ?? err.reason.code) : (err as Error).message;
      return refuse(502, detail);
    }
    const bytes = await readFile(file);
    const type = imageTypeOf(bytes.subarray(0, 16));
    if (!type) return refuse(415, 'not an image the window shows');
    return new Response(bytes, {
      status: 200,
      headers: { 'content-type': type, 'x-content-type-options': 'nosniff', 'cache-control': 'private, max-age=86400' },
    });
  }

  /** Removes the copies of these attachments (their message was recalled); one being fetched now is removed once it is in. */
  async forget(conv: string, ids: readonly string[]): Promise<void> {
    for (const id of [...ids]) {
      const file = this.fileOf(conv, id);
      await this.fetching.get(file)?.catch(() => undefined);
      await rm(file, { force: true });
    }
  }

  private fileOf(conv: string, id: string): string {
    return path.join(this.d.dir, createHash('sha256').update(`${conv}\n${id}`).digest('hex').slice(0, 32));
  }

  /** The cached copy, fetched once however many ask at the same time. */
  private cached(conv: string, id: string, config: FilesConfig): Promise<string> {
    const file = this.fileOf(conv, id);
    let p = this.fetching.get(file);
    if (!p) {
      p = this.fetch(file, id, config).finally(() => this.fetching.delete(file));
      this.fetching.set(file, p);
    }
    return p;
  }

  private async fetch(file: string, id: string, config: FilesConfig): Promise<string> {
    if ((await stat(file).catch(() => undefined))?.isFile()) return file;
    mkdirSync(this.d.dir, { recursive: true, mode: 0o700 });
    const abort = new AbortController();
    let tooBig = false;
    const tmp = `${file}.fetch`;
    const transfer = new FileTransfer({
      config,
      signal: abort.signal,
      onProgress: (_done, size) => {
        if (size > MAX_IMAGE_BYTES && !tooBig) {
          tooBig = true;
          abort.abort();
        }
      },
      ...this.d.transfer,
    });
    try {
      await transfer.download(id, tmp);
    } catch (err) {
      await rm(`${tmp}.part`, { force: true });
      if (tooBig) throw new NotShown(413, `larger than ${MAX_IMAGE_BYTES / 1024 / 1024} MB: shown as a file`);
      throw err;
    }
    await checkHead(tmp);
    await rename(tmp, file);
    return file;
  }
}

/** Bytes the window does not show as a picture (it shows a file card instead). */
class NotShown extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Refuses (and removes) a fetched file that is not an image before it is kept. */
async function checkHead(file: string): Promise<void> {
  if (!(await imageTypeOfFile(file))) {
    await rm(file, { force: true });
    throw new NotShown(415, 'not an image the window shows');
  }
}

function refuse(status: number, words: string): Response {
  return new Response(words, { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' } });
}
