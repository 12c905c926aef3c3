/**
 * Uploads in progress, and how one becomes an attachment. An upload is staged on local disk
 * as `uploads/<id>.part` beside its description `uploads/<id>.json`; each chunk must start
 * where the staged bytes end (the offset the server last confirmed), so a client whose
 * connection was cut asks for the offset and goes on from there, even after a server restart
 * (with a data dir). When the last byte is in, the whole file is hashed: only a file whose
 * SHA-256 is the one announced is moved into the blob store, so nothing partial or corrupt
 * is ever served. The limits are checked before any byte is taken.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, statfs, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import type { Attachment, UploadAnswer, UploadRequest, UploadState } from '../protocol/attachments';
import { formatBytes, formatBytesApart, safeFileName } from '../protocol/attachments';
import type { BlobStore } from './blob-store';
import type { FileRecord, FileRecords } from './file-records';
import { fileError, hashOf, headOf, receiveChunk, type FileError } from './upload-io';

export { fileError, type FileError } from './upload-io';
import { sniff } from './file-types';
import { thumbnailContentRefusal, thumbnailRequestRefusal } from './thumbnails';

export interface FileLimits {
  maxFileBytes: number;
  /** Bytes of attachments and uploads in progress one user may hold. */
  quotaBytes: number;
  /** The largest chunk one request may carry. */
  maxChunkBytes: number;
  /** A chunk that takes longer is cut off (a slow drip holds no connection for ever); its bytes so far are kept. */
  chunkTimeoutMs: number;
  /** Room the disk keeps free: a file that would leave less is refused as "disk full". */
  minFreeBytes: number;
  /** An upload that took no byte for this long is dropped (it no longer counts against the quota or the disk). */
  staleUploadMs: number;
}

/** How often, at most, creating an upload also looks for stale ones. */
const SWEEP_EVERY_MS = 60_000;

interface Staged extends UploadRequest {
  id: string;
  user: string;
  created: string;
}

export class Uploads {
  private readonly staged = new Map<string, Staged>();
  /** Uploads taking a chunk now, with that chunk's body (to cut it when the owner sends again) and its end. */
  private readonly busy = new Map<string, { body: Readable; done: Promise<unknown> }>();
  private loaded: Promise<void> | undefined;
  private swept = -Infinity;

  constructor(
    private readonly o: {
      dir: string;
      blobs: BlobStore;
      records: FileRecords;
      limits: FileLimits;
      /** Free bytes where the files are kept (statfs; the tests give a small real file system). */
      freeBytes?: (dir: string) => Promise<number>;
      now?: () => number;
    },
  ) {}

  /** Starts an upload, or (the same bytes are stored already, or the file is empty) completes it at once. */
  async create(user: string, req: UploadRequest): Promise<UploadAnswer | FileError> {
    await this.load();
    await this.sweep();
    const { limits } = this.o;
    if (req.size > limits.maxFileBytes)
      return fileError(
        'too_large',
        `The file is ${formatBytesApart(req.size, limits.maxFileBytes)}; this server takes files up to ${formatBytesApart(limits.maxFileBytes, req.size)}.`,
      );
    const used = (await this.o.records.usage(user)) + this.pendingOf(user);
    if (used + req.size > limits.quotaBytes)
      return fileError(
        'quota_exceeded',
        `Your files use ${formatBytes(used)} of ${formatBytes(limits.quotaBytes)}; this one (${formatBytes(req.size)}) does not fit.`,
      );
    const thumbnail = await thumbnailRequestRefusal(this.o.records, user, req);
    if (thumbnail) return thumbnail;
    const staged: Staged = { ...req, name: safeFileName(req.name), id: newId('u'), user, created: new Date().toISOString() };
    if ((await this.o.blobs.size(req.sha256)) === req.size) {
      const head = await headOf(await this.o.blobs.read(req.sha256));
      return refusedThumbnail(staged, head) ?? this.attach(staged, head);
    }
    const full = await this.diskFull(req.size);
    if (full) return full;
    await writeFile(this.part(staged.id), '', { mode: 0o600 });
    await writeFile(this.meta(staged.id), JSON.stringify(staged), { mode: 0o600 });
    this.staged.set(staged.id, staged);
    if (req.size === 0) return this.finish(staged);
    return { upload: { upload: staged.id, offset: 0, size: req.size } };
  }

  /** Where the next chunk must start (HEAD / GET of the upload). Only its owner learns it exists. */
  async state(user: string, id: string): Promise<UploadState | FileError> {
    const staged = await this.owned(user, id);
    if (!staged) return fileError('not_found', 'No such upload (it finished, was cancelled, or is not yours).');
    return { upload: id, offset: await this.offsetOf(id), size: staged.size };
  }

  /**
   * Takes one chunk, starting at `offset`, of `length` bytes; the last one completes the upload. A chunk
   * still arriving on an older connection of the same owner is cut first: that connection is most likely
   * dead (a Wi-Fi switch, a killed process behind a stalled link), and its bytes so far are kept.
   */
  async append(user: string, id: string, offset: number, length: number, body: Readable): Promise<UploadAnswer | FileError> {
    const staged = await this.owned(user, id);
    if (!staged) return fileError('not_found', 'No such upload (it finished, was cancelled, or is not yours).');
    const previous = this.busy.get(id);
    if (previous) {
      previous.body.destroy();
      await previous.done.catch(() => undefined);
    }
    if (this.busy.has(id)) return fileError('offset_mismatch', 'Another chunk of this upload is arriving now.', await this.offsetOf(id));
    const done = this.take(staged, offset, length, body);
    this.busy.set(id, { body, done });
    try {
      return await done;
    } finally {
      if (this.busy.get(id)?.body === body) this.busy.delete(id);
    }
  }

