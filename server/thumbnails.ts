/**
 * Feature `thumbnails`: an image's thumbnail is made by its sender, who has the picture decoded
 * already, and uploaded with `thumbnail_of`. The server decodes nothing: it checks the upload is
 * small, belongs with an image of the same sender in the same conversation, and that its header
 * says a small PNG, JPEG, GIF or WebP. So a decompression bomb never meets a decoder here, and no
 * image library (with its own bugs) runs on what strangers send.
 */
import { MAX_THUMBNAIL_BYTES, MAX_THUMBNAIL_SIDE, formatBytes, type UploadRequest } from '../protocol/attachments';
import type { FileRecords } from './file-records';
import type { Sniffed } from './file-types';
import { fileError, type FileError } from './upload-io';

/** Before a byte is taken: the size, and the image it belongs with. */
export async function thumbnailRequestRefusal(records: FileRecords, user: string, req: UploadRequest): Promise<FileError | undefined> {
  if (req.thumbnail_of === undefined) return undefined;
  if (req.size > MAX_THUMBNAIL_BYTES)
    return fileError('too_large', `A thumbnail may be up to ${formatBytes(MAX_THUMBNAIL_BYTES)}; this one is ${formatBytes(req.size)}.`);
  const of = await records.get(req.thumbnail_of);
  if (!of || of.user !== user || of.conv !== req.conv)
    return fileError('bad_request', `${req.thumbnail_of} is not a file you uploaded into this conversation.`);
  if (of.width === undefined) return fileError('bad_request', `${req.thumbnail_of} is not an image, so it has no thumbnail.`);
  return undefined;
}

/** Once the bytes are in: what their header says must be a small image. */
export function thumbnailContentRefusal(sniffed: Sniffed): FileError | undefined {
  const { width, height } = sniffed;
  if (width === undefined || height === undefined) return fileError('bad_request', 'A thumbnail must be a PNG, JPEG, GIF or WebP image.');
  if (width > MAX_THUMBNAIL_SIDE || height > MAX_THUMBNAIL_SIDE)
    return fileError(
      'bad_request',
      `A thumbnail may be up to ${MAX_THUMBNAIL_SIDE} × ${MAX_THUMBNAIL_SIDE} pixels; this one is ${width} × ${height}.`,
    );
  return undefined;
}
