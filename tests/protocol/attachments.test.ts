/** protocol/attachments.ts: names made safe, Content-Disposition, the attachment fields both ways, sizes in words. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  clientAttachmentsOf,
  contentDisposition,
  formatBytes,
  MAX_ATTACHMENTS,
  safeFileName,
  serverAttachmentsOf,
  uploadRequestOf,
} from '../../protocol/attachments';

test('safeFileName keeps the last path part, drops control and bidi characters and leading dots, keeps Chinese', () => {
  assert.equal(safeFileName('报告 (最终) ../../etc/passwd.pdf'), 'passwd.pdf');
  assert.equal(safeFileName('C:\\Users\\li\\桌面\\季度报告.docx'), '季度报告.docx');
  assert.equal(safeFileName('..'), 'file');
  assert.equal(safeFileName('.bashrc'), 'bashrc');
  assert.equal(safeFileName('a\u0000b\u001b[31m\u007f.txt'), 'ab[31m.txt');
  assert.equal(safeFileName('invoice\u202egpj.exe'), 'invoicegpj.exe', 'no right-to-left override');
  assert.equal(safeFileName(''), 'file');
  const long = safeFileName('文'.repeat(200) + '.pdf');
  assert.ok(new TextEncoder().encode(long).length <= 255);
  assert.ok(long.endsWith('文.pdf'), 'the extension is kept, whole characters only');
});

test('contentDisposition: attachment, an ASCII fallback and the UTF-8 name', () => {
  assert.equal(contentDisposition('a "b".txt'), `attachment; filename="a _b_.txt"; filename*=UTF-8''a%20%22b%22.txt`);
  assert.equal(contentDisposition('周报.xlsx'), `attachment; filename="__.xlsx"; filename*=UTF-8''%E5%91%A8%E6%8A%A5.xlsx`);
  assert.equal(contentDisposition("it's (1).txt"), `attachment; filename="it's (1).txt"; filename*=UTF-8''it%27s%20%281%29.txt`);
});

test('a client names 1..10 distinct attachment ids; a server message keeps well-formed attachments only', () => {
  assert.deepEqual(clientAttachmentsOf({}), {});
  assert.deepEqual(clientAttachmentsOf({ attachments: ['f_a', 'f_a', 'f_b'] }), { attachments: ['f_a', 'f_b'] });
  assert.equal(typeof clientAttachmentsOf({ attachments: [] }), 'string');
  assert.equal(typeof clientAttachmentsOf({ attachments: ['../x'] }), 'string');
  assert.equal(typeof clientAttachmentsOf({ attachments: Array.from({ length: MAX_ATTACHMENTS + 1 }, (_, i) => `f_${i}`) }), 'string');
  const good = { id: 'f_1', name: '../a.png', size: 3, type: 'image/png', width: 2, height: 1 };
  assert.deepEqual(serverAttachmentsOf({ attachments: [good, { id: 'f_2', name: 'x' }, 'nope'] }), {
    attachments: [{ id: 'f_1', name: 'a.png', size: 3, type: 'image/png', width: 2, height: 1 }],
  });
  assert.deepEqual(serverAttachmentsOf({ attachments: 'f_1' }), {});
});

test('an upload request needs a conversation, a name, a size and a lower-case SHA-256', () => {
  const sha256 = 'a'.repeat(64);
  assert.deepEqual(uploadRequestOf({ conv: 'c_1', name: 'x', size: 0, sha256 }), { conv: 'c_1', name: 'x', size: 0, sha256 });
  assert.match(uploadRequestOf({ conv: 'c_1', name: 'x', size: -1, sha256 }) as string, /size/);
  assert.match(uploadRequestOf({ conv: 'c_1', name: 'x', size: 1, sha256: 'A'.repeat(64) }) as string, /sha256/);
  assert.match(uploadRequestOf(null) as string, /JSON object/);
});

test('sizes in words', () => {
  assert.deepEqual([0, 900, 1536, 10 * 1024 * 1024, 100 * 1024 * 1024, 1.5 * 1024 ** 3].map(formatBytes), [
    '0 bytes',
    '900 bytes',
    '1.5 KB',
    '10 MB',
    '100 MB',
    '1.5 GB',
  ]);
});