  private async take(staged: Staged, offset: number, length: number, body: Readable): Promise<UploadAnswer | FileError> {
    const id = staged.id;
    const at = await this.offsetOf(id);
    if (offset !== at) return fileError('offset_mismatch', `This upload has ${at} bytes; send from there.`, at);
    if (length > this.o.limits.maxChunkBytes)
      return fileError('too_large', `A chunk may carry up to ${formatBytes(this.o.limits.maxChunkBytes)}.`);
    if (offset + length > staged.size) return fileError('bad_request', `The file was announced as ${staged.size} bytes.`);
    const full = await this.diskFull(length);
    if (full) return full;
    const got = await receiveChunk(body, this.part(id), at, length, this.o.limits.chunkTimeoutMs);
    if ('error' in got) return got;
    if (at + length < staged.size) return { upload: { upload: id, offset: at + length, size: staged.size } };
    return this.finish(staged);
  }

  /** Drops an upload in progress (Cancel); the bytes staged so far go. */
  async cancel(user: string, id: string): Promise<boolean> {
    if (!(await this.owned(user, id))) return false;
    const arriving = this.busy.get(id);
    arriving?.body.destroy();
    await arriving?.done.catch(() => undefined);
    await this.drop(id);
    return true;
  }

  /** Every byte is in: checked against the announced hash, then stored and recorded. */
  private async finish(staged: Staged): Promise<UploadAnswer | FileError> {
    const part = this.part(staged.id);
    if ((await hashOf(part)) !== staged.sha256) {
      await this.drop(staged.id);
      return fileError('checksum_mismatch', 'The bytes received do not match the SHA-256 announced; the upload was dropped.');
    }
    const head = await headOf(createReadStream(part));
    const refused = refusedThumbnail(staged, head);
    if (!refused && (await this.o.blobs.size(staged.sha256)) !== staged.size) await this.o.blobs.put(staged.sha256, part, staged.size);
    const answer = refused ?? (await this.attach(staged, head));
    await this.drop(staged.id);
    return answer;
  }

  /** The record of a complete file, posted into `staged.conv`; its type and size from its first bytes. */
  private async attach(staged: Staged, head: Buffer): Promise<UploadAnswer> {
    const { type, width, height } = sniff(head, staged.name);
    const attachment: Attachment = { id: newId('f'), name: staged.name, size: staged.size, type, ...(width ? { width, height } : {}) };
    const record: FileRecord = {
      ...attachment,
      conv: staged.conv,
      user: staged.user,
      sha256: staged.sha256,
      created: new Date().toISOString(),
      ...(staged.thumbnail_of !== undefined ? { thumbnailOf: staged.thumbnail_of } : {}),
    };
    await this.o.records.add(record);
    return { attachment };
  }

  private async diskFull(bytes: number): Promise<FileError | undefined> {
    const free = await (this.o.freeBytes ?? freeBytesOf)(this.o.dir);
    if (free >= bytes + this.o.limits.minFreeBytes) return undefined;
    return fileError('disk_full', 'The server is out of disk space; try again later or ask its administrator.');
  }

  private async owned(user: string, id: string): Promise<Staged | undefined> {
    await this.load();
    const staged = this.staged.get(id);
    return staged?.user === user ? staged : undefined;
  }

  private pendingOf(user: string): number {
    let n = 0;
    for (const s of this.staged.values()) if (s.user === user) n += s.size;
    return n;
  }

  private async offsetOf(id: string): Promise<number> {
    return (await stat(this.part(id))).size;
  }

  private async drop(id: string): Promise<void> {
    this.staged.delete(id);
    await rm(this.meta(id), { force: true });
    await rm(this.part(id), { force: true });
  }

  /**
   * Drops uploads that took no byte for `staleUploadMs` (their part file's time says when the last
   * one came): abandoned ones would hold the user's quota and the disk for ever. Their owner, if it
   * comes back, is told the upload is gone and starts again.
   */
  private async sweep(): Promise<void> {
    const now = (this.o.now ?? Date.now)();
    if (now - this.swept < SWEEP_EVERY_MS) return;
    this.swept = now;
    for (const id of [...this.staged.keys()]) {
      if (this.busy.has(id)) continue;
      const last = await stat(this.part(id)).then(
        (s) => s.mtimeMs,
        () => 0,
      );
      if (now - last > this.o.limits.staleUploadMs) await this.drop(id);
    }
  }

  /** The uploads a previous run left (with a data dir): they go on where they stopped. */
  private load(): Promise<void> {
    this.loaded ??= (async () => {
      await mkdir(this.o.dir, { recursive: true, mode: 0o700 });
      for (const name of await readdir(this.o.dir)) {
        if (!name.endsWith('.json')) continue;
        try {
          const staged = JSON.parse(await readFile(path.join(this.o.dir, name), 'utf8')) as Staged;
          await stat(this.part(staged.id));
          this.staged.set(staged.id, staged);
        } catch {
          await rm(path.join(this.o.dir, name), { force: true }); // torn or without its bytes: nothing to go on from
        }
      }
    })();
    return this.loaded;
  }

  private part(id: string): string {
    return path.join(this.o.dir, `${id}.part`);
  }

  private meta(id: string): string {
    return path.join(this.o.dir, `${id}.json`);
  }
}

const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url')}`;

async function freeBytesOf(dir: string): Promise<number> {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
}

/** A thumbnail whose bytes are not a small image is refused (and never stored). */
function refusedThumbnail(staged: Staged, head: Buffer): FileError | undefined {
  return staged.thumbnail_of !== undefined ? thumbnailContentRefusal(sniff(head)) : undefined;
}
