/**
 * Files the window hands over, piece by piece, before they are sent: main's own copy under its
 * data directory (`staging/`, 0600). A staged file is taken whole into an upload queue (moved,
 * not copied), or dropped. Each staged file belongs to one conversation: it can only be sent there.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, rm, readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { MAX_THUMBNAIL_BYTES, formatBytes, formatBytesApart, safeFileName } from '../../../protocol/attachments';
import { reason, type Reason } from '../../common/errors';
import { MAX_STAGE_CHUNK, MAX_STAGED } from '../../common/ipc-file-types';
import { TransferError } from './file-transfer';
import { imageTypeOfFile } from './image-cache';

export interface StagedFile {
  /** The staged copy (complete). */
  file: string;
  name: string;
  size: number;
  conv: string;
  /** The window's thumbnail of this image (staged too, checked by take-thumbnail). */
  thumbnail?: StagedFile;
}

interface Staging {
  file: string;
  name: string;
  size: number;
  conv: string;
  written: number;
}

/** A call outside the rules (unknown stage, wrong offset): the window's bug, never the person's. */
export class StagingError extends Error {}

export class FileStaging {
  private readonly staged = new Map<string, Staging>();
  private writing = Promise.resolve();

  constructor(
    private readonly dir: string,
    /** The largest file the conversation's server takes, when known. */
    private readonly maxBytes: (conv: string) => number | undefined,
  ) {}

  /** Removes copies a previous run left unsent (nothing refers to them any more). */
  async sweep(): Promise<void> {
    for (const name of await readdir(this.dir).catch(() => [] as string[])) {
      if (name.endsWith('.staged')) await rm(path.join(this.dir, name), { force: true });
    }
  }

  begin(conv: string, name: string, size: number): { ok: true; stage: string } | { ok: false; reason: Reason } {
    const max = this.maxBytes(conv);
    if (max !== undefined && size > max) {
      return {
        ok: false,
        reason: reason(
          'FILE_TOO_LARGE',
          `${safeFileName(name)}: ${formatBytesApart(size, max)}, the server takes at most ${formatBytesApart(max, size)}`,
        ),
      };
    }
    if (this.staged.size >= MAX_STAGED)
      return { ok: false, reason: reason('REJECTED', `at most ${MAX_STAGED} files at once: send or remove some first`) };
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const stage = randomUUID();
    this.staged.set(stage, { file: path.join(this.dir, `${stage}.staged`), name: safeFileName(name), size, conv, written: 0 });
    return { ok: true, stage };
  }

  /** Appends the next piece; one write at a time, in order. */
  append(stage: string, offset: number, bytes: Uint8Array): Promise<void> {
    const s = this.staged.get(stage);
    if (!s) throw new StagingError('stage-chunk: no such staged file');
    if (bytes.length === 0 || bytes.length > MAX_STAGE_CHUNK) throw new StagingError(`stage-chunk: 1…${MAX_STAGE_CHUNK} bytes a piece`);
    if (offset !== s.written || offset + bytes.length > s.size) throw new StagingError(`stage-chunk: expected offset ${s.written}`);
    s.written += bytes.length;
    const write = this.writing.then(async () => {
      const fh = await open(s.file, offset === 0 ? 'w' : 'a', 0o600);
      try {
        await fh.write(bytes);
      } finally {
        await fh.close();
      }
    });
    this.writing = write.catch(() => undefined);
    return write.catch((err: NodeJS.ErrnoException) => {
      this.staged.delete(stage);
      void rm(s.file, { force: true });
      throw new TransferError(reason(err.code === 'ENOSPC' ? 'OUTBOX_WRITE_FAILED' : 'FILE_UNREADABLE', `${s.name}: ${err.message}`));
    });
  }

  /** The complete staged file for `conv`, no longer staged (the caller now owns the copy). */
  async take(stage: string, conv: string): Promise<StagedFile> {
    const s = this.staged.get(stage);
    if (!s || s.conv !== conv) throw new StagingError('send-attachments: not a file staged for this conversation');
    if (s.written !== s.size) throw new StagingError(`send-attachments: ${s.name} has ${s.written} of ${s.size} bytes`);
    await this.writing;
    this.staged.delete(stage);
    if (s.size === 0) await open(s.file, 'w', 0o600).then((fh) => fh.close()); // an empty file had no chunk
    return { file: s.file, name: s.name, size: s.size, conv: s.conv };
  }

  /** A staged thumbnail: small, and an image by its first bytes; anything else is the window's bug (and is dropped). */
  async takeThumbnail(stage: string, conv: string): Promise<StagedFile> {
    const s = await this.take(stage, conv);
    if (s.size <= MAX_THUMBNAIL_BYTES && (await imageTypeOfFile(s.file)) !== undefined) return s;
    await rm(s.file, { force: true });
    throw new StagingError(
      `send-attachments: a thumbnail is a PNG, JPEG, GIF or WebP image of at most ${formatBytes(MAX_THUMBNAIL_BYTES)}`,
    );
  }

  async drop(stage: string): Promise<void> {
    const s = this.staged.get(stage);
    this.staged.delete(stage);
    if (s) await rm(s.file, { force: true });
  }
}
