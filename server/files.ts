/**
 * The server's files (feature `files`): uploads (uploads.ts), the stored bytes (blob-store.ts)
 * and what each attachment is and where it was posted (file-records.ts), with the one rule
 * of privacy: a user gets a file only as a member of a conversation it was posted in. By id,
 * "no such file" and "not yours to see" are answered apart (ids are unguessable); by hash,
 * both are the same refusal, so nobody can test whether some file exists on the server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import type { Attachment } from '../protocol/attachments';
import { WireErrorCodes } from '../protocol/wire-errors';
import { DiskBlobStore, type BlobStore } from './blob-store';
import { S3BlobStore, type S3Target } from './s3-blob-store';
import { MemoryFileRecords, type FileRecord, type FileRecords } from './file-records';
import { fileError, Uploads, type FileError, type FileLimits } from './uploads';
import type { Refusal } from './revisions';

/** Whether `user` is a member of `conv` now. */
export type IsMember = (user: string, conv: string) => Promise<boolean>;

export interface Download {
  record: FileRecord;
  size: number;
  open(range?: { start: number; end: number }): Promise<Readable>;
}

export class FileService {
  readonly uploads: Uploads;

  constructor(
    private readonly o: {
      blobs: BlobStore;
      records: FileRecords;
      stagingDir: string;
      limits: FileLimits;
      isMember: IsMember;
      cleanup?: () => void;
    },
  ) {
    this.uploads = new Uploads({ dir: o.stagingDir, blobs: o.blobs, records: o.records, limits: o.limits });
  }

  get limits(): FileLimits {
    return this.o.limits;
  }

  isMember(user: string, conv: string): Promise<boolean> {
    return this.o.isMember(user, conv);
  }

  /** The file with this id, for a member of the conversation it was posted in. */
  async byId(user: string, id: string): Promise<Download | FileError> {
    const record = await this.o.records.get(id);
    if (!record) return fileError('not_found', 'No such file.');
    if (!(await this.o.isMember(user, record.conv))) return notMember();
    return this.download(record);
  }

  /** The file with these bytes, for a member of some conversation one was posted in. */
  async byHash(user: string, sha256: string): Promise<Download | FileError> {
    for (const record of await this.o.records.withHash(sha256)) if (await this.o.isMember(user, record.conv)) return this.download(record);
    return notMember();
  }

  /**
   * The attachments a message names: each uploaded by its sender into the conversation it is
   * sent to. Anything else is refused, so a message cannot carry another's file across.
   */
  async attachable(user: string, conv: string, ids: readonly string[]): Promise<Attachment[] | Refusal> {
    const out: Attachment[] = [];
    for (const id of ids) {
      const r = await this.o.records.get(id);
      if (!r || r.user !== user || r.conv !== conv)
        return { code: WireErrorCodes.noSuchFile, message: `no_such_file: ${id} is not a file you uploaded into this conversation` };
      const thumbnail = await this.o.records.thumbnailOf(r.id);
      out.push({
        id: r.id,
        name: r.name,
        size: r.size,
        type: r.type,
        ...(r.width ? { width: r.width, height: r.height } : {}),
        ...(thumbnail !== undefined ? { thumbnail } : {}),
      });
    }
    return out;
  }

  /** The files of a recalled message: gone for everyone, as its text is (the bytes stay only while another record names them). */
  revoke(ids: readonly string[]): Promise<void> {
    return this.o.records.revoke(ids);
  }

  private async download(record: FileRecord): Promise<Download | FileError> {
    const size = await this.o.blobs.size(record.sha256);
    if (size !== record.size) return fileError('not_found', 'The file is recorded but its bytes are missing on the server.');
    return { record, size, open: (range) => this.o.blobs.read(record.sha256, range) };
  }

  async close(): Promise<void> {
    await this.o.blobs.close();
    this.o.records.close?.();
    this.o.cleanup?.();
  }
}

const notMember = () => fileError('forbidden', 'forbidden: not a member of the conversation this file was posted in, or no such file');

/**
 * Files under `<dataDir>/files`, or (without a data dir) in a temporary directory removed at close.
 * With `s3`, the complete files go to the object store instead; uploads in progress stay in the
 * same local place, and so do the records unless `records` are shared (Redis: many nodes).
 */
export function localFiles(
  dataDir: string | undefined,
  limits: FileLimits,
  isMember: IsMember,
  s3?: S3Target,
  records?: FileRecords,
): FileService {
  const dir = dataDir ? path.join(dataDir, 'files') : mkdtempSync(path.join(os.tmpdir(), 'uos-chat-files-'));
  return new FileService({
    blobs: s3 ? new S3BlobStore(s3) : new DiskBlobStore(path.join(dir, 'blobs')),
    records: records ?? new MemoryFileRecords(dataDir ? dir : undefined),
    stagingDir: path.join(dir, 'uploads'),
    limits,
    isMember,
    ...(dataDir ? {} : { cleanup: () => rmSync(dir, { recursive: true, force: true }) }),
  });
}
