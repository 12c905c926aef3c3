/**
 * Sending and fetching files (feature `files`), streaming from and to disk: a 100 MB file is
 * never held in memory. An upload hashes the file, creates the upload (or finds the same bytes
 * stored already), then sends chunks from the offset the server confirmed; after a cut it asks
 * for the offset and goes on. The upload's id is kept in a journal (upload-journal.ts), so a
 * process killed mid-upload goes on from the server's offset next time. A download writes
 * `<out>.part` and renames it when every byte is there, asking for the rest with a Range after
 * a cut. Refusals come back as Reasons with the server's words.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { safeFileName, type Attachment, type UploadAnswer, type UploadRequest, type UploadState } from '../../../protocol/attachments';
import { reason, type Reason, type ReasonCode } from '../../common/errors';
import { jsonRequest, readJson, streamRequest, type FilesConfig, type HttpAnswer } from './file-http';
import { hashFile, readPieces, type UploadJournal } from './upload-journal';

/** A transfer that failed, with why in words. */
export class TransferError extends Error {
  constructor(readonly reason: Reason) {
    super(reason.detail ?? reason.code);
  }
}

export interface TransferOptions {
  config: FilesConfig;
  /** Where unfinished uploads are remembered (else they start over after a restart). */
  journal?: UploadJournal;
  chunkBytes?: number;
  timeoutMs?: number;
  /** Failed requests in a row (no progress between them) before giving up. */
  attempts?: number;
  /** Between attempts (tests pass 0). */
  retryDelayMs?: number;
  onProgress?: (done: number, size: number) => void;
  /** Aborted: the transfer stops at once and rejects with CANCELLED (what the server has stays there). */
  signal?: AbortSignal;
}

const DEFAULT_CHUNK = 4 * 1024 * 1024;

export class FileTransfer {
  constructor(private readonly o: TransferOptions) {}

  /** Uploads `file` into conversation `conv`; resolves with the attachment to name in a message (`thumbnailOf`: that image's thumbnail). */
  async upload(conv: string, file: string, name = path.basename(file), thumbnailOf?: string): Promise<Attachment> {
    const info = await stat(file).catch((err: Error) => {
      throw new TransferError(reason('FILE_UNREADABLE', `${file}: ${err.message}`));
    });
    if (!info.isFile()) throw new TransferError(reason('FILE_UNREADABLE', `${file}: not a file`));
    const key = { conv, file: path.resolve(file), size: info.size, mtimeMs: info.mtimeMs };
    const known = await this.o.journal?.get(key);
    const sha256 = known?.sha256 ?? (await hashFile(file));
    let state = known ? await this.stateOf(known.upload) : undefined;
    if (!state) {
      const request: UploadRequest = { conv, name: safeFileName(name), size: info.size, sha256 };
      const created = await this.create(thumbnailOf !== undefined ? { ...request, thumbnail_of: thumbnailOf } : request);
      if ('attachment' in created) return this.done(key, created.attachment);
      state = created.upload;
      await this.o.journal?.set(key, { upload: state.upload, sha256 });
    }
    return this.done(key, await this.sendFrom(file, state));
  }

  /** Fetches attachment `id` into `out` (through `out.part`, renamed once complete); resolves with the size. */
  async download(id: string, out: string): Promise<number> {
    const part = `${out}.part`;
    for (let failures = 0; ;) {
      const have = (await stat(part).catch(() => undefined))?.size ?? 0;
      try {
        const size = await this.fetchInto(id, part, have);
        await rename(part, out);
        return size;
      } catch (err) {
        this.throwIfCancelled(err);
        if (err instanceof TransferError || ++failures >= this.attempts) throw asTransferError(err);
        await this.pause();
      }
    }
  }

  private async done(key: Parameters<UploadJournal['get']>[0], attachment: Attachment): Promise<Attachment> {
    await this.o.journal?.remove(key);
    this.o.onProgress?.(attachment.size, attachment.size);
    return attachment;
  }

  private async create(body: UploadRequest): Promise<UploadAnswer> {
    const a = await this.retrying(() =>
      jsonRequest(this.o.config, 'POST', '/files/uploads', {
        headers: { 'content-type': 'application/json' },
        body: Buffer.from(JSON.stringify(body)),
        timeoutMs: this.timeoutMs,
        signal: this.o.signal,
      }),
    );
    return answerOf(a) as UploadAnswer;
  }

  /** Where an upload stands on the server; undefined when it knows it no more (finished or expired). */
  private async stateOf(upload: string): Promise<UploadState | undefined> {
    const a = await this.retrying(() =>
      jsonRequest(this.o.config, 'GET', `/files/uploads/${upload}`, { timeoutMs: this.timeoutMs, signal: this.o.signal }),
    );
    if (a.status === 404) return undefined;
    return (answerOf(a) as { upload: UploadState }).upload;
  }

