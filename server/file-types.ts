/**
 * What a file is, from its first bytes, never from its name: a file named `.png` whose content
 * is HTML is served as text, with `nosniff` and as an attachment, so no browser renders it.
 * Only PNG, JPEG, GIF and WebP count as images (never SVG: it can carry script), and for
 * those the header gives the dimensions, read without decoding a pixel: the pixel-count limit
 * refuses a decompression bomb before anything would decode it.
 */

/** How many leading bytes the sniffing reads (a JPEG's size marker comes after its EXIF block, which a camera may fill with a preview). */
export const SNIFF_BYTES = 256 * 1024;
/** Larger images are not treated as images (no dimensions, no preview): 50 megapixels. */
export const MAX_IMAGE_PIXELS = 50_000_000;

export interface Sniffed {
  type: string;
  width?: number;
  height?: number;
  /** The header names more pixels than MAX_IMAGE_PIXELS (or a zero side): served as plain bytes. */
  refusedImage?: true;
}

const startsWith = (b: Buffer, sig: number[], at = 0) => b.length >= at + sig.length && sig.every((v, i) => b[at + i] === v);
const ascii = (b: Buffer, at: number, len: number) => b.subarray(at, at + len).toString('latin1');

/** The content type and, for an image, its size, from the first bytes of a file. */
export function sniff(head: Buffer, name = ''): Sniffed {
  const image = imageOf(head);
  if (image) {
    const [type, width, height] = image;
    if (width < 1 || height < 1 || width * height > MAX_IMAGE_PIXELS) return { type: 'application/octet-stream', refusedImage: true };
    return { type, width, height };
  }
  if (startsWith(head, [0x25, 0x50, 0x44, 0x46, 0x2d])) return { type: 'application/pdf' };
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) return { type: zipType(name) };
  if (startsWith(head, [0x1f, 0x8b])) return { type: 'application/gzip' };
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return { type: 'application/x-ole-storage' };
  if (isText(head)) return { type: 'text/plain; charset=utf-8' };
  return { type: 'application/octet-stream' };
}

/** [type, width, height] for PNG, GIF, WebP and JPEG headers. */
function imageOf(b: Buffer): [string, number, number] | undefined {
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) && b.length >= 24 && ascii(b, 12, 4) === 'IHDR')
    return ['image/png', b.readUInt32BE(16), b.readUInt32BE(20)];
  if ((ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a') && b.length >= 10)
    return ['image/gif', b.readUInt16LE(6), b.readUInt16LE(8)];
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return webpOf(b);
  if (startsWith(b, [0xff, 0xd8, 0xff])) return jpegOf(b);
  return undefined;
}

function webpOf(b: Buffer): [string, number, number] | undefined {
  const chunk = ascii(b, 12, 4);
  if (chunk === 'VP8X' && b.length >= 30) return ['image/webp', 1 + b.readUIntLE(24, 3), 1 + b.readUIntLE(27, 3)];
  if (chunk === 'VP8L' && b.length >= 25) {
    const bits = b.readUInt32LE(21);
    return ['image/webp', 1 + (bits & 0x3fff), 1 + ((bits >> 14) & 0x3fff)];
  }
  if (chunk === 'VP8 ' && b.length >= 30) return ['image/webp', b.readUInt16LE(26) & 0x3fff, b.readUInt16LE(28) & 0x3fff];
  return undefined;
}

/** Walks the JPEG markers to the first start-of-frame (SOF0..SOF15 but DHT, JPG and DAC). */
function jpegOf(b: Buffer): [string, number, number] | undefined {
  let at = 2;
  for (let guard = 0; guard < 1000 && at + 9 <= b.length; guard++) {
    if (b[at] !== 0xff) return undefined;
    const marker = b[at + 1]!;
    if (marker === 0xff) {
      at++;
      continue;
    }
    const length = b.readUInt16BE(at + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
      return ['image/jpeg', b.readUInt16BE(at + 7), b.readUInt16BE(at + 5)];
    at += 2 + length;
  }
  // The frame header lies past what was read: a JPEG still, without dimensions shown.
  return ['image/jpeg', 0, 0];
}

const OFFICE: Record<string, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
};

/** A zip is a zip; the name only chooses among the zip-based document types, which are all served as attachments. */
function zipType(name: string): string {
  const ext = name.toLowerCase().split('.').pop() ?? '';
  return OFFICE[ext] ?? 'application/zip';
}

/** UTF-8 text without NUL bytes (the end of the sample may cut a character in two). */
function isText(b: Buffer): boolean {
  if (b.length === 0 || b.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b.subarray(0, Math.max(0, b.length - 3)));
    return true;
  } catch {
    return false;
  }
}
