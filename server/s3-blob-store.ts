/**
 * Complete files in an S3-compatible object store (`--s3`: MinIO, Ceph RGW, AWS), through the
 * AWS SDK, one object per SHA-256 (`<prefix>sha256/ab/abcdef…`), path-style addressing as MinIO
 * and Ceph want. Only verified files are put (server/uploads.ts), so a partial object is never
 * served; a download asks the store for just the range it needs.
 */
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { BlobStore } from './blob-store';

export interface S3Target {
  endpoint: string;
  bucket: string;
  prefix: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/**
 * `--s3 http(s)://KEY:SECRET@host:port/bucket[/prefix][?region=R]`. Without KEY:SECRET in the URL,
 * AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. Throws with words for the command line.
 */
export function s3TargetOf(url: string, env: NodeJS.ProcessEnv = process.env): S3Target {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error('--s3 must be a URL: http(s)://KEY:SECRET@host:port/bucket');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('--s3 must be an http:// or https:// URL');
  const [bucket, ...rest] = u.pathname.split('/').filter(Boolean);
  if (!bucket) throw new Error('--s3 must name the bucket: http(s)://host:port/bucket');
  const accessKeyId = decodeURIComponent(u.username) || env.AWS_ACCESS_KEY_ID || '';
  const secretAccessKey = decodeURIComponent(u.password) || env.AWS_SECRET_ACCESS_KEY || '';
  if (!accessKeyId || !secretAccessKey) throw new Error('--s3 needs KEY:SECRET in the URL, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
  return {
    endpoint: `${u.protocol}//${u.host}`,
    bucket,
    prefix: rest.length > 0 ? `${rest.join('/')}/` : '',
    region: u.searchParams.get('region') ?? 'us-east-1',
    credentials: { accessKeyId, secretAccessKey },
  };
}

/** The store's address without its secret, for logs. */
export const describeS3 = (t: S3Target) => `${t.endpoint}/${t.bucket}/${t.prefix}`;

export class S3BlobStore implements BlobStore {
  private readonly s3: S3Client;

  constructor(private readonly target: S3Target) {
    this.s3 = new S3Client({
      endpoint: target.endpoint,
      region: target.region,
      credentials: target.credentials,
      forcePathStyle: true,
      // Checksums the SDK adds by default (CRC32 trailers) are not understood by every S3-compatible store.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  private key(sha256: string): string {
    return `${this.target.prefix}sha256/${sha256.slice(0, 2)}/${sha256}`;
  }

  async size(sha256: string): Promise<number | undefined> {
    try {
      const head = await this.s3.send(new HeadObjectCommand({ Bucket: this.target.bucket, Key: this.key(sha256) }));
      return head.ContentLength;
    } catch (err) {
      if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return undefined;
      throw err;
    }
  }

  async put(sha256: string, file: string, size: number): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({ Bucket: this.target.bucket, Key: this.key(sha256), Body: createReadStream(file), ContentLength: size }),
    );
    await rm(file, { force: true });
  }

  async read(sha256: string, range?: { start: number; end: number }): Promise<Readable> {
    const got = await this.s3.send(
      new GetObjectCommand({
        Bucket: this.target.bucket,
        Key: this.key(sha256),
        ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
      }),
    );
    return got.Body as Readable;
  }

  async remove(sha256: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.target.bucket, Key: this.key(sha256) }));
  }

  async close(): Promise<void> {
    this.s3.destroy();
  }
}