  /** Sends the chunks from the confirmed offset on; after a cut, asks for the offset and goes on. */
  private async sendFrom(file: string, start: UploadState): Promise<Attachment> {
    let { offset } = start;
    for (let failures = 0; failures < this.attempts;) {
      this.o.onProgress?.(offset, start.size);
      const length = Math.min(this.o.chunkBytes ?? DEFAULT_CHUNK, start.size - offset);
      let a: HttpAnswer;
      try {
        a = await jsonRequest(this.o.config, 'PATCH', `/files/uploads/${start.upload}`, {
          headers: { 'upload-offset': String(offset), 'content-length': String(length), 'content-type': 'application/offset+octet-stream' },
          body: (write) => readPieces(file, offset, offset + length, write).then(() => undefined),
          timeoutMs: this.timeoutMs,
          signal: this.o.signal,
        });
      } catch (err) {
        this.throwIfCancelled(err);
        failures++;
        await this.pause();
        offset = (await this.stateOf(start.upload))?.offset ?? offset;
        continue;
      }
      const next = chunkAnswer(a);
      if ('attachment' in next) return next.attachment;
      if (next.offset > offset) failures = 0;
      else failures++;
      offset = next.offset;
    }
    throw new TransferError(reason('FILE_REFUSED', `the upload made no progress after ${this.attempts} tries`));
  }

  private async fetchInto(id: string, part: string, have: number): Promise<number> {
    const range: Record<string, string> = have > 0 ? { range: `bytes=${have}-` } : {};
    const res = await streamRequest(this.o.config, `/files/${id}`, range, this.timeoutMs, this.o.signal);
    if (res.statusCode === 416) {
      res.resume();
      await rm(part, { force: true }); // what we have is not a start of this file
      throw new Error('the partial download does not fit the file; starting over');
    }
    if (res.statusCode !== 200 && res.statusCode !== 206) {
      const body = await readJson(res);
      throw new TransferError(refusalOf(res.statusCode ?? 0, body));
    }
    const appending = res.statusCode === 206;
    const total = Number(res.headers['content-length']) + (appending ? have : 0);
    let done = appending ? have : 0;
    res.on('data', (c: Buffer) => this.o.onProgress?.((done += c.length), total));
    await pipeline(res, createWriteStream(part, { flags: appending ? 'a' : 'w', mode: 0o600 }));
    const size = (await stat(part)).size;
    if (size !== total) throw new Error(`the download stopped after ${size} of ${total} bytes`);
    return size;
  }

  /** A request that fails on the network is tried again; an answer (any status) is returned. */
  private async retrying(send: () => Promise<HttpAnswer>): Promise<HttpAnswer> {
    for (let i = 1; ; i++) {
      try {
        return await send();
      } catch (err) {
        this.throwIfCancelled(err);
        if (i >= this.attempts)
          throw new TransferError(reason('FILE_REFUSED', `the server could not be reached: ${(err as Error).message}`));
        await this.pause();
      }
    }
  }

  /** A cancelled transfer is not a failure to retry. */
  private throwIfCancelled(err: unknown): void {
    if (this.o.signal?.aborted) throw new TransferError(reason('CANCELLED', (err as Error)?.message));
  }

  private get attempts(): number {
    return this.o.attempts ?? 5;
  }

  private get timeoutMs(): number {
    return this.o.timeoutMs ?? 30_000;
  }

  private pause(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.o.retryDelayMs ?? 500);
      const signal = this.o.signal;
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}

/** The answer's JSON when it is a success; a TransferError with the server's words otherwise. */
function answerOf(a: HttpAnswer): unknown {
  if (a.status >= 200 && a.status < 300 && a.json) return a.json;
  throw new TransferError(refusalOf(a.status, a.json));
}

/** A chunk's answer: the new offset, the attachment, or (409, 408) the offset to go on from. */
function chunkAnswer(a: HttpAnswer): { offset: number } | { attachment: Attachment } {
  const body = a.json as { upload?: UploadState; attachment?: Attachment; error?: { offset?: number } } | undefined;
  if (body?.attachment) return { attachment: body.attachment };
  if (body?.upload) return { offset: body.upload.offset };
  if (a.status === 409 && typeof body?.error?.offset === 'number') return { offset: body.error.offset };
  throw new TransferError(refusalOf(a.status, a.json));
}

/** The server's refusals a person can act on, by their own words (protocol/attachments.ts FILE_ERRORS). */
const REFUSALS: Partial<Record<string, ReasonCode>> = {
  too_large: 'FILE_TOO_LARGE',
  quota_exceeded: 'QUOTA_EXCEEDED',
  disk_full: 'SERVER_DISK_FULL',
  forbidden: 'FORBIDDEN',
};

function refusalOf(status: number, body: unknown): Reason {
  const e = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
  if (status === 404 && !e) return reason('FILES_UNSUPPORTED', 'the server has no files endpoint');
  if (e?.code === 'not_found' && status === 404) return reason('NO_SUCH_FILE', e.message);
  const known = e?.code ? REFUSALS[e.code] : undefined;
  if (known) return reason(known, e?.message);
  return reason('FILE_REFUSED', e?.message ?? `the server answered HTTP ${status}`);
}

function asTransferError(err: unknown): TransferError {
  return err instanceof TransferError ? err : new TransferError(reason('FILE_REFUSED', (err as Error).message));
}
