/**
 * Unfinished uploads, remembered on disk (`uploads.json`, written atomically, 0600): for a file
 * (its path, size and modification time, and the conversation), the server's upload id and the
 * file's SHA-256. A run killed mid-upload goes on from the server's offset next time instead of
 * sending (and hashing) the file again. A changed file has another key, so it starts afresh.
 */
import { createHash } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../store/atomic-file';

export interface UploadKey {
  conv: string;
  file: string;
  size: number;
  mtimeMs: number;
}

export interface KnownUpload {
  upload: string;
  sha256: string;
}

const keyOf = (k: UploadKey) => JSON.stringify([k.conv, k.file, k.size, k.mtimeMs]);

export class UploadJournal {
  private entries: Map<string, KnownUpload> | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {}

  async get(key: UploadKey): Promise<KnownUpload | undefined> {
    return (await this.load()).get(keyOf(key));
  }

  async set(key: UploadKey, known: KnownUpload): Promise<void> {
    (await this.load()).set(keyOf(key), known);
    await this.save();
  }

  async remove(key: UploadKey): Promise<void> {
    if ((await this.load()).delete(keyOf(key))) await this.save();
  }

  private async load(): Promise<Map<string, KnownUpload>> {
    if (this.entries) return this.entries;
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(this.file, 'utf8'));
    } catch {
      parsed = {}; // none yet, or unreadable: uploads start over, nothing else is lost
    }
    this.entries ??= new Map(Object.entries(parsed as Record<string, KnownUpload>).filter(([, v]) => isKnown(v)));
    return this.entries;
  }

  /** One write at a time, each of the whole map as it is then. */
  private save(): Promise<void> {
    this.writing = this.writing.then(() => writeFileAtomic(this.file, JSON.stringify(Object.fromEntries(this.entries ?? [])) + '\n'));
    return this.writing;
  }
}

function isKnown(v: unknown): v is KnownUpload {
  const o = v as KnownUpload | null;
  return typeof o === 'object' && o !== null && typeof o.upload === 'string' && /^[0-9a-f]{64}$/.test(String(o.sha256));
}

/**
 * The lower-case hex SHA-256 of a file, read through one reused buffer: a 100 MB file allocates
 * nothing per piece (a stream's fresh 64 KB buffers, freed only when the GC gets round to them,
 * grew the process by ~35 MB while hashing).
 */
export async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  await readPieces(file, 0, Infinity, (piece) => {
    hash.update(piece);
  });
  return hash.digest('hex');
}

/** The reused buffer's size: large enough for few system calls, small beside any file worth streaming. */
const PIECE = 256 * 1024;

/**
 * Calls `each` with the bytes of `file` from `start` up to `end` (exclusive; Infinity: to its end), in
 * pieces that share one buffer: `each` must be done with a piece (awaited) before the next is read.
 */
export async function readPieces(file: string, start: number, end: number, each: (piece: Buffer) => void | Promise<void>): Promise<number> {
  const fh = await open(file, 'r');
  const buf = Buffer.allocUnsafe(PIECE);
  let at = start;
  try {
    while (at < end) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(PIECE, end - at), at);
      if (bytesRead === 0) break;
      await each(buf.subarray(0, bytesRead));
      at += bytesRead;
    }
  } finally {
    await fh.close();
  }
  return at - start;
}
