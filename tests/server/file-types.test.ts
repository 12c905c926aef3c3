/** server/file-types.ts: the type from the content, image sizes from headers, bombs and SVG never images. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_IMAGE_PIXELS, sniff } from '../../server/file-types';

const png = (w: number, h: number) => {
  const b = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]).copy(b);
  b.write('IHDR', 12, 'latin1');
  b.writeUInt32BE(w, 16);
  b.writeUInt32BE(h, 20);
  return b;
};

test('PNG, GIF, JPEG and WebP give their sizes; one over the pixel limit, or with a zero side, is plain bytes', () => {
  assert.deepEqual(sniff(png(640, 480)), { type: 'image/png', width: 640, height: 480 });
  const gif = Buffer.from('GIF89a\x20\x03\x58\x02', 'latin1');
  assert.deepEqual(sniff(gif), { type: 'image/gif', width: 800, height: 600 });
  // SOI, an APP0 segment, then SOF0 with height 300, width 400.
  const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc0, 0, 17, 8, 0x01, 0x2c, 0x01, 0x90, 3]);
  assert.deepEqual(sniff(jpeg), { type: 'image/jpeg', width: 400, height: 300 });
  const webp = Buffer.alloc(30);
  webp.write('RIFF', 0, 'latin1');
  webp.write('WEBPVP8X', 8, 'latin1');
  webp.writeUIntLE(1919, 24, 3);
  webp.writeUIntLE(1079, 27, 3);
  assert.deepEqual(sniff(webp), { type: 'image/webp', width: 1920, height: 1080 });
  const side = Math.ceil(Math.sqrt(MAX_IMAGE_PIXELS)) + 1;
  assert.deepEqual(sniff(png(side, side)), { type: 'application/octet-stream', refusedImage: true });
  assert.deepEqual(sniff(png(0, 10)), { type: 'application/octet-stream', refusedImage: true });
});

test('documents by their magic bytes; a zip takes an office type from its name only; text and binary', () => {
  assert.equal(sniff(Buffer.from('%PDF-1.7\n')).type, 'application/pdf');
  const zip = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0]);
  assert.equal(sniff(zip, '周报.xlsx').type, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  assert.equal(sniff(zip, 'a.png').type, 'application/zip');
  assert.equal(sniff(Buffer.from('<svg><script>alert(1)</script></svg>'), 'x.svg').type, 'text/plain; charset=utf-8');
  assert.equal(sniff(Buffer.from('会议纪要：明天十点')).type, 'text/plain; charset=utf-8');
  assert.equal(sniff(Buffer.from([0x00, 0x01, 0xfe])).type, 'application/octet-stream');
  assert.equal(sniff(Buffer.from([0xc3, 0x28, 0x41, 0x41, 0x41, 0x41])).type, 'application/octet-stream', 'not UTF-8');
  assert.equal(sniff(Buffer.alloc(0)).type, 'application/octet-stream');
});
