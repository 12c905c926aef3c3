/**
 * The byte-moving parts of uploads: taking one chunk from a request into the staged file at
 * its offset (bounded in bytes and in time), hashing a staged file, and reading the first
 * bytes of a stored one for sniffing.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { SNIFF_BYTES } from './file-types';
import type { FileErrorCode } from '../protocol/attachments';

/** A refusal of the HTTP side, in words (and, for offset_mismatch, where to go on from). */
export interface FileError {
  error: FileErrorCode;
  message: string;
  /** offset_mismatch: where the next chunk must start. */
  offset?: number;
}

export const fileError = (error: FileErrorCode, message: string, offset?: number): FileError => ({
  error,
  message,
  ...(offset !== undefined ? { offset } : {}),
});

/**
 * Writes the request body to `file` from `at` on, `length` bytes at most. What arrived before a
 * cut or the time limit stays (the next offset says so); a full disk takes back the whole chunk.
 */
export async function receiveChunk(
  body: Readable,
  file: string,
  at: number,
  length: number,
  timeoutMs: number,
): Promise<{ ok: true } | FileError> {
  const fh = await open(file, 'r+');
  let pos = at;
  let failed: FileError | undefined;
  const timer = setTimeout(() => {
    failed = fileError('timeout', `A chunk must arrive within ${Math.round(timeoutMs / 1000)} s; send the rest from the new offset.`);
    body.destroy();
  }, timeoutMs);
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      const room = at + length - pos;
      await writeAt(fh, chunk.length > room ? chunk.subarray(0, room) : chunk, pos);
      pos += Math.min(chunk.length, room);
      if (pos === at + length) break;
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOSPC') {
      await fh.truncate(at);
      pos = at;
      failed = fileError('disk_full', 'The server ran out of disk space during the upload; try again later.');
    } else failed ??= fileError('bad_request', 'The connection was cut during the chunk; send the rest from the new offset.');
  } finally {
    clearTimeout(timer);
    await fh.sync().catch(() => undefined);
    await fh.close();
  }
  if (failed) return failed;
  if (pos < at + length) return fileError('bad_request', `The chunk ended after ${pos - at} of ${length} bytes.`);
  return { ok: true };
}

async function writeAt(fh: FileHandle, buf: Buffer, pos: number): Promise<void> {
  for (let done = 0; done < buf.length;) {
    const { bytesWritten } = await fh.write(buf, done, buf.length - done, pos + done);
    done += bytesWritten;
  }
}

/** The lower-case hex SHA-256 of a file, read as a stream. */
export async function hashOf(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Up to SNIFF_BYTES from the start of a stream, which is then let go. */
export async function headOf(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      parts.push(chunk);
      n += chunk.length;
      if (n >= SNIFF_BYTES) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(parts).subarray(0, SNIFF_BYTES);
}
