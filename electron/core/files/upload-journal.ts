/**
 * Unfinished uploads, remembered on disk (`uploads.json`, written atomically, 0600): for a file
 * (its path, size and modification time, and the conversation), the server's upload id and the
 * file's SHA-256. A run killed mid-upload goes on from the server's offset next time instead of
 * sending (and hashing) the file again. A changed file has another key, so it starts afresh.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
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

/** The lower-case hex SHA-256 of a file, read as a stream. */
export async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
