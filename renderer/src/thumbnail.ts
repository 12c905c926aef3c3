/**
 * The thumbnail of an image the person sends (feature `thumbnails`): made here, where the picture is
 * decoded anyway for the send dialog's preview, so the server never decodes what people send. The
 * other members' windows show it inline and fetch the original only for the viewer.
 */
import { MAX_THUMBNAIL_BYTES, MAX_THUMBNAIL_SIDE } from '../../protocol/attachments';

/** The longest side of a thumbnail (the server's largest): twice the inline image's 320 CSS px, sharp on a HiDPI screen too. */
const THUMBNAIL_SIDE = MAX_THUMBNAIL_SIDE;
/** Not animated: a GIF shows the original (a thumbnail would stop it moving). */
const STILL_IMAGES = new Set(['image/png', 'image/jpeg', 'image/webp']);
/** Beyond this the original is not decoded here at all: the send dialog shows it as a file. */
const MAX_SOURCE_BYTES = 40 * 1024 * 1024;

/** A small WebP of `file`, or undefined: not a still image, small enough to be its own thumbnail, or not decodable. */
export async function makeThumbnail(file: Blob): Promise<Blob | undefined> {
  if (!STILL_IMAGES.has(file.type) || file.size > MAX_SOURCE_BYTES) return undefined;
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return undefined; // not decodable: it goes as it is, and the other windows show a card or the original
  }
  try {
    const scale = Math.min(1, THUMBNAIL_SIDE / Math.max(bitmap.width, bitmap.height));
    if (scale === 1 && file.size <= MAX_THUMBNAIL_BYTES) return undefined;
    const canvas = new OffscreenCanvas(Math.max(1, Math.round(bitmap.width * scale)), Math.max(1, Math.round(bitmap.height * scale)));
    const context = canvas.getContext('2d');
    if (!context) return undefined;
    context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    for (const quality of [0.82, 0.6]) {
      const blob = await canvas.convertToBlob({ type: 'image/webp', quality });
      if (blob.type === 'image/webp' && blob.size <= MAX_THUMBNAIL_BYTES) return blob;
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    bitmap.close();
  }
}
