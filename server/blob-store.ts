/**
 * Where a file's bytes live once complete, named by their SHA-256 (content-addressed: the same
 * file sent twice, or into two conversations, is stored once). Only verified, complete files
 * are ever put here, so nothing partial can be served. The default keeps them on disk under
 * `<data dir>/files/blobs/ab/abcdef…` (a temporary directory without a data dir); an
 * S3-compatible store is the other implementation. Who may read a blob is not decided here
 * (server/file-records.ts).
 */
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { Readable } from 'node:stream';

export interface BlobStore {
  /** The size of the stored blob, or undefined when there is none. */
  size(sha256: string): Promise<number | undefined>;
  /** Moves (or copies) a verified file into the store under its hash; the source is gone after. */
  put(sha256: string, file: string, size: number): Promise<void>;
  /** The blob's bytes (all of them, or `range` inclusive), as a stream. */
  read(sha256: string, range?: { start: number; end: number }): Promise<Readable>;
  remove(sha256: string): Promise<void>;
  close(): Promise<void>;
}

export class DiskBlobStore implements BlobStore {
  constructor(private readonly dir: string) {}

  private file(sha256: string): string {
    return path.join(this.dir, sha256.slice(0, 2), sha256);
  }

  async size(sha256: string): Promise<number | undefined> {
    try {
      return (await stat(this.file(sha256))).size;
    } catch {
      return undefined;
    }
  }

  async put(sha256: string, file: string): Promise<void> {
    const to = this.file(sha256);
    await mkdir(path.dirname(to), { recursive: true });
    // The staging area is on the same file system (both under the files dir): a rename is atomic.
    await rename(file, to);
  }

  async read(sha256: string, range?: { start: number; end: number }): Promise<Readable> {
    const stream = createReadStream(this.file(sha256), range ?? {});
    await new Promise<void>((resolve, reject) => stream.once('open', () => resolve()).once('error', reject));
    return stream;
  }

  async remove(sha256: string): Promise<void> {
    await rm(this.file(sha256), { force: true });
  }

  async close(): Promise<void> {}
}
